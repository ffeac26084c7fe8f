//! Progress reporting and cancellation shared by every long-running stage.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use serde::Serialize;

/// The stage of work a progress event belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Decoding,
    Transcribing,
    Detecting,
    Extracting,
    Measuring,
    Redacting,
    Saving,
    Done,
}

/// One progress report: a stage and how far through it the work is (0.0…1.0).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Progress {
    pub stage: Stage,
    pub fraction: f32,
}

/// Receives progress reports; must be cheap and must not block.
pub type ProgressSink<'a> = &'a (dyn Fn(Progress) + Send + Sync);

/// A progress sink that ignores every report.
pub fn ignore_progress(_: Progress) {}

/// A flag shared between the caller and a long-running job, checked between units of work.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token that has not been cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Ask the job to stop at its next check.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// The shared flag itself, for callbacks that must poll it from C.
    pub(crate) fn flag(&self) -> &AtomicBool {
        &self.0
    }

    /// Whether cancellation was requested.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}
