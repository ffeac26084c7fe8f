//! The states a job goes through, as every shell shows them.

use std::path::Path;

use serde::Serialize;

use crate::pipeline::{file_name, FailureKind, PipelineError};
use crate::progress::Stage;

/// Where a job is: waiting, running a stage, or finished one way or another.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running { stage: Stage, fraction: f32 },
    Done { call_id: i64, domain: String, category: String },
    /// `message` names the file and says what went wrong; `missing_model` names the speech
    /// model to install when that is the reason, so a shell can offer to.
    Failed {
        message: String,
        missing_model: Option<String>,
        /// Whose problem it is (the HTTP server's status code); not sent to the UI.
        #[serde(skip)]
        #[cfg_attr(feature = "specta", specta(skip))]
        kind: FailureKind,
    },
    Cancelled,
}

impl JobState {
    /// The final state for a job that ended with `error`.
    pub fn from_error(error: &PipelineError) -> JobState {
        if error.is_cancelled() {
            return JobState::Cancelled;
        }
        JobState::Failed { message: error.to_string(), missing_model: error.missing_model().map(str::to_string), kind: error.kind() }
    }

    /// Whether the job will not change again.
    pub fn is_final(&self) -> bool {
        matches!(self, JobState::Done { .. } | JobState::Failed { .. } | JobState::Cancelled)
    }
}

/// A change in one job's state.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct JobUpdate {
    pub job_id: u32,
    pub file_name: String,
    pub path: String,
    pub state: JobState,
}

impl JobUpdate {
    /// An update of job `job_id` on `path`.
    pub fn new(job_id: u32, path: &Path, state: JobState) -> JobUpdate {
        JobUpdate { job_id, file_name: file_name(path), path: path.display().to_string(), state }
    }
}
