//! A live call's recording: stereo 16-bit WAV at 16 kHz (left agent, right customer), written
//! as the call goes and flushed at least every second, so a crash loses at most the last second.
//!
//! While a call records, its WAV and a small JSON note (when it started, which devices) sit in
//! `in-progress/` under the recordings folder; finishing moves the WAV up and removes the note.
//! Whatever is still in `in-progress/` at the next start was cut short by a crash:
//! `recover_unfinished` repairs those files' headers and hands them back for analysis.

mod error;
mod repair;
mod writer;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use error::RecorderError;
pub use repair::{recover_unfinished, repair_wav_header};
pub use writer::Recorder;

/// The folder under the recordings folder where calls being recorded are kept.
pub const IN_PROGRESS_DIR: &str = "in-progress";

/// What is known about a live recording besides its audio (kept beside an unfinished one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordingInfo {
    /// When the call started (RFC 3339, UTC).
    pub started_at: String,
    /// The agent's device (microphone), when one was captured.
    pub agent_device: Option<String>,
    /// The customer's device (system audio), when one was captured.
    pub customer_device: Option<String>,
}

/// A recording that is complete on disk and ready for analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct FinishedRecording {
    /// The WAV file.
    pub path: PathBuf,
    pub info: RecordingInfo,
    /// Its length as written.
    pub duration_ms: u64,
    /// It was cut short by a crash and repaired at a later start.
    pub recovered: bool,
    /// Why recording stopped before the call ended (the disk filled up), if it did.
    pub cut_short: Option<String>,
}
