//! The service layer every shell calls the same way (CLI, desktop app, HTTP server): one job
//! built from the settings (`Job`), the whole job for one recording (decode → transcribe →
//! analyse → store), and the analysis stages in order.
//!
//! The entry points are async; CPU-bound work (decoding, Whisper) runs on blocking threads.
//! Synchronous shells wrap them in `block_on`, which refuses (never panics) when called from
//! async code. A panic in any stage becomes that file's `PipelineError::Crashed`.

mod error;
mod extract;
mod file;
mod guard;
mod job;
mod live;
mod provider;
mod reanalyze;
mod runtime;
mod stages;
mod transcriber;

pub use error::{FailureKind, PipelineError};
pub use file::{analyze_file, file_name, recorded_on, transcribe_file, SharedProgress};
pub(crate) use guard::crashed;
pub use job::{Job, JobPlan};
pub use live::{has_unfinished_recordings, recover_live_recordings, store_live_recording};
pub use provider::ProviderPlan;
pub use reanalyze::reanalyze;
pub use runtime::block_on;
pub use stages::{analyze, analyze_and_store, AnalysisRequest};
pub use transcriber::TranscriberPlan;
