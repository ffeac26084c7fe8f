//! The call's reason (from the customer's own words) and an extractive summary: who called
//! about what, the key values found, the outcome and what happens next.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::analysis::spoken::{self, format_money};
use crate::call::{ExtractionPrompt, FieldKind, Resolution};

use super::context::{CallContext, Turn};
use super::words::Phrase;

/// Phrases that introduce the reason for calling, and what to keep of them.
const REASON_CUES: &[(&str, &str)] = &[
    ("i got a notice that", ""), ("i'd like to", ""), ("i would like to", ""), ("i need to", ""), ("i need", "need "),
    ("i want to", ""), ("i wanted to", ""), ("i'm calling about", ""), ("i'm calling to", ""), ("calling about", ""),
    ("calling to", ""), ("i'm just checking on", "checking on "), ("i'm checking on", "checking on "), ("checking on", "checking on "),
    ("i applied for", "applied for "), ("i filed", "filed "), ("i have a question about", "question about "),
    ("i was wondering", ""), ("i'm having trouble with", "trouble with "), ("i think", ""), ("it keeps", "it keeps "),
    ("i just wanted to", ""), ("i thought i'd", ""), ("i'd better just", ""), ("can you", ""), ("i'd like", ""),
];

/// Agent questions whose answer is the reason for the call.
const WHY_QUESTIONS: &[&str] = &["made you want to call", "reason for your call", "what brings you", "why are you calling", "what prompted", "what's going on", "what seems to be", "what happened", "what's happening"];

/// A short phrase from the customer's own statement of why they call: the answer to "what
/// made you call?" when the agent asks, else the first reason phrase ("I'd like to…", "I'm
/// calling about…") in the customer's first four turns, else their first full sentence.
pub fn call_reason(ctx: &CallContext) -> String {
    let customer: Vec<&Turn> = ctx.turns.iter().filter(|t| t.is_customer()).collect();
    let answers: Vec<&Turn> = ctx
        .turns
        .iter()
        .filter(|t| t.is_agent() && t.says_any(WHY_QUESTIONS))
        .filter_map(|t| ctx.turns.get(t.index + 1).filter(|r| r.is_customer()))
        .collect();
    for turn in answers.iter().chain(customer.iter().take(4)) {
        if let Some(reason) = reason_in(turn, ctx.year) {
            return reason;
        }
    }
    let fallback = customer.iter().find_map(|t| {
        t.words.sentences.iter().filter_map(|s| t.text.get(s.start..s.end)).find(|s| s.split_whitespace().count() >= 5 && !personal_data(s)).map(|s| spoken::written(s, ctx.year))
    });
    fallback.map(|s| without_greeting(&s).trim_end_matches(['.', '!', '?']).to_string()).unwrap_or_else(|| "general inquiry".to_string())
}

/// "Hi Tom, my package never arrived" → "my package never arrived".
fn without_greeting(sentence: &str) -> &str {
    const GREETINGS: &[&str] = &["hi", "hey", "hello", "good", "yes", "yeah", "oh", "um", "uh", "so", "well", "okay", "ok"];
    let mut s = sentence.trim();
    while let Some(comma) = s.find(',') {
        let head = &s[..comma];
        let first = head.split_whitespace().next().unwrap_or_default().to_lowercase();
        if head.split_whitespace().count() > 3 || !GREETINGS.contains(&first.as_str()) {
            break;
        }
        s = s[comma + 1..].trim_start();
    }
    s
}

fn reason_in(turn: &Turn, year: i32) -> Option<String> {
    let mut best: Option<(usize, &str, usize)> = None;
    for (cue, keep) in REASON_CUES {
        let phrase = Phrase::new(cue);
        if let Some(&at) = turn.words.find(&phrase).first() {
            if best.is_none_or(|(b, _, _)| at < b) {
                best = Some((at, keep, phrase.parts.len()));
            }
        }
    }
    let (at, keep, len) = best?;
    let text = format!("{keep}{}", words_after(turn, at + len, 12, year));
    (text.split_whitespace().count() >= 2).then_some(text)
}

/// Up to `max` words of a turn from word `from`, stopping at the end of the sentence or at
/// ", and"/", so"/", but"; numbers written as digits.
fn words_after(turn: &Turn, from: usize, max: usize, year: i32) -> String {
    let Some(&token) = turn.words.token.get(from) else { return String::new() };
    let sentence = turn.words.sentence.get(from).copied().unwrap_or(0);
    let end_word = turn.words.sentence_words(sentence).end.min(from + max);
    let last_token = turn.words.token.get(end_word.saturating_sub(1)).copied().unwrap_or(token);
    let (Some(start), Some(end)) = (turn.scan.tokens.get(token).map(|t| t.start), turn.scan.tokens.get(last_token).map(|t| t.end)) else {
        return String::new();
    };
    let raw = turn.text.get(start..end).unwrap_or_default();
    let cut = [", and ", ", so ", ", but ", " and i ", " and I ", ", if "].iter().filter_map(|s| raw.find(s)).min().unwrap_or(raw.len());
    let mut text = spoken::written(&raw[..cut], year).trim_end_matches([',', '.', '!', '?', ' ']).to_string();
    for tail in [" so", " and", " but", " or", ","] {
        if let Some(t) = text.strip_suffix(tail) {
            text = t.trim_end_matches([',', ' ']).to_string();
        }
    }
    text
}

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

/// Whether a sentence carries an id, e-mail or address (not a reason, and not for a summary).
fn personal_data(sentence: &str) -> bool {
    let scan = spoken::scan(sentence);
    !spoken::addresses(sentence, &scan).is_empty()
        || scan.mentions.iter().any(|m| {
            matches!(m.value, spoken::Value::Identifier { .. } | spoken::Value::Email { .. } | spoken::Value::Number { digit_sequence: true, .. })
        })
}
