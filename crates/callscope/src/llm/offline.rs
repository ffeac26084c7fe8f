//! The offline provider: the built-in deterministic analysis (`analysis::rules`) behind the
//! provider trait. Fast, nothing leaves the machine, zero tokens.

use async_trait::async_trait;

use crate::analysis::rules;
use crate::call::{Detection, DomainCatalog, ExtractionPrompt, Findings, TokenUsage};
use crate::llm::{CallInput, Completion, LlmError, LlmProvider};
use crate::stt::Transcript;

pub use rules::{builtin_catalog, builtin_prompt, instructions};

/// The built-in rule-based provider.
#[derive(Debug, Clone, Default)]
pub struct OfflineProvider {
    /// A fixed year for dates said without one, instead of the recording's.
    reference_year: Option<i32>,
}

impl OfflineProvider {
    /// A provider that dates each call by the day it was recorded.
    pub fn new() -> Self {
        OfflineProvider { reference_year: None }
    }

    /// A provider that gives dates said without a year this `year`, whenever the calls were
    /// recorded (scripted calls, accuracy runs).
    pub fn with_reference_year(year: i32) -> Self {
        OfflineProvider { reference_year: Some(year) }
    }

    /// The year given to dates said without one in a call recorded on `recorded_on`.
    pub fn year_for(&self, recorded_on: time::Date) -> i32 {
        self.reference_year.unwrap_or(recorded_on.year())
    }

    /// The year the synchronous methods below use: the fixed one, else the current year.
    fn year(&self) -> i32 {
        self.reference_year.unwrap_or_else(crate::analysis::spoken::current_year)
    }

    /// Stage 2 without the async wrapper.
    pub fn analyze_now(&self, transcript: &Transcript, prompt: &ExtractionPrompt) -> Findings {
        rules::find(transcript, prompt, self.year())
    }

    /// The built-in schema of a known pair, or one built from the values the call mentions.
    pub fn generate_prompt_now(&self, domain: &str, category: &str, transcript: &Transcript) -> ExtractionPrompt {
        rules::prompt_for(domain, category, transcript, self.year())
    }

    /// Detection without the async wrapper.
    pub fn detect_now(&self, transcript: &Transcript, catalog: &DomainCatalog) -> Detection {
        rules::detect(transcript, catalog, self.year())
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

    async fn detect(&self, call: CallInput<'_>, catalog: &DomainCatalog) -> Result<Completion<Detection>, LlmError> {
        Ok(free(rules::detect(call.transcript, catalog, self.year_for(call.recorded_on))))
    }

    async fn generate_prompt(&self, domain: &str, category: &str, call: CallInput<'_>) -> Result<Completion<ExtractionPrompt>, LlmError> {
        Ok(free(rules::prompt_for(domain, category, call.transcript, self.year_for(call.recorded_on))))
    }

    async fn analyze(&self, call: CallInput<'_>, prompt: &ExtractionPrompt) -> Result<Completion<Findings>, LlmError> {
        Ok(free(rules::find(call.transcript, prompt, self.year_for(call.recorded_on))))
    }
}

#[cfg(test)]
#[path = "offline_tests.rs"]
mod tests;
