//! Which provider a job uses, decided here only: the offline analyzer, or a remote one with its
//! key from the environment (headless use) or else the OS keyring. A remote provider that is
//! chosen but has no key fails the job build, before any file is touched.

use std::sync::Arc;

use crate::config::{self, GeminiMode, ProviderChoice, Settings};
use crate::llm::gemini::{self, GeminiProvider};
use crate::llm::offline::OfflineProvider;
use crate::llm::openai::OpenAiProvider;
use crate::llm::{ApiKey, AudioMode, Endpoint, HttpOptions, LlmProvider};
use crate::secrets::{Keyring, SecretKind};

use super::PipelineError;

/// The provider a job uses and where it is (never its key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProviderPlan {
    /// The built-in analyzer.
    Offline,
    /// Gemini through Google's API, reading transcripts or (audio mode) hearing stage 1.
    Gemini { model: String, mode: GeminiMode },
    /// An OpenAI-compatible server.
    OpenAiCompatible { base_url: String, model: String },
}

impl ProviderPlan {
    /// The provider `settings` choose (already checked).
    pub fn from_settings(settings: &Settings) -> ProviderPlan {
        match settings.provider {
            ProviderChoice::Offline => ProviderPlan::Offline,
            ProviderChoice::Gemini => ProviderPlan::Gemini { model: settings.gemini_model.clone(), mode: settings.gemini_mode },
            ProviderChoice::OpenaiCompatible => {
                ProviderPlan::OpenAiCompatible { base_url: settings.openai_base_url.clone(), model: settings.openai_model.clone() }
            }
        }
    }

    /// The choice this plan carries out.
    pub fn choice(&self) -> ProviderChoice {
        match self {
            ProviderPlan::Offline => ProviderChoice::Offline,
            ProviderPlan::Gemini { .. } => ProviderChoice::Gemini,
            ProviderPlan::OpenAiCompatible { .. } => ProviderChoice::OpenaiCompatible,
        }
    }

    /// The provider's name (`offline`, `gemini`, `openai`).
    pub fn name(&self) -> &'static str {
        self.choice().name()
    }

    /// Whether calls' audio leaves the machine for this provider (Gemini's audio mode).
    pub fn uploads_audio(&self) -> bool {
        matches!(self, ProviderPlan::Gemini { mode: GeminiMode::Audio, .. })
    }

    /// Whether the provider cannot work without a key: Gemini always, an OpenAI-compatible
    /// server unless it runs on this machine (Ollama and llama.cpp need none).
    pub fn needs_key(&self) -> bool {
        match self {
            ProviderPlan::Offline => false,
            ProviderPlan::Gemini { .. } => true,
            ProviderPlan::OpenAiCompatible { base_url, .. } => !on_this_machine(base_url),
        }
    }

    /// The provider, with its key from the environment or else `keys`.
    pub fn build(&self, keys: &Keyring) -> Result<Arc<dyn LlmProvider>, PipelineError> {
        let Some(kind) = self.choice().key() else {
            return Ok(Arc::new(OfflineProvider::new()));
        };
        let key = self.key(kind, keys)?;
        let setup = |source| PipelineError::ProviderSetup { source };
        Ok(match self {
            ProviderPlan::Offline => Arc::new(OfflineProvider::new()),
            ProviderPlan::Gemini { model, mode } => {
                let endpoint = Endpoint { base_url: gemini::DEFAULT_BASE_URL.to_string(), model: model.clone(), key };
                let provider = GeminiProvider::new(endpoint, HttpOptions::default()).map_err(setup)?;
                Arc::new(match mode {
                    GeminiMode::Text => provider,
                    GeminiMode::Audio => provider.with_audio(AudioMode::default()),
                })
            }
            ProviderPlan::OpenAiCompatible { base_url, model } => {
                let endpoint = Endpoint { base_url: base_url.clone(), model: model.clone(), key };
                Arc::new(OpenAiProvider::new(endpoint, HttpOptions::default()).map_err(setup)?)
            }
        })
    }

    /// The key of `kind`: the environment's, else the keyring's; none is an error when the
    /// provider needs one.
    fn key(&self, kind: SecretKind, keys: &Keyring) -> Result<ApiKey, PipelineError> {
        let user = KeyUser {
            label: self.label(),
            name: self.name(),
            needs_key: self.needs_key(),
            purpose: "analyse calls",
            fallback: "choose the offline analyzer",
        };
        find_key(kind, keys, &user)
    }

    fn label(&self) -> &'static str {
        match self {
            ProviderPlan::Offline => "the offline analyzer",
            ProviderPlan::Gemini { .. } => "the Gemini provider",
            ProviderPlan::OpenAiCompatible { .. } => "the OpenAI-compatible provider",
        }
    }
}

/// Who asks for a key, as messages name it.
pub(super) struct KeyUser {
    /// e.g. `the OpenAI-compatible provider`.
    pub label: &'static str,
    /// The name `callscope keys set` takes.
    pub name: &'static str,
    /// Whether it cannot work without one.
    pub needs_key: bool,
    /// What it was chosen to do, e.g. `analyse calls`.
    pub purpose: &'static str,
    /// What else the user can do, e.g. `choose the offline analyzer`.
    pub fallback: &'static str,
}

/// The key of `kind` for `user`: the environment's, else the keyring's; none is an error when
/// the user needs one.
pub(super) fn find_key(kind: SecretKind, keys: &Keyring, user: &KeyUser) -> Result<ApiKey, PipelineError> {
    let variable = config::key_variable(kind).unwrap_or_default();
    if let Some(key) = config::api_key(kind) {
        tracing::info!(user = user.label, variable, "API key from the environment");
        return Ok(ApiKey::new(&key));
    }
    let stored = match keys.get(kind) {
        Ok(stored) => stored,
        Err(source) if user.needs_key => {
            return Err(PipelineError::KeyUnreadable { provider: user.label, label: kind.label(), variable, fallback: user.fallback, source });
        }
        Err(e) => {
            tracing::info!(reason = %e, "the keyring could not be read; the local server is asked without a key");
            None
        }
    };
    match stored {
        Some(key) => Ok(ApiKey::new(&key)),
        None if user.needs_key => Err(PipelineError::MissingApiKey {
            provider: user.label,
            purpose: user.purpose,
            label: kind.label(),
            variable,
            name: user.name,
            fallback: user.fallback,
        }),
        None => Ok(ApiKey::none()),
    }
}

/// Whether `base_url` names this machine (localhost or a loopback address).
pub(super) fn on_this_machine(base_url: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(base_url) else {
        return false;
    };
    let host = url.host_str().unwrap_or_default().trim_matches(['[', ']']);
    host.eq_ignore_ascii_case("localhost") || host.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_server_on_this_machine_needs_no_key_and_any_other_does() {
        let plan = |url: &str| ProviderPlan::OpenAiCompatible { base_url: url.into(), model: "m".into() };
        assert!(!plan("http://localhost:11434/v1").needs_key());
        assert!(!plan("http://127.0.0.1:8080/v1").needs_key());
        assert!(!plan("http://[::1]:8000/v1").needs_key());
        assert!(plan("https://api.openai.com/v1").needs_key());
        assert!(plan("http://gpu-box.lan:8000/v1").needs_key());
        assert!(ProviderPlan::Gemini { model: "gemini-2.5-flash".into(), mode: GeminiMode::Text }.needs_key());
    }
}
