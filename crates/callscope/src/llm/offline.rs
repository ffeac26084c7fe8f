//! The offline provider: the built-in deterministic analysis (`analysis::rules`) behind the
//! provider trait. Fast, nothing leaves the machine, zero tokens.

use async_trait::async_trait;

use crate::analysis::rules;
use crate::call::{Detection, DomainCatalog, ExtractionPrompt, Findings, TokenUsage};
use crate::llm::{Completion, LlmError, LlmProvider};
use crate::stt::Transcript;

pub use rules::{builtin_catalog, builtin_prompt, instructions};

/// The built-in rule-based provider.
#[derive(Debug, Clone)]
pub struct OfflineProvider {
    reference_year: i32,
}

impl Default for OfflineProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl OfflineProvider {
    /// A provider that dates calls in the current (UTC) year.
    pub fn new() -> Self {
        OfflineProvider { reference_year: crate::analysis::spoken::current_year() }
    }

    /// A provider for calls recorded in `year` (dates said without a year get it).
    pub fn with_reference_year(year: i32) -> Self {
        OfflineProvider { reference_year: year }
    }

    /// The year given to dates said without one, unless the call names another.
    pub fn reference_year(&self) -> i32 {
        self.reference_year
    }

    /// Stage 2 without the async wrapper.
    pub fn analyze_now(&self, transcript: &Transcript, prompt: &ExtractionPrompt) -> Findings {
        rules::find(transcript, prompt, self.reference_year)
    }

    /// The built-in schema of a known pair, or one built from the values the call mentions.
    pub fn generate_prompt_now(&self, domain: &str, category: &str, transcript: &Transcript) -> ExtractionPrompt {
        rules::prompt_for(domain, category, transcript, self.reference_year)
    }

    /// Detection without the async wrapper.
    pub fn detect_now(&self, transcript: &Transcript, catalog: &DomainCatalog) -> Detection {
        rules::detect(transcript, catalog, self.reference_year)
    }
}

fn free<T>(value: T) -> Completion<T> {
    Completion { value, usage: TokenUsage::default() }
}

#[async_trait]
impl LlmProvider for OfflineProvider {
    fn name(&self) -> &str {
        "offline"
    }

    fn model(&self) -> &str {
        "offline-rules-1"
    }

    fn runs_locally(&self) -> bool {
        true
    }

    async fn detect(&self, transcript: &Transcript, catalog: &DomainCatalog) -> Result<Completion<Detection>, LlmError> {
        Ok(free(self.detect_now(transcript, catalog)))
    }

    async fn generate_prompt(&self, domain: &str, category: &str, transcript: &Transcript) -> Result<Completion<ExtractionPrompt>, LlmError> {
        Ok(free(self.generate_prompt_now(domain, category, transcript)))
    }

    async fn analyze(&self, transcript: &Transcript, prompt: &ExtractionPrompt) -> Result<Completion<Findings>, LlmError> {
        Ok(free(self.analyze_now(transcript, prompt)))
    }
}
