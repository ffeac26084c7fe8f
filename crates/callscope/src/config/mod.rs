//! The user's configuration, read by every shell: the settings type with its defaults and
//! validation, the settings file, environment overrides (all in `env`) and the data folder.
//!
//! API keys are never part of the settings: they live in the OS keyring (`crate::secrets`).

mod env;
mod file;
mod keys;
mod location;
mod overrides;

pub use env::{api_key, key_variable, Override, DATA_DIR, GEMINI_API_KEY, LOG, MODEL, MODELS_DIR, OPENAI_API_KEY, OPENAI_BASE_URL, WHEELS_DIR};
pub use file::ConfigStore;
pub use keys::SettingKey;
pub use overrides::SettingsOverrides;
pub use location::{
    check_writable, data_location, platform_data_dir, DataDirChoice, DataDirOrigin, DataLocation, LIBRARY_FILE,
    SETTINGS_FILE,
};

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::secrets::SecretKind;
pub use crate::stt::DEFAULT_TRANSCRIPTION_MODEL;

/// Who analyses transcripts after transcription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ProviderChoice {
    /// The built-in rule-based analyzer: nothing leaves the machine, no tokens spent.
    #[default]
    Offline,
    /// Google Gemini (needs a Gemini API key); only the redacted transcript is sent, unless
    /// `gemini_mode` is `audio` (then stage 1 uploads the call's audio).
    Gemini,
    /// OpenAI or a server speaking its API (Ollama, llama.cpp, vLLM) at `openai_base_url`;
    /// only the redacted transcript is sent.
    #[serde(rename = "openai")]
    OpenaiCompatible,
}

impl ProviderChoice {
    /// Every choice, in the order a settings screen lists them.
    pub const ALL: [ProviderChoice; 3] = [ProviderChoice::Offline, ProviderChoice::Gemini, ProviderChoice::OpenaiCompatible];

    /// The name stored with each call and accepted by `--provider`.
    pub fn name(self) -> &'static str {
        match self {
            ProviderChoice::Offline => "offline",
            ProviderChoice::Gemini => "gemini",
            ProviderChoice::OpenaiCompatible => "openai",
        }
    }

    /// The API key this provider reads, if it needs one.
    pub fn key(self) -> Option<SecretKind> {
        match self {
            ProviderChoice::Offline => None,
            ProviderChoice::Gemini => Some(SecretKind::GeminiApiKey),
            ProviderChoice::OpenaiCompatible => Some(SecretKind::OpenAiApiKey),
        }
    }
}

impl std::str::FromStr for ProviderChoice {
    type Err = String;

    /// A provider by its name (`offline`, `gemini`, `openai`).
    fn from_str(name: &str) -> Result<ProviderChoice, String> {
        let name = name.trim().to_lowercase();
        ProviderChoice::ALL.into_iter().find(|p| p.name() == name).ok_or_else(|| {
            format!("{name:?} is not a provider; choose one of {}", ProviderChoice::ALL.map(ProviderChoice::name).join(", "))
        })
    }
}

/// Who turns speech into text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum TranscriptionChoice {
    /// Whisper on this machine: the audio never leaves it.
    #[default]
    Local,
    /// The OpenAI-compatible server at `openai_base_url` (`audio/transcriptions`): each
    /// channel's speech is uploaded to it.
    Openai,
}

impl TranscriptionChoice {
    /// Every choice, in the order a settings screen lists them.
    pub const ALL: [TranscriptionChoice; 2] = [TranscriptionChoice::Local, TranscriptionChoice::Openai];

    /// The name accepted by `--transcriber` and `config set transcription`.
    pub fn name(self) -> &'static str {
        match self {
            TranscriptionChoice::Local => "local",
            TranscriptionChoice::Openai => "openai",
        }
    }
}

impl std::str::FromStr for TranscriptionChoice {
    type Err = String;

    /// A transcriber by its name (`local`, `openai`).
    fn from_str(name: &str) -> Result<TranscriptionChoice, String> {
        let name = name.trim().to_lowercase();
        TranscriptionChoice::ALL.into_iter().find(|t| t.name() == name).ok_or_else(|| {
            format!("{name:?} is not a transcriber; choose one of {}", TranscriptionChoice::ALL.map(TranscriptionChoice::name).join(", "))
        })
    }
}

/// How Gemini reads a call when it is the provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum GeminiMode {
    /// Gemini reads the local, redacted transcript; no audio leaves the machine.
    #[default]
    Text,
    /// The original two-stage pipeline: stage 1 uploads the call's audio to Google, which
    /// transcribes it and detects its domain; stage 2 reads the local, redacted transcript.
    Audio,
}

impl GeminiMode {
    /// Every mode, in the order a settings screen lists them.
    pub const ALL: [GeminiMode; 2] = [GeminiMode::Text, GeminiMode::Audio];

    /// The name accepted by `--gemini-mode` and `config set gemini_mode`.
    pub fn name(self) -> &'static str {
        match self {
            GeminiMode::Text => "text",
            GeminiMode::Audio => "audio",
        }
    }
}

impl std::str::FromStr for GeminiMode {
    type Err = String;

    /// A mode by its name (`text`, `audio`).
    fn from_str(name: &str) -> Result<GeminiMode, String> {
        let name = name.trim().to_lowercase();
        GeminiMode::ALL.into_iter().find(|m| m.name() == name).ok_or_else(|| {
            format!("{name:?} is not a Gemini mode; choose one of {}", GeminiMode::ALL.map(GeminiMode::name).join(", "))
        })
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
    /// The Gemini model used when the provider is `gemini`.
    pub gemini_model: String,
    /// The OpenAI-compatible server (`https://api.openai.com/v1`; Ollama:
    /// `http://localhost:11434/v1`) used when the provider is `openai`.
    pub openai_base_url: String,
    /// The model on that server.
    pub openai_model: String,
    /// Token prices that replace or add to the shipped table: `MODEL=INPUT/OUTPUT` in US
    /// dollars per million tokens, separated by `;` (see `call::PriceTable`).
    pub prices: String,
    /// Who transcribes: Whisper on this machine, or the OpenAI-compatible server.
    pub transcription: TranscriptionChoice,
    /// The transcription model on the OpenAI-compatible server (`whisper-1`).
    pub openai_transcription_model: String,
    /// How Gemini reads a call: the redacted transcript (`text`), or the audio for stage 1.
    pub gemini_mode: GeminiMode,
    /// The speech model for live captions (fast: `tiny.en`); the call is analysed with `model`
    /// after it ends.
    pub live_model: String,
    /// The agent's microphone for live calls (a device id from `callscope devices`); empty:
    /// the system's default microphone.
    pub live_microphone: String,
    /// The customer's system audio source for live calls; empty: the default output's monitor.
    pub live_system: String,
    /// The desktop shortcut that starts and stops a live call (`CommandOrControl+Shift+L`);
    /// empty: none.
    pub live_shortcut: String,
}

/// The model used when neither the settings nor `$CALLSCOPE_MODEL` name one.
pub const DEFAULT_MODEL: &str = "base";
/// The speech model for live captions unless the settings name another.
pub const DEFAULT_LIVE_MODEL: &str = "tiny.en";
/// The shortcut that starts and stops a live call unless the settings name another.
pub const DEFAULT_LIVE_SHORTCUT: &str = "CommandOrControl+Shift+L";
/// The Gemini model used unless the settings name another.
pub const DEFAULT_GEMINI_MODEL: &str = "gemini-2.5-flash";
/// The OpenAI-compatible server used unless the settings name another.
pub const DEFAULT_OPENAI_BASE_URL: &str = "https://api.openai.com/v1";
/// The model on the OpenAI-compatible server unless the settings name another.
pub const DEFAULT_OPENAI_MODEL: &str = "gpt-4o-mini";

impl Default for Settings {
    fn default() -> Self {
        Settings {
            model: DEFAULT_MODEL.to_string(),
            provider: ProviderChoice::Offline,
            keep_original_pii: false,
            swap_channels: false,
            filter_music: true,
            language: "en".to_string(),
            gemini_model: DEFAULT_GEMINI_MODEL.to_string(),
            openai_base_url: DEFAULT_OPENAI_BASE_URL.to_string(),
            openai_model: DEFAULT_OPENAI_MODEL.to_string(),
            prices: String::new(),
            transcription: TranscriptionChoice::Local,
            openai_transcription_model: DEFAULT_TRANSCRIPTION_MODEL.to_string(),
            gemini_mode: GeminiMode::Text,
            live_model: DEFAULT_LIVE_MODEL.to_string(),
            live_microphone: String::new(),
            live_system: String::new(),
            live_shortcut: DEFAULT_LIVE_SHORTCUT.to_string(),
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
        self.live_model = self.live_model.trim().to_string();
        if self.live_model.is_empty() {
            self.live_model = DEFAULT_LIVE_MODEL.to_string();
        }
        self.live_microphone = self.live_microphone.trim().to_string();
        self.live_system = self.live_system.trim().to_string();
        self.live_shortcut = self.live_shortcut.trim().to_string();
        self.language = self.language.trim().to_lowercase();
        let language_ok = self.language == "auto"
            || ((2..=3).contains(&self.language.len()) && self.language.chars().all(|c| c.is_ascii_lowercase()));
        if !language_ok {
            return Err(ConfigError::Invalid {
                key: "language".into(),
                detail: format!("{:?} is not a language code; use a two-letter code such as en, or auto", self.language),
            });
        }
        self.gemini_model = or_default(self.gemini_model.trim().trim_start_matches("models/"), DEFAULT_GEMINI_MODEL);
        if !self.gemini_model.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')) {
            return Err(ConfigError::Invalid {
                key: "gemini_model".into(),
                detail: format!("{:?} is not a Gemini model name such as {DEFAULT_GEMINI_MODEL}", self.gemini_model),
            });
        }
        self.openai_base_url = or_default(self.openai_base_url.trim().trim_end_matches('/'), DEFAULT_OPENAI_BASE_URL);
        let url_ok = reqwest::Url::parse(&self.openai_base_url)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty()));
        if !url_ok {
            return Err(ConfigError::Invalid {
                key: "openai_base_url".into(),
                detail: format!("{:?} is not an http(s) address such as {DEFAULT_OPENAI_BASE_URL} or http://localhost:11434/v1", self.openai_base_url),
            });
        }
        self.openai_model = or_default(self.openai_model.trim(), DEFAULT_OPENAI_MODEL);
        self.prices = self.prices.trim().to_string();
        crate::call::parse_overrides(&self.prices).map_err(|detail| ConfigError::Invalid { key: "prices".into(), detail })?;
        self.openai_transcription_model = or_default(self.openai_transcription_model.trim(), DEFAULT_TRANSCRIPTION_MODEL);
        Ok(self)
    }

    /// The price table: the shipped one with this settings' overrides (already checked).
    pub fn price_table(&self) -> crate::call::PriceTable {
        crate::call::PriceTable::with_overrides(&self.prices).unwrap_or_else(|_| crate::call::PriceTable::builtin())
    }

    /// Use `model` with the chosen provider (`--llm-model`); the offline analyzer has none.
    pub fn with_llm_model(mut self, model: &str) -> Result<Settings, ConfigError> {
        let invalid = |detail: &str| ConfigError::Invalid { key: "llm_model".into(), detail: detail.to_string() };
        if model.trim().is_empty() {
            return Err(invalid("name a model"));
        }
        match self.provider {
            ProviderChoice::Offline => return Err(invalid("the offline analyzer has no model to choose; choose gemini or openai as the provider")),
            ProviderChoice::Gemini => self.gemini_model = model.to_string(),
            ProviderChoice::OpenaiCompatible => self.openai_model = model.to_string(),
        }
        self.checked()
    }
}

/// `text`, or `default` when it is empty.
fn or_default(text: &str, default: &str) -> String {
    if text.is_empty() { default.to_string() } else { text.to_string() }
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
