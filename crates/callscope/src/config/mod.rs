//! The user's configuration, read by every shell: the settings type with its defaults and
//! validation, the settings file, environment overrides (all in `env`) and the data folder.
//!
//! API keys are never part of the settings: they live in the OS keyring (`crate::secrets`).

mod env;
mod file;
mod keys;
mod location;

pub use env::{Override, DATA_DIR, LOG, MODEL, MODELS_DIR, WHEELS_DIR};
pub use file::ConfigStore;
pub use keys::SettingKey;
pub use location::{
    check_writable, data_location, platform_data_dir, DataDirChoice, DataDirOrigin, DataLocation, LIBRARY_FILE,
    SETTINGS_FILE,
};

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Who analyses transcripts after transcription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ProviderChoice {
    /// The built-in rule-based analyzer: nothing leaves the machine, no tokens spent.
    #[default]
    Offline,
}

impl ProviderChoice {
    /// Every choice, in the order a settings screen lists them.
    pub const ALL: [ProviderChoice; 1] = [ProviderChoice::Offline];

    /// The name stored with each call and accepted by `--provider`.
    pub fn name(self) -> &'static str {
        match self {
            ProviderChoice::Offline => "offline",
        }
    }
}

/// What the user chose; saved as JSON in the data folder (`settings.json`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct Settings {
    /// Whisper model name (`tiny.en`, `base`, …) used for new analyses.
    pub model: String,
    /// Who analyses the transcript.
    pub provider: ProviderChoice,
    /// Keep transcripts and summaries unredacted in the library.
    pub keep_original_pii: bool,
    /// The agent is on the right channel (the default is left).
    pub swap_channels: bool,
    /// Check long stretches of continuous sound (music on hold, line noise) with the
    /// speech-activity model, when it is installed, and keep only their speech.
    pub filter_music: bool,
    /// Spoken language as an ISO 639-1 code (`en`), or `auto`.
    pub language: String,
}

/// The model used when neither the settings nor `$CALLSCOPE_MODEL` name one.
pub const DEFAULT_MODEL: &str = "base";

impl Default for Settings {
    fn default() -> Self {
        Settings {
            model: DEFAULT_MODEL.to_string(),
            provider: ProviderChoice::Offline,
            keep_original_pii: false,
            swap_channels: false,
            filter_music: true,
            language: "en".to_string(),
        }
    }
}

impl Settings {
    /// The settings with text trimmed; an error names the setting that cannot be used.
    pub fn checked(mut self) -> Result<Settings, ConfigError> {
        self.model = self.model.trim().to_string();
        if self.model.is_empty() {
            return Err(ConfigError::Invalid { key: "model".into(), detail: "name a speech model, such as base or tiny.en".into() });
        }
        self.language = self.language.trim().to_lowercase();
        let language_ok = self.language == "auto"
            || ((2..=3).contains(&self.language.len()) && self.language.chars().all(|c| c.is_ascii_lowercase()));
        if !language_ok {
            return Err(ConfigError::Invalid {
                key: "language".into(),
                detail: format!("{:?} is not a language code; use a two-letter code such as en, or auto", self.language),
            });
        }
        Ok(self)
    }
}

/// Why the configuration could not be read, changed or saved.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A setting's value cannot be used.
    #[error("the setting {key} cannot be used: {detail}")]
    Invalid { key: String, detail: String },
    /// No setting has this name.
    #[error("there is no setting called {key:?}; the settings are: {known}")]
    UnknownKey { key: String, known: String },
    /// The settings file could not be written.
    #[error("could not save the settings to {path}: {source}; check that you may write to that folder")]
    Save { path: PathBuf, source: std::io::Error },
    /// A folder chosen for the data cannot be created or written to.
    #[error("cannot use {path} as the data folder: {source}; choose another folder you may write to")]
    NotWritable { path: PathBuf, source: std::io::Error },
    /// A data folder must be given as a full path.
    #[error("{path} is not a full path; choose the data folder again")]
    RelativeDataDir { path: PathBuf },
    /// The file remembering the chosen data folder cannot be written.
    #[error("could not save the data folder choice to {path}: {source}; check that you may write to that folder")]
    DataDirChoice { path: PathBuf, source: std::io::Error },
    /// The platform has no per-user data folder (no home directory).
    #[error("could not find a data folder for Callscope; set CALLSCOPE_DATA to the folder that should hold the call library")]
    NoDataDir,
}
