//! The first call of a kind no prompt exists for, in one request: the model classifies the
//! call, designs the fields calls of that kind are worth extracting (saved as the pair's
//! prompt, so it is written once) and gives this call's value of each, with the general facts
//! and the summary. Asking the three stages one after the other sent the transcript three
//! times; this sends it once.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::call::{Detection, DomainCatalog, ExtractionPrompt, FieldKind, Findings};
use crate::llm::{CallInput, LlmStage};

use super::{detect, findings, prompt, snake_case, Ask, Schema, Shape};

/// The question: the catalog and the call.
pub(super) fn ask(call: CallInput<'_>, catalog: &DomainCatalog) -> Ask {
    let instructions = format!(
        "{}\n\nNo extraction prompt exists yet for this kind of call. With the same answer, design one: {}\n\
         In each field's `value`, give what this call says (as text; null when the call does not say).\n{}",
        detect::INSTRUCTIONS,
        prompt::DESIGN,
        findings::GENERAL
    );
    let mut question = detect::catalog_text(catalog);
    question.push('\n');
    question.push_str(&super::call_text::call_text(call));
    Ask { stage: LlmStage::NewPair, instructions, question, schema: schema(), schema_name: "new_kind_of_call" }
}

/// The detection's properties, the designed fields with their values, and the findings'
/// general part.
fn schema() -> Schema {
    let field = Schema::object(vec![
        ("name", Schema::text().described("snake_case")),
        ("kind", Schema::one_of(&prompt::KINDS)),
        ("description", Schema::text()),
        ("value", Schema::text().nullable()),
    ]);
    let mut properties = Vec::new();
    if let Shape::Object(props) = detect::schema().shape {
        properties.extend(props);
    }
    properties.push(("prompt_fields".to_string(), Schema::list(field, Some(prompt::MAX_FIELDS))));
    properties.push(("guidance".to_string(), Schema::text()));
    // Without prompt fields, the findings' schema is the general facts, turns and summary.
    let no_fields = ExtractionPrompt { domain: String::new(), category: String::new(), fields: Vec::new(), instructions: String::new() };
    if let Shape::Object(props) = findings::schema(&no_fields).shape {
        properties.extend(props);
    }
    Schema { shape: Shape::Object(properties), nullable: false, description: None }
}

/// The detection, the pair's new prompt and this call's findings in a checked answer.
pub(super) fn read(value: &Value, call: CallInput<'_>) -> Result<(Detection, ExtractionPrompt, Findings), String> {
    let detection = detect::read(value)?;
    let designed = json!({
        "fields": value.get("prompt_fields").cloned().unwrap_or(Value::Null),
        "guidance": value.get("guidance").cloned().unwrap_or(Value::Null),
    });
    let extraction = prompt::read(&detection.domain, &detection.category, &designed)?;
    // The values, typed by their field's kind, in the shape stage 2's answer has.
    let mut values = BTreeMap::new();
    for item in value.get("prompt_fields").and_then(Value::as_array).into_iter().flatten() {
        let name = snake_case(item.get("name").and_then(Value::as_str).unwrap_or_default());
        let (Some(spec), Some(text)) = (extraction.fields.iter().find(|f| f.name == name), item.get("value").and_then(Value::as_str)) else {
            continue;
        };
        if let Some(typed) = typed(spec.kind, text) {
            values.entry(name).or_insert(typed);
        }
    }
    let mut answer = value.clone();
    if let Some(object) = answer.as_object_mut() {
        object.insert("fields".into(), Value::Object(values.into_iter().collect()));
    }
    let found = findings::read(&answer, call.transcript, &extraction)?;
    Ok((detection, extraction, found))
}

/// A value said as text, as its kind stores it: amounts and counts as numbers, yes/no as a
/// boolean; `None` for nothing said.
fn typed(kind: FieldKind, text: &str) -> Option<Value> {
    let text = text.trim();
    if text.is_empty() || text.eq_ignore_ascii_case("null") {
        return None;
    }
    let as_text = || Some(Value::String(text.to_string()));
    match kind {
        FieldKind::Money | FieldKind::Number => {
            let plain: String = text.chars().filter(|c| c.is_ascii_digit() || matches!(c, '.' | '-')).collect();
            match plain.parse::<f64>() {
                Ok(n) if n.is_finite() && !plain.is_empty() => Some(json!(n)),
                _ => as_text(),
            }
        }
        FieldKind::Boolean => match text.to_ascii_lowercase().as_str() {
            "true" | "yes" => Some(Value::Bool(true)),
            "false" | "no" => Some(Value::Bool(false)),
            _ => as_text(),
        },
        FieldKind::Text | FieldKind::Identifier | FieldKind::Date | FieldKind::Time | FieldKind::CardLastFour => as_text(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stt::{Segment, Speaker, Transcript};

    fn day() -> time::Date {
        time::Date::from_calendar_date(2025, time::Month::March, 1).expect("a day")
    }

    fn call() -> Transcript {
        let segment = Segment { start_ms: 0, end_ms: 2000, speaker: Speaker::Customer, text: "Where is order 7741932?".into(), confidence: 1.0 };
        Transcript { segments: vec![segment], duration_ms: 2000 }
    }

    #[test]
    fn the_designed_fields_become_the_prompt_and_their_values_the_findings() {
        let transcript = call();
        let input = CallInput { transcript: &transcript, recorded_on: day() };
        let answer = json!({
            "domain": "Retail", "category": "order status", "confidence": 0.9,
            "prompt_fields": [
                {"name": "Order Number", "kind": "identifier", "description": "the order asked about", "value": "7741932"},
                {"name": "refund_amount", "kind": "money", "description": "money given back", "value": "$1,250.50"},
                {"name": "expedited", "kind": "boolean", "description": "shipping upgraded", "value": "no"},
                {"name": "delivery_date", "kind": "date", "description": "when it arrives", "value": null}
            ],
            "guidance": "",
            "general": {"agent_name": null, "customer_name": "Ethan", "sentiment": "neutral", "sentiment_trend": "stable",
                        "resolution": "resolved", "call_reason": "order status", "follow_up_actions": []},
            "turn_sentiments": [],
            "summary": "The customer asked where the order is."
        });
        let (detection, prompt, found) = read(&answer, input).expect("read");
        assert_eq!((detection.domain.as_str(), detection.category.as_str()), ("retail", "order_status"));
        assert_eq!((prompt.domain.as_str(), prompt.category.as_str()), ("retail", "order_status"));
        let names: Vec<&str> = prompt.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["order_number", "refund_amount", "expedited", "delivery_date"]);
        assert_eq!(found.fields.get("order_number"), Some(&json!("7741932")));
        assert_eq!(found.fields.get("refund_amount"), Some(&json!(1250.5)));
        assert_eq!(found.fields.get("expedited"), Some(&json!(false)));
        assert_eq!(found.fields.get("delivery_date"), None, "nothing said, nothing stored");
        assert_eq!(found.general.customer_name.as_deref(), Some("Ethan"));
    }

    #[test]
    fn an_answer_without_any_usable_field_is_refused_for_repair() {
        let transcript = call();
        let input = CallInput { transcript: &transcript, recorded_on: day() };
        let answer = json!({"domain": "retail", "category": "order_status", "confidence": 0.9, "prompt_fields": [], "guidance": "",
            "general": {}, "turn_sentiments": [], "summary": ""});
        assert!(read(&answer, input).is_err());
    }
}
