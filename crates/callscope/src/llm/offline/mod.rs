//! The offline analyzer: rules and vocabulary instead of a language model. Deterministic,
//! fast, and it never sends anything anywhere; reports zero tokens.
//!
//! Dates said without a year get the year of another (non-birth) date said in the call, or
//! else the provider's reference year: the current year unless set with
//! `OfflineProvider::with_reference_year` (the pipeline can pass the recording's year).

mod context;
mod detect;
mod fields;
mod generate;
mod lexicon;
mod outcome;
mod people;
mod schema;
mod sentiment;
mod summary;
mod words;

pub use detect::builtin_catalog;
pub use schema::{builtin_prompt, instructions};

use async_trait::async_trait;

use crate::analysis::DomainCatalog;
use crate::llm::{Analysis, Completion, Detection, ExtractionPrompt, GeneralInfo, LlmError, LlmProvider, TokenUsage};
use crate::stt::Transcript;

use context::CallContext;

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
    pub fn analyze_now(&self, transcript: &Transcript, prompt: &ExtractionPrompt) -> Analysis {
        let ctx = CallContext::new(transcript, self.reference_year);
        // Values and names are read from whole speaker turns (Whisper splits a turn, and
        // often a value, over several segments); per-segment results keep the segments.
        let (joined, _) = crate::analysis::turns::join_turns(transcript);
        let turns = CallContext::new(&joined, self.reference_year);
        let fields = fields::extract(&turns, prompt);
        let (turn_sentiments, sentiment, sentiment_trend) = sentiment::assess(&ctx);
        let resolution = outcome::resolution(&ctx, &turn_sentiments);
        let follow_up_actions = outcome::follow_ups(&ctx);
        let call_reason = summary::call_reason(&ctx);
        let customer_name = people::customer_name(&turns);
        let summary = summary::summary(&summary::SummaryInput {
            customer: customer_name.as_deref(),
            reason: &call_reason,
            prompt,
            fields: &fields,
            resolution,
            follow_ups: &follow_up_actions,
        });
        Analysis {
            fields,
            general: GeneralInfo {
                agent_name: people::agent_name(&turns),
                customer_name,
                sentiment,
                sentiment_trend,
                resolution,
                call_reason,
                follow_up_actions,
            },
            turn_sentiments,
            summary,
        }
    }

    /// The built-in schema of a known pair, or one built from the values the call mentions.
    pub fn generate_prompt_now(&self, domain: &str, category: &str, transcript: &Transcript) -> ExtractionPrompt {
        schema::builtin_prompt(domain, category).unwrap_or_else(|| {
            generate::generated_prompt(&CallContext::new(transcript, self.reference_year), domain, category)
        })
    }

    /// Detection without the async wrapper.
    pub fn detect_now(&self, transcript: &Transcript, catalog: &DomainCatalog) -> Detection {
        detect::detect(&CallContext::new(transcript, self.reference_year), catalog)
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

    async fn analyze(&self, transcript: &Transcript, prompt: &ExtractionPrompt) -> Result<Completion<Analysis>, LlmError> {
        Ok(free(self.analyze_now(transcript, prompt)))
    }
}
