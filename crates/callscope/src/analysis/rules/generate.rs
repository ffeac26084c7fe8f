//! A schema for a domain/category pair without a built-in one, built from the slots the call
//! contained (`dialogue`): what one side asked for and the other answered, named after the
//! question ("What's the flight number?" → `flight_number`), and the values said with words
//! that name them ("your case number is …" → `case_number`), plus the street addresses said.
//! Saved with the pair, it keeps the names stable for the pair's later calls.

use crate::call::ExtractionPrompt;

use super::context::CallContext;
use super::dialogue;
use super::schema::prompt_from;

/// A prompt for a new pair from the slots the call contained.
pub fn generated_prompt(ctx: &CallContext, domain: &str, category: &str) -> ExtractionPrompt {
    prompt_from(domain, category, dialogue::specs(&dialogue::slots(ctx)))
}
