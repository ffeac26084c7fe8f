//! A live call: two streams of audio (the agent's and the customer's) from any source — sound
//! devices (`audio::capture`), later a telephony stream — become one stereo 16 kHz timeline
//! (left agent, right customer) that is recorded (`audio::recorder`), measured, and handed to
//! a `LiveAudioConsumer` (the streaming transcriber) as it happens.
//!
//! A source sends `SourceFrames` through its side's `FrameSender`; `LiveCall` resamples each
//! side from its own rate, places the samples by their capture time on one shared clock
//! (correcting clock drift between devices), and reports `LiveEvent`s on a channel.

mod align;
mod call;
mod events;
mod timeline;

use std::sync::mpsc::{SyncSender, TrySendError};
use std::time::Instant;

pub use call::{LiveCall, LiveCallSetup};
pub use events::{ChannelLevel, LiveEvent};

/// Which party of the call a stream carries; it decides the channel (left agent, right customer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum CallSide {
    Agent,
    Customer,
}

impl CallSide {
    /// Both sides, in channel order.
    pub const BOTH: [CallSide; 2] = [CallSide::Agent, CallSide::Customer];

    /// The channel of the stereo recording: 0 (left) for the agent, 1 (right) for the customer.
    pub fn channel(self) -> usize {
        match self {
            CallSide::Agent => 0,
            CallSide::Customer => 1,
        }
    }
}

impl std::fmt::Display for CallSide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            CallSide::Agent => "agent",
            CallSide::Customer => "customer",
        })
    }
}

/// Receives each side's 16 kHz mono samples as soon as they are placed on the call's
/// timeline: the hook for the streaming transcriber. Called on the live call's own thread, so
/// it must return quickly (hand the samples to a worker; never decode here).
pub trait LiveAudioConsumer: Send {
    /// `samples` of `side`, the first of which is sample `start` of the call (16 kHz).
    /// Sides without a source are not sent; a lost device's side continues as silence.
    fn samples(&mut self, side: CallSide, start: u64, samples: &[f32]);
    /// The call ended; nothing more will come.
    fn finish(&mut self) {}
}

/// One piece of audio from a source: mono samples at the source's rate, with the moment its
/// first sample was captured (on this process's monotonic clock).
#[derive(Debug, Clone)]
pub struct SourceFrames {
    pub side: CallSide,
    pub samples: Vec<f32>,
    pub sample_rate_hz: u32,
    pub captured_at: Instant,
}

/// What a source tells the live call.
#[derive(Debug, Clone)]
pub enum SourceEvent {
    Frames(SourceFrames),
    /// The source is gone (device unplugged, sink removed, stream closed); its side continues
    /// as silence.
    Lost {
        side: CallSide,
        device: String,
        reason: String,
    },
}

/// A source's way into a live call for one side; cheap to clone, safe to call from an audio
/// callback (it never blocks: when the call falls behind, frames are dropped and the gap is
/// filled by their timestamps).
#[derive(Debug, Clone)]
pub struct FrameSender {
    side: CallSide,
    device: String,
    tx: SyncSender<SourceEvent>,
}

impl FrameSender {
    /// The side this sender feeds.
    pub fn side(&self) -> CallSide {
        self.side
    }

    /// The device or stream name events about this side use.
    pub fn device(&self) -> &str {
        &self.device
    }

    /// Send mono `samples` at `sample_rate_hz` whose first was captured at `captured_at`.
    /// Returns false when the call has ended (the source may stop).
    pub fn send(&self, samples: Vec<f32>, sample_rate_hz: u32, captured_at: Instant) -> bool {
        let frames = SourceFrames {
            side: self.side,
            samples,
            sample_rate_hz,
            captured_at,
        };
        match self.tx.try_send(SourceEvent::Frames(frames)) {
            Ok(()) => true,
            Err(TrySendError::Full(_)) => {
                tracing::warn!(side = %self.side, device = %self.device, "the live call fell behind; a buffer was dropped");
                true
            }
            Err(TrySendError::Disconnected(_)) => false,
        }
    }

    /// Report that the source is gone, with why.
    pub fn lost(&self, reason: impl Into<String>) {
        let event = SourceEvent::Lost {
            side: self.side,
            device: self.device.clone(),
            reason: reason.into(),
        };
        // A lost report must not be dropped for a full queue, and is sent once: waiting is fine.
        let _ = self.tx.send(event);
    }
}
