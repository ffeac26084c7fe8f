//! The built-in deterministic analysis: rules and vocabulary instead of a language model.
//! Detection, extraction schemas, field extraction, names, sentiment, outcome and summary.
//! It never sends anything anywhere; `llm::offline::OfflineProvider` serves it as a provider.
//!
//! Dates said without a year get the year of another (non-birth) date said in the call, or
//! else the reference year the caller passes (the recording's year where it is known).

mod context;
mod detect;
mod dialogue;
mod fields;
mod generate;
mod lexicon;
mod outcome;
mod people;
mod reason;
mod schema;
mod sentiment;
mod summary;
mod words;

pub use detect::builtin_catalog;
pub use schema::{builtin_prompt, instructions};

use crate::call::{Detection, DomainCatalog, ExtractionPrompt, Findings, GeneralInfo};
use crate::stt::Transcript;

use context::CallContext;

/// Domain fields, general facts, per-turn sentiment and a summary of one call.
pub fn find(transcript: &Transcript, prompt: &ExtractionPrompt, reference_year: i32) -> Findings {
    let ctx = CallContext::new(transcript, reference_year);
    // Values and names are read from whole speaker turns (Whisper splits a turn, and
    // often a value, over several segments); per-segment results keep the segments.
    let (joined, _) = crate::analysis::turns::join_turns(transcript);
    let turns = CallContext::new(&joined, reference_year);
    let mut fields = fields::extract(&turns, prompt);
    dialogue::complete(&mut fields, &dialogue::slots(&turns));
    let (turn_sentiments, sentiment, sentiment_trend) = sentiment::assess(&ctx);
    let resolution = outcome::resolution(&ctx, &turn_sentiments);
    let follow_up_actions = outcome::follow_ups(&ctx);
    let call_reason = reason::call_reason(&ctx);
    let customer_name = people::customer_name(&turns);
    let summary = summary::summary(&summary::SummaryInput {
        customer: customer_name.as_deref(),
        reason: &call_reason,
        prompt,
        fields: &fields,
        resolution,
        follow_ups: &follow_up_actions,
    });
    Findings {
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

/// The built-in schema of a known pair, or one built from the slots the call contained.
pub fn prompt_for(domain: &str, category: &str, transcript: &Transcript, reference_year: i32) -> ExtractionPrompt {
    schema::builtin_prompt(domain, category).unwrap_or_else(|| {
        let (joined, _) = crate::analysis::turns::join_turns(transcript);
        generate::generated_prompt(&CallContext::new(&joined, reference_year), domain, category)
    })
}

/// The call's domain and category, from the catalog when one fits.
pub fn detect(transcript: &Transcript, catalog: &DomainCatalog, reference_year: i32) -> Detection {
    detect::detect(&CallContext::new(transcript, reference_year), catalog)
}
