//! Settings as the settings screen edits them, and the choices it offers. API keys are never
//! part of `Settings` (they live in the OS keyring); the screen sees only whether one is stored.

use callscope::secrets::{SecretKind, SecretStatus};
use callscope::store::DataDirOrigin;
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
    /// Base URL of an OpenAI-compatible API (`https://api.openai.com/v1`, Ollama's
    /// `http://localhost:11434/v1`); empty when not set.
    pub openai_base_url: String,
    /// The Supabase project URL for team sync (`https://PROJECT.supabase.co`); empty when not set.
    pub supabase_url: String,
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
        Settings {
            model,
            provider: ProviderChoice::Offline,
            keep_original_pii: false,
            swap_channels: false,
            openai_base_url: String::new(),
            supabase_url: String::new(),
        }
    }
}

impl Settings {
    /// The settings with URLs trimmed (no trailing `/`); an error names a URL that is not
    /// `http://` or `https://` with a host.
    pub fn checked(mut self) -> Result<Settings, String> {
        self.openai_base_url = checked_url("OpenAI-compatible base URL", &self.openai_base_url)?;
        self.supabase_url = checked_url("Supabase URL", &self.supabase_url)?;
        Ok(self)
    }
}

fn checked_url(what: &str, url: &str) -> Result<String, String> {
    let url = url.trim().trim_end_matches('/');
    if url.is_empty() {
        return Ok(String::new());
    }
    let host = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match host {
        Some(rest) if !rest.is_empty() && !rest.starts_with('/') && !url.contains(char::is_whitespace) => Ok(url.to_string()),
        _ => Err(format!("the {what} {url:?} is not a web address; enter it as https://host/… (or http:// for a server on this computer)")),
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

/// A key kept in the OS keyring (`callscope::secrets::SecretKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
pub enum SecretName {
    #[serde(rename = "gemini_api_key")]
    Gemini,
    #[serde(rename = "openai_api_key")]
    OpenaiCompatible,
    #[serde(rename = "supabase_key")]
    Supabase,
}

/// Whether a key is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum SecretState {
    Stored,
    Missing,
    /// The keyring could not be asked; `message` says why.
    Unavailable,
}

/// A key as the settings screen shows it: never the key, at most its last four characters.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SecretView {
    pub name: SecretName,
    pub label: String,
    pub state: SecretState,
    /// `••••1234` when stored.
    pub masked: Option<String>,
    /// Why the keyring could not be asked, or a warning about the stored key.
    pub message: Option<String>,
    /// What will use it.
    pub used_by: String,
}

/// A key the user typed, to be stored in the keyring. Its `Debug` never shows the key.
#[derive(Clone, Deserialize, Type)]
pub struct NewSecret {
    pub name: SecretName,
    pub value: String,
}

impl std::fmt::Debug for NewSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSecret").field("name", &self.name).field("value", &"<hidden>").finish()
    }
}

/// Why the data folder is the one in use (`callscope::store::DataDirOrigin`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum DataDirSource {
    /// `$CALLSCOPE_DATA` names it.
    Environment,
    /// Chosen in these settings.
    Chosen,
    /// The platform's data folder.
    Default,
}

/// The settings screen's content: the settings and what they can be set to.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SettingsView {
    pub settings: Settings,
    /// Speech models in the default (q8_0) format, installed ones first.
    pub models: Vec<ModelChoice>,
    /// The keys the app can keep, in the OS keyring.
    pub secrets: Vec<SecretView>,
    /// The data folder in use: library, settings and logs.
    pub data_dir: String,
    pub data_dir_source: DataDirSource,
    /// The folder the next start will use, when it differs from `data_dir`.
    pub next_data_dir: Option<String>,
    pub models_dir: String,
    pub log_dir: String,
}

impl From<SecretName> for SecretKind {
    fn from(name: SecretName) -> Self {
        match name {
            SecretName::Gemini => SecretKind::GeminiApiKey,
            SecretName::OpenaiCompatible => SecretKind::OpenAiApiKey,
            SecretName::Supabase => SecretKind::SupabaseKey,
        }
    }
}

impl From<SecretKind> for SecretName {
    fn from(kind: SecretKind) -> Self {
        match kind {
            SecretKind::GeminiApiKey => SecretName::Gemini,
            SecretKind::OpenAiApiKey => SecretName::OpenaiCompatible,
            SecretKind::SupabaseKey => SecretName::Supabase,
        }
    }
}

impl From<DataDirOrigin> for DataDirSource {
    fn from(origin: DataDirOrigin) -> Self {
        match origin {
            DataDirOrigin::Environment => DataDirSource::Environment,
            DataDirOrigin::Chosen => DataDirSource::Chosen,
            DataDirOrigin::Default => DataDirSource::Default,
        }
    }
}

impl SecretView {
    /// The view of a key of `kind` in `status`; `warning` is shown when the stored key is risky.
    pub fn new(kind: SecretKind, status: SecretStatus, warning: Option<String>) -> SecretView {
        let (state, masked, message) = match status {
            SecretStatus::Stored { masked } => (SecretState::Stored, Some(masked), warning),
            SecretStatus::Missing => (SecretState::Missing, None, None),
            SecretStatus::Unavailable { message } => (SecretState::Unavailable, None, Some(message)),
        };
        let used_by = match kind {
            SecretKind::GeminiApiKey => "Used by the Gemini provider when it is enabled (not built yet).",
            SecretKind::OpenAiApiKey => "Used by the OpenAI-compatible provider when it is enabled (not built yet).",
            SecretKind::SupabaseKey => "Used by team sync when it is enabled (not built yet). Use the publishable (anon) key.",
        };
        SecretView { name: kind.into(), label: kind.label().to_string(), state, masked, message, used_by: used_by.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_trimmed_and_a_non_web_address_is_refused_by_name() {
        let settings = Settings {
            openai_base_url: " http://localhost:11434/v1/ ".into(),
            supabase_url: "https://abc.supabase.co".into(),
            ..Settings::default()
        };
        let checked = settings.checked().expect("valid URLs");
        assert_eq!(checked.openai_base_url, "http://localhost:11434/v1");
        let bad = Settings { supabase_url: "abc.supabase.co".into(), ..Settings::default() };
        let err = bad.checked().unwrap_err();
        assert!(err.contains("Supabase URL \"abc.supabase.co\""), "{err}");
    }
}
