//! Stage 2 for remote models: the pair's fields, the general facts, per-turn sentiment and the
//! summary in one call. The answer's schema is built from the pair's saved prompt, so each
//! field comes back with its own type.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::call::{ExtractionPrompt, FieldKind, Findings, GeneralInfo, TurnSentiment};
use crate::llm::{CallInput, LlmStage};
use crate::stt::Transcript;

use super::call_text::call_text;
use super::{Ask, Schema};

pub(super) const GENERAL: &str = "Also give the general facts: agent_name and customer_name (null when not said); the customer's \
sentiment (positive, neutral, negative) and its trend from the first third of the call to the last (improving, stable, \
declining); resolution (resolved, unresolved, escalated, follow_up); call_reason, a short phrase; follow_up_actions, what \
was promised to happen next. turn_sentiments: a score from -1 to 1 for the turns where the customer's mood shows, by turn \
number. summary: two or three sentences. When a value is data hidden by a placeholder such as [CARD_1], answer with the \
placeholder and never guess what it hides. Answer with one JSON object.";

/// The question: the pair's instructions (as saved, perhaps edited by a user) and the call.
pub(super) fn ask(call: CallInput<'_>, prompt: &ExtractionPrompt) -> Ask {
    Ask {
        stage: LlmStage::Analysis,
        instructions: format!("{}\n{GENERAL}", prompt.instructions.trim_end()),
        question: call_text(call),
        schema: schema(prompt),
        schema_name: "call_findings",
    }
}

pub(super) fn schema(prompt: &ExtractionPrompt) -> Schema {
    let general = Schema::object(vec![
        ("agent_name", Schema::text().nullable()),
        ("customer_name", Schema::text().nullable()),
        ("sentiment", Schema::one_of(&["positive", "neutral", "negative"])),
        ("sentiment_trend", Schema::one_of(&["improving", "stable", "declining"])),
        ("resolution", Schema::one_of(&["resolved", "unresolved", "escalated", "follow_up"])),
        ("call_reason", Schema::text()),
        ("follow_up_actions", Schema::list(Schema::text(), Some(10))),
    ]);
    let turn = Schema::object(vec![("turn", Schema::integer()), ("score", Schema::number())]);
    let mut properties = Vec::new();
    // An object without properties is refused by Gemini: a prompt without fields asks for none.
    if !prompt.fields.is_empty() {
        let fields = prompt.fields.iter().map(|f| (f.name.as_str(), field_schema(f.kind))).collect();
        properties.push(("fields", Schema::object(fields)));
    }
    properties.extend([("general", general), ("turn_sentiments", Schema::list(turn, None)), ("summary", Schema::text())]);
    Schema::object(properties)
}

fn field_schema(kind: FieldKind) -> Schema {
    match kind {
        FieldKind::Money | FieldKind::Number => Schema::number().nullable(),
        FieldKind::Boolean => Schema::boolean().nullable(),
        FieldKind::Text | FieldKind::Identifier | FieldKind::Date | FieldKind::Time | FieldKind::CardLastFour => Schema::text().nullable(),
    }
}

/// The findings in a checked answer; turns are matched to the transcript's segments.
pub(super) fn read(value: &Value, transcript: &Transcript, prompt: &ExtractionPrompt) -> Result<Findings, String> {
    let mut fields = BTreeMap::new();
    for spec in &prompt.fields {
        match value.get("fields").and_then(|f| f.get(&spec.name)) {
            None | Some(Value::Null) => {}
            Some(Value::String(s)) if s.trim().is_empty() => {}
            Some(Value::String(s)) => {
                fields.insert(spec.name.clone(), Value::String(s.trim().to_string()));
            }
            Some(other) => {
                fields.insert(spec.name.clone(), other.clone());
            }
        }
    }
    let general: GeneralInfo = value
        .get("general")
        .cloned()
        .ok_or_else(|| "`general` is missing".to_string())
        .and_then(|g| serde_json::from_value(g).map_err(|e| format!("`general` could not be read: {e}")))?;
    let general = GeneralInfo {
        agent_name: general.agent_name.filter(|n| !n.trim().is_empty()),
        customer_name: general.customer_name.filter(|n| !n.trim().is_empty()),
        ..general
    };
    let mut turn_sentiments: Vec<TurnSentiment> = Vec::new();
    for item in value.get("turn_sentiments").and_then(Value::as_array).into_iter().flatten() {
        let (Some(turn), Some(score)) = (item.get("turn").and_then(Value::as_u64), item.get("score").and_then(Value::as_f64)) else {
            continue;
        };
        let Some(segment) = usize::try_from(turn).ok().and_then(|i| transcript.segments.get(i).map(|s| (i, s))) else {
            continue;
        };
        if turn_sentiments.iter().all(|t| t.segment != segment.0) && score.is_finite() {
            turn_sentiments.push(TurnSentiment { segment: segment.0, start_ms: segment.1.start_ms, score: (score as f32).clamp(-1.0, 1.0) });
        }
    }
    turn_sentiments.sort_by_key(|t| t.segment);
    let summary = value.get("summary").and_then(Value::as_str).unwrap_or_default().trim().to_string();
    Ok(Findings { fields, general, turn_sentiments, summary })
}
