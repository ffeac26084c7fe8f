//! Why a file could not be decoded, in words a user can act on.

use std::path::PathBuf;

use super::limits::{MAX_CHANNELS, MAX_SAMPLE_RATE_HZ, MIN_SAMPLE_RATE_HZ};
use super::ResampleError;

/// A decoding failure. Every variant names the file and says what to do next.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("{path}: file not found. Check the path and try again.")]
    NotFound { path: PathBuf },
    #[error("{path}: is a folder, not an audio file. Choose the recording inside it.")]
    IsDirectory { path: PathBuf },
    #[error("{path}: cannot be read ({source}). Check its permissions or copy it somewhere readable.")]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: the file is empty (0 bytes). The recording was probably not saved; export or copy it again.")]
    Empty { path: PathBuf },
    #[error("{path}: not a recognised audio file. Supported formats are WAV, MP3, M4A/AAC, FLAC and OGG Vorbis; convert it to one of them.")]
    NotAudio { path: PathBuf },
    #[error("{path}: {detail} is not supported. Convert the recording to WAV, MP3, M4A/AAC, FLAC or OGG Vorbis.")]
    Unsupported { path: PathBuf, detail: String },
    #[error("{path}: contains no audio. Check that you chose the call recording and not a video or an empty export.")]
    NoAudio { path: PathBuf },
    #[error("{path}: the file ends early ({detail}). The recording may be incomplete; copy or export it again.")]
    Truncated { path: PathBuf, detail: String },
    #[error("{path}: the audio data is damaged ({detail}). Try re-exporting the recording.")]
    Corrupt { path: PathBuf, detail: String },
    #[error("{path}: its header says {problem}; the file is damaged: export the recording again.")]
    DamagedHeader { path: PathBuf, problem: HeaderProblem },
    #[error("{path}: has {channels} channels; Callscope reads recordings with at most {MAX_CHANNELS} (a call has 1 or 2). Export it again as stereo or mono.")]
    TooManyChannels { path: PathBuf, channels: usize },
    #[error("{path}: the audio could not be converted to the working sample rate ({source}). This is a fault in Callscope, not in the recording; please report it.")]
    Conversion {
        path: PathBuf,
        #[source]
        source: ResampleError,
    },
    #[error("{path}: the recording is {duration_s} s long; the limit is {limit_s} s. Split it into shorter parts.")]
    TooLong { path: PathBuf, duration_s: u64, limit_s: u64 },
    #[error("{path}: decoding was cancelled.")]
    Cancelled { path: PathBuf },
}

impl DecodeError {
    /// A short machine-readable name of the failure, for APIs and tests.
    pub fn kind(&self) -> &'static str {
        match self {
            DecodeError::NotFound { .. } => "missing",
            DecodeError::IsDirectory { .. } => "directory",
            DecodeError::Unreadable { .. } => "unreadable",
            DecodeError::Empty { .. } => "empty",
            DecodeError::NotAudio { .. } => "not_audio",
            DecodeError::Unsupported { .. } | DecodeError::TooManyChannels { .. } => "unsupported",
            DecodeError::NoAudio { .. } => "no_audio",
            DecodeError::Truncated { .. } => "truncated",
            DecodeError::Corrupt { .. } | DecodeError::DamagedHeader { .. } => "corrupt",
            DecodeError::Conversion { .. } => "conversion",
            DecodeError::TooLong { .. } => "too_long",
            DecodeError::Cancelled { .. } => "cancelled",
        }
    }
}

/// What a file's header claims that no recording can be. Each reads as the end of
/// "its header says …".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderProblem {
    #[error("the sample rate is {hz} Hz (recordings are made at {MIN_SAMPLE_RATE_HZ} to {MAX_SAMPLE_RATE_HZ} Hz)")]
    SampleRate { hz: u32 },
    #[error("nothing about the sample rate")]
    NoSampleRate,
    #[error("it has {count} channels (recordings have 1 to {MAX_CHANNELS})")]
    Channels { count: usize },
    #[error("the audio takes 0 bytes per second")]
    ZeroByteRate,
    #[error("one frame of samples is {bytes} bytes, which cannot hold {} of {bits_per_sample}-bit samples", channel_count(*.channels))]
    BlockAlign { bytes: u16, channels: u16, bits_per_sample: u16 },
    #[error("samples are {bits} bits wide ({codec} samples are {allowed} bits)")]
    SampleWidth { bits: u16, codec: &'static str, allowed: &'static str },
    #[error("the speaker layout {mask:#010x} names fewer speakers than its {channels} channels")]
    ChannelMask { mask: u32, channels: u16 },
    #[error("the recording lasts {} days", .declared_s / 86_400)]
    Length { declared_s: u64 },
}

fn channel_count(channels: u16) -> String {
    if channels == 1 {
        "1 channel".to_string()
    } else {
        format!("{channels} channels")
    }
}
