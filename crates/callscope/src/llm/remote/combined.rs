//! Stages 1 and 2 in one request, for a call whose pair already has a saved prompt: the model
//! confirms (or corrects) the domain and category and, in the same answer, extracts the fields
//! that prompt asks for, the general facts and the summary. With the prompt cached, a call
//! costs one request instead of two.

use serde_json::Value;

use crate::call::{Detection, DomainCatalog, ExtractionPrompt, Findings};
use crate::llm::{CallInput, LlmStage};

use super::{detect, findings, Ask, Schema, Shape};

/// The question: the catalog, the likely pair's instructions (as saved, perhaps edited by a
/// user) and the call.
pub(super) fn ask(call: CallInput<'_>, catalog: &DomainCatalog, prompt: &ExtractionPrompt) -> Ask {
    let extraction = findings::ask(call, prompt);
    let instructions = format!(
        "{}\n\nThis call is probably {} / {}. First confirm its domain and category: keep them when they fit, otherwise \
         choose the pair that does (from the catalog when one fits). Then, with the same answer:\n{}",
        detect::INSTRUCTIONS,
        prompt.domain,
        prompt.category,
        extraction.instructions
    );
    let catalog_text = detect::catalog_text(catalog);
    Ask {
        stage: LlmStage::Combined,
        instructions,
        question: format!("{catalog_text}\n{}", extraction.question),
        schema: schema(prompt),
        schema_name: "call_analysis",
    }
}

/// The detection's properties followed by the findings'.
fn schema(prompt: &ExtractionPrompt) -> Schema {
    let mut properties = Vec::new();
    for part in [detect::schema(), findings::schema(prompt)] {
        if let Shape::Object(props) = part.shape {
            properties.extend(props);
        }
    }
    Schema { shape: Shape::Object(properties), nullable: false, description: None }
}

/// The detection and the findings in a checked answer.
pub(super) fn read(value: &Value, call: CallInput<'_>, prompt: &ExtractionPrompt) -> Result<(Detection, Findings), String> {
    Ok((detect::read(value)?, findings::read(value, call.transcript, prompt)?))
}
