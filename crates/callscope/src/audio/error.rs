//! Why a file could not be decoded, in words a user can act on.

use std::path::PathBuf;

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
            DecodeError::Unsupported { .. } => "unsupported",
            DecodeError::NoAudio { .. } => "no_audio",
            DecodeError::Truncated { .. } => "truncated",
            DecodeError::Corrupt { .. } => "corrupt",
            DecodeError::Conversion { .. } => "conversion",
            DecodeError::TooLong { .. } => "too_long",
            DecodeError::Cancelled { .. } => "cancelled",
        }
    }
}
