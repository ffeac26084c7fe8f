//! What a live call reports while it runs.

use super::CallSide;

/// Loudness of one channel over the last report's span.
#[derive(Debug, Clone, Copy, PartialEq, Default, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ChannelLevel {
    /// Root-mean-square level in dBFS (−100 for digital silence).
    pub rms_db: f32,
    /// Highest absolute sample, 0…1.
    pub peak: f32,
}

/// Events of a live call, sent on the channel given to `LiveCall::start`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    /// About ten times a second: how far the call is and how loud each side is.
    Levels {
        elapsed_ms: u64,
        agent: ChannelLevel,
        customer: ChannelLevel,
    },
    /// A side's device is gone; the call goes on with silence on that side.
    DeviceLost {
        side: CallSide,
        device: String,
        reason: String,
    },
    /// A side's clock against the call's clock, measured since it started (or last stalled).
    Drift { side: CallSide, ppm: f64 },
    /// The recording is safely on disk up to `duration_ms`.
    Flushed { duration_ms: u64 },
    /// The recording stopped before the call ended (the disk is full); what was written is kept.
    RecordingFailed { path: String, reason: String },
}
