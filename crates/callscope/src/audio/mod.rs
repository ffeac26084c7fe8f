//! Audio in: decoding any supported file to PCM and resampling to 16 kHz; live calls from
//! sound devices (`capture` → `live` → `recorder`).
//!
//! Formats are recognised by content, never by extension; channels are kept, because in a
//! stereo call each channel is one speaker.

pub mod capture;
mod clip;
mod decode;
mod error;
mod header;
mod limits;
pub mod live;
mod mp4_edit;
pub mod recorder;
mod resample;
mod tags;
mod waveform;

pub use clip::AudioClip;
pub use decode::{decode_file, DecodeOptions, DecodedFile, SourceInfo};
pub use error::{DecodeError, HeaderProblem};
pub use limits::{MAX_CHANNELS, MAX_SAMPLE_RATE_HZ, MIN_SAMPLE_RATE_HZ};
pub use resample::{ResampleError, StreamResampler};
pub use tags::recording_date;
pub use waveform::{waveform, Waveform};

/// Sample rate Whisper expects and every stage after decoding works at.
pub const WHISPER_SAMPLE_RATE_HZ: u32 = 16_000;
