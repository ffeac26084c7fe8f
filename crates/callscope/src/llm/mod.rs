//! Language-model providers behind one trait: the built-in offline analyzer, Gemini and
//! OpenAI-compatible servers. Every call reports the tokens it used.
//!
//! Remote providers share one HTTP layer (`http`: timeouts, retries, keys kept out of
//! messages) and one set of questions, schemas and answer checks (`remote`).

pub mod gemini;
mod gemini_audio;
mod gemini_files;
pub(crate) mod http;
pub mod offline;
pub mod openai;
mod remote;
mod types;

pub use gemini_audio::{AudioMode, INLINE_LIMIT_BYTES, MAX_FILE_BYTES};
pub use http::{ApiKey, HttpOptions};
pub use types::{Completion, LlmError, LlmStage, NewPairAnalysis};

use std::path::Path;

use async_trait::async_trait;

use crate::call::{Detection, DomainCatalog, ExtractionPrompt, Findings};
use crate::stt::Transcript;

/// What a provider reads about one call: its transcript (redacted unless the provider runs on
/// this machine) and the day it was recorded, which dates said without a year belong near.
#[derive(Debug, Clone, Copy)]
pub struct CallInput<'a> {
    pub transcript: &'a Transcript,
    pub recorded_on: time::Date,
}

/// Where a remote model is: the server's base URL, the model's name and the API key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub base_url: String,
    pub model: String,
    pub key: ApiKey,
}

/// A source of call understanding. Implementations receive only what may leave the machine for
/// them (remote providers get redacted transcripts; the pipeline takes care of that).
///
/// A cancelled job's provider call is dropped, not told: a request in flight is aborted with
/// its future, so implementations must leave nothing half-changed at an `.await`.
#[async_trait]
pub trait LlmProvider: Send + Sync {
    /// Short provider name stored with each call, e.g. `offline`, `gemini`.
    fn name(&self) -> &str;

    /// The model used, e.g. `offline-rules-1`, `gemini-2.5-flash`.
    fn model(&self) -> &str;

    /// Whether the provider runs on this machine, so it may see unredacted transcripts.
    fn runs_locally(&self) -> bool {
        false
    }

    /// Stage 1: the call's domain and category, chosen from the catalog when one fits.
    async fn detect(&self, call: CallInput<'_>, catalog: &DomainCatalog) -> Result<Completion<Detection>, LlmError>;

    /// Write the extraction prompt for a domain/category pair seen for the first time.
    async fn generate_prompt(
        &self,
        domain: &str,
        category: &str,
        call: CallInput<'_>,
    ) -> Result<Completion<ExtractionPrompt>, LlmError>;

    /// Stage 2: domain fields, general facts and the summary, in one call.
    async fn analyze(&self, call: CallInput<'_>, prompt: &ExtractionPrompt) -> Result<Completion<Findings>, LlmError>;

    /// Stages 1 and 2 in one request, for a call that is probably `prompt`'s pair (whose prompt
    /// is saved): the detection, and the findings extracted with `prompt`. `Ok(None)` when the
    /// provider has no such request; the pipeline then asks `detect` and `analyze`.
    async fn detect_and_analyze(
        &self,
        _call: CallInput<'_>,
        _catalog: &DomainCatalog,
        _prompt: &ExtractionPrompt,
    ) -> Result<Option<Completion<(Detection, Findings)>>, LlmError> {
        Ok(None)
    }

    /// The first call of a kind no prompt is saved for, in one request: its detection, a
    /// prompt for its pair (which the pipeline saves) and the findings extracted with it.
    /// `Ok(None)` when the provider has no such request; the pipeline then asks `detect`,
    /// `generate_prompt` and `analyze`.
    async fn detect_design_and_analyze(&self, _call: CallInput<'_>, _catalog: &DomainCatalog) -> Result<Option<Completion<NewPairAnalysis>>, LlmError> {
        Ok(None)
    }

    /// Stage 1 from the recording itself, for a provider that hears audio (Gemini's audio
    /// mode): the call's domain and category. The audio leaves the machine. `Ok(None)` when the
    /// provider reads transcripts only; the pipeline then asks `detect`.
    async fn detect_from_audio(&self, _recording: &Path, _catalog: &DomainCatalog) -> Result<Option<Completion<Detection>>, LlmError> {
        Ok(None)
    }
}
