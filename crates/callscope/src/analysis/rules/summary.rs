//! An extractive summary: who called about what (`reason`), the key values found, the outcome
//! and what happens next.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::analysis::spoken::format_money;
use crate::call::{ExtractionPrompt, FieldKind, Resolution};


fn readable(value: &Json, kind: FieldKind) -> Option<String> {
    match (value, kind) {
        (Json::Null, _) => None,
        (Json::Number(n), FieldKind::Money) => n.as_f64().map(|v| format!("${}", format_money(v))),
        (Json::Bool(b), _) => Some(if *b { "yes".into() } else { "no".into() }),
        (Json::String(s), _) => Some(s.clone()),
        (Json::Array(items), _) => Some(items.iter().filter_map(|i| readable(i, FieldKind::Text)).collect::<Vec<_>>().join("; ")),
        (Json::Object(map), _) => Some(map.values().filter_map(|v| readable(v, FieldKind::Text)).collect::<Vec<_>>().join(" ")),
        (other, _) => Some(other.to_string()),
    }
}

/// Everything needed to write the summary.
pub struct SummaryInput<'a> {
    pub customer: Option<&'a str>,
    pub reason: &'a str,
    pub prompt: &'a ExtractionPrompt,
    pub fields: &'a BTreeMap<String, Json>,
    pub resolution: Resolution,
    pub follow_ups: &'a [String],
}

/// "Elena Marchetti called about booking an appointment … Key facts: … Outcome: … Next: …"
pub fn summary(input: &SummaryInput<'_>) -> String {
    let who = input.customer.unwrap_or("The customer");
    let topic = format!("{} {}", input.prompt.domain.replace('_', " "), input.prompt.category.replace('_', " "));
    let mut out = format!("{who} called ({topic}): {}.", input.reason);
    let facts: Vec<String> = input
        .prompt
        .fields
        .iter()
        .filter_map(|f| {
            let v = input.fields.get(&f.name)?;
            if matches!(v, Json::Bool(_)) || personal(&f.name) {
                return None;
            }
            readable(v, f.kind).map(|r| format!("{} {r}", f.name.replace('_', " ")))
        })
        .take(7)
        .collect();
    if !facts.is_empty() {
        out.push_str(&format!(" Key facts: {}.", facts.join("; ")));
    }
    let outcome = match input.resolution {
        Resolution::Resolved => "resolved on the call",
        Resolution::FollowUp => "open, with follow-up needed",
        Resolution::Escalated => "escalated",
        Resolution::Unresolved => "not resolved",
    };
    out.push_str(&format!(" Outcome: {outcome}."));
    if let Some(next) = input.follow_ups.first() {
        out.push_str(&format!(" Next: {next}."));
    }
    out
}

/// Fields holding personal data stay out of the summary (it is stored and synced as text).
fn personal(name: &str) -> bool {
    ["account", "policy_number", "member", "dob", "birth", "ssn", "phone", "address", "card", "email"].iter().any(|p| name.contains(p))
}
