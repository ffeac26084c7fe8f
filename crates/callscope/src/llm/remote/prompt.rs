//! Prompt generation for remote models: the fields worth extracting from calls of a new
//! domain/category pair. The instruction text is built from the fields the same way as for
//! built-in prompts, so a user editing it later edits one kind of text.

use serde_json::Value;

use crate::call::{ExtractionPrompt, FieldKind, FieldSpec};
use crate::llm::offline::instructions;
use crate::llm::{CallInput, LlmStage};

use super::call_text::call_text;
use super::{snake_case, Ask, Schema};

/// Most fields a generated prompt may have (each costs output tokens in every later call).
pub(super) const MAX_FIELDS: u32 = 15;

pub(super) const KINDS: [&str; 8] = ["text", "identifier", "date", "time", "money", "number", "boolean", "card_last_four"];

/// What a prompt is made of, said once for the prompt-generation request and the first call
/// of a new kind (`first`).
pub(super) const DESIGN: &str = "List the facts that calls of this domain and category usually contain and that a supervisor \
would want as data: identifiers, amounts, dates, times, products, decisions, outcomes. Give each field a short snake_case \
name, a kind and a one-line description. Kinds: text, identifier (account, order, claim numbers), date, time, money, number, \
boolean, card_last_four (only the last four digits of a payment card). Describe fields for every call of this kind, not only \
this one. In `guidance`, add at most two sentences of advice for the extractor, or leave it empty.";

/// The prompt-generation request's instructions.
fn instructions_text() -> String {
    format!(
        "You design what a call-center analyst extracts from calls of one kind. {DESIGN} The example call shows what such \
         calls contain; describe fields, not its values. Answer with one JSON object."
    )
}

/// The question.
pub(super) fn ask(domain: &str, category: &str, call: CallInput<'_>) -> Ask {
    let question = format!("Domain: {domain}\nCategory: {category}\n\nAn example call of this kind:\n{}", call_text(call));
    Ask {
        stage: LlmStage::PromptGeneration,
        instructions: instructions_text(),
        question,
        schema: schema(),
        schema_name: "extraction_prompt",
    }
}

fn schema() -> Schema {
    let field = Schema::object(vec![
        ("name", Schema::text().described("snake_case")),
        ("kind", Schema::one_of(&KINDS)),
        ("description", Schema::text()),
    ]);
    Schema::object(vec![("fields", Schema::list(field, Some(MAX_FIELDS))), ("guidance", Schema::text())])
}

/// The prompt in a checked answer.
pub(super) fn read(domain: &str, category: &str, value: &Value) -> Result<ExtractionPrompt, String> {
    let mut fields: Vec<FieldSpec> = Vec::new();
    for item in value.get("fields").and_then(Value::as_array).into_iter().flatten() {
        let name = snake_case(item.get("name").and_then(Value::as_str).unwrap_or_default());
        let kind: Option<FieldKind> = item.get("kind").cloned().and_then(|k| serde_json::from_value(k).ok());
        let (Some(kind), false) = (kind, name.is_empty()) else { continue };
        if fields.iter().any(|f| f.name == name) || fields.len() >= MAX_FIELDS as usize {
            continue;
        }
        let description = item.get("description").and_then(Value::as_str).unwrap_or_default().trim().to_string();
        fields.push(FieldSpec { name, kind, description });
    }
    if fields.is_empty() {
        return Err("`fields` must list at least one field with a name and a kind".into());
    }
    let mut text = instructions(domain, category, &fields);
    let guidance = value.get("guidance").and_then(Value::as_str).unwrap_or_default().trim();
    if !guidance.is_empty() {
        text.push('\n');
        text.push_str(guidance);
        text.push('\n');
    }
    Ok(ExtractionPrompt { domain: domain.to_string(), category: category.to_string(), fields, instructions: text })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn generated_fields_get_keys_and_the_instructions_list_them() {
        let answer = json!({
            "fields": [
                {"name": "Order Number", "kind": "identifier", "description": "the order asked about"},
                {"name": "order_number", "kind": "text", "description": "a repeat"},
                {"name": "delivery_date", "kind": "date", "description": "when it arrives"}
            ],
            "guidance": "Use the latest delivery date mentioned."
        });
        let prompt = read("retail", "order_status", &answer).expect("a prompt");
        let names: Vec<&str> = prompt.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["order_number", "delivery_date"]);
        assert!(prompt.instructions.contains("- delivery_date (date)"), "{}", prompt.instructions);
        assert!(prompt.instructions.ends_with("Use the latest delivery date mentioned.\n"), "{}", prompt.instructions);
    }
}
