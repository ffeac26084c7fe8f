//! Stage 1 for remote models: the call's domain and category, from the catalog when one fits.

use serde_json::Value;

use crate::call::{Detection, DomainCatalog};
use crate::llm::{CallInput, LlmStage};

use super::call_text::call_text;
use super::{snake_case, Ask, Schema};

pub(super) const INSTRUCTIONS: &str = "You classify customer-service phone calls. Give the call's domain (the industry) and category \
(the reason for the call). Choose a domain/category pair from the catalog when one fits; otherwise name a new pair in \
lowercase snake_case words, such as retail / order_status. confidence is how sure you are, from 0 to 1. \
Answer with one JSON object.";

/// The question.
pub(super) fn ask(call: CallInput<'_>, catalog: &DomainCatalog) -> Ask {
    let mut question = catalog_text(catalog);
    question.push('\n');
    question.push_str(&call_text(call));
    Ask { stage: LlmStage::Detection, instructions: INSTRUCTIONS.to_string(), question, schema: schema(), schema_name: "call_detection" }
}

/// The catalog as the model reads it.
pub(super) fn catalog_text(catalog: &DomainCatalog) -> String {
    let mut text = String::from("Catalog (domain / category: what such calls are about):\n");
    for entry in &catalog.entries {
        text.push_str(&format!("- {} / {}: {}\n", entry.domain, entry.category, entry.description));
    }
    text
}

pub(super) fn schema() -> Schema {
    Schema::object(vec![
        ("domain", Schema::text().described("industry, lowercase snake_case")),
        ("category", Schema::text().described("reason for the call, lowercase snake_case")),
        ("confidence", Schema::number().described("0 to 1")),
    ])
}

/// The detection in a checked answer.
pub(super) fn read(value: &Value) -> Result<Detection, String> {
    let text = |key: &str| value.get(key).and_then(Value::as_str).map(snake_case).unwrap_or_default();
    let (domain, category) = (text("domain"), text("category"));
    if domain.is_empty() || category.is_empty() {
        return Err("`domain` and `category` must name the call's domain and category".into());
    }
    let confidence = value.get("confidence").and_then(Value::as_f64).unwrap_or(0.0) as f32;
    Ok(Detection { domain, category, confidence })
}
