//! Analysis jobs as the queue reports them to the UI.

use callscope::progress::Stage;
use serde::Serialize;
use specta::Type;

/// The stage of work a running job is in (`callscope::progress::Stage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum StageLabel {
    Decoding,
    Transcribing,
    Detecting,
    Extracting,
    Measuring,
    Redacting,
    Summarizing,
    Saving,
    Done,
}

impl From<Stage> for StageLabel {
    fn from(s: Stage) -> Self {
        match s {
            Stage::Decoding => StageLabel::Decoding,
            Stage::Transcribing => StageLabel::Transcribing,
            Stage::Detecting => StageLabel::Detecting,
            Stage::Extracting => StageLabel::Extracting,
            Stage::Measuring => StageLabel::Measuring,
            Stage::Redacting => StageLabel::Redacting,
            Stage::Summarizing => StageLabel::Summarizing,
            Stage::Saving => StageLabel::Saving,
            Stage::Done => StageLabel::Done,
        }
    }
}

/// Where a job is: waiting, running a stage, or finished one way or another.
#[derive(Debug, Clone, PartialEq, Serialize, Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum JobState {
    Queued,
    Running { stage: StageLabel, fraction: f32 },
    Done { call_id: i64, domain: String, category: String },
    /// The message names the file and says what to do next.
    Failed { message: String },
    Cancelled,
}

/// A change in one job's state; sent as the `job-update` event and returned when queued.
#[derive(Debug, Clone, PartialEq, Serialize, Type, tauri_specta::Event)]
pub struct JobUpdate {
    pub job_id: u32,
    pub file_name: String,
    pub path: String,
    pub state: JobState,
}
