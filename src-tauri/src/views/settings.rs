//! Settings as the settings screen edits them, and the choices it offers.

use serde::{Deserialize, Serialize};
use specta::Type;

/// Who analyses transcripts after transcription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ProviderChoice {
    /// The built-in rule-based analyzer: nothing leaves the machine, no tokens spent.
    #[default]
    Offline,
}

/// What the user chose; saved as JSON in the data folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Type)]
#[serde(default)]
pub struct Settings {
    /// Whisper model name (`tiny.en`, `base`, …) used for new analyses.
    pub model: String,
    pub provider: ProviderChoice,
    /// Keep transcripts and summaries unredacted in the library.
    pub keep_original_pii: bool,
    /// The agent is on the right channel (the default is left).
    pub swap_channels: bool,
}

/// Environment variable naming the model to use until the user picks one (tests use `tiny.en`).
pub const MODEL_ENV: &str = "CALLSCOPE_MODEL";

/// The model used when neither settings nor `$CALLSCOPE_MODEL` name one.
pub const DEFAULT_MODEL: &str = "base";

impl Default for Settings {
    fn default() -> Self {
        let model = std::env::var(MODEL_ENV)
            .ok()
            .map(|m| m.trim().to_string())
            .filter(|m| !m.is_empty())
            .unwrap_or_else(|| DEFAULT_MODEL.to_string());
        Settings { model, provider: ProviderChoice::Offline, keep_original_pii: false, swap_channels: false }
    }
}

/// A speech model the user can pick.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ModelChoice {
    pub name: String,
    pub installed: bool,
    pub size_bytes: Option<u64>,
    /// What it is good for, with a speed hint.
    pub description: String,
}

/// The settings screen's content: the settings and what they can be set to.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SettingsView {
    pub settings: Settings,
    /// Speech models in the default (q8_0) format, installed ones first.
    pub models: Vec<ModelChoice>,
    pub data_dir: String,
    pub models_dir: String,
    pub log_dir: String,
}
