//! A schema for a domain/category pair without a built-in one, built from the values said in
//! the call: each identifier, amount, date, time, phone number or address becomes a field
//! named after the words said just before it ("order number" → `order_number`, "a refund of"
//! → `refund_amount`, "scheduled for delivery on" → `delivery_date`), or after what the other
//! side asked for ("Can I have your membership number?").

use crate::analysis::spoken::{self, format_phone, month_word, weekday_word, Value};
use crate::call::{ExtractionPrompt, FieldKind, FieldSpec};

use super::context::{CallContext, Found, Turn};
use super::fields::{cue_score, Cues, Place};
use super::schema::{known_field, known_fields, prompt_from};
use super::words::is_stopword;

/// Words before a value that describe it poorly (not nouns): "claim number handy",
/// "next available", "already spent".
const NOT_NOUNS: &[&str] = &[
    "handy", "available", "anything", "works", "already", "spent", "used", "sent", "moved", "use", "reach", "past", "between",
    "since", "current", "earliest", "next", "last", "first", "new", "old", "usually", "still", "exactly", "only", "also",
    "please", "sure", "thank", "thanks", "ready", "right", "whenever", "again", "ago", "each", "every", "per", "a", "yes",
];

/// Words that say nothing about what a value is.
const EMPTY: &[&str] = &[
    "dollars", "dollar", "cents", "percent", "number", "is", "was", "be", "it's", "that's", "have", "has", "had", "get", "got",
    "give", "confirm", "say", "said", "see", "okay", "yes", "so", "um", "uh", "today", "tomorrow", "around", "about", "approximately",
    "just", "like", "it", "morning", "afternoon", "evening", "noon", "am", "pm", "o'clock", "the", "on", "at", "of", "for",
];

/// The kind of field a value makes, and the suffix its name gets.
fn kind_of(found: &Found<'_>) -> Option<(FieldKind, &'static str)> {
    match &found.mention.value {
        Value::Identifier { .. } => Some((FieldKind::Identifier, "number")),
        Value::Number { digits, digit_sequence, .. } if format_phone(digits).is_some() && *digit_sequence => Some((FieldKind::Text, "phone")),
        Value::Number { digits, digit_sequence: true, .. } if digits.len() >= 13 => Some((FieldKind::CardLastFour, "card_last_four")),
        Value::Number { digits, digit_sequence: true, .. } if digits.len() >= 5 => Some((FieldKind::Identifier, "number")),
        Value::Money { .. } => Some((FieldKind::Money, "amount")),
        Value::Date { .. } => Some((FieldKind::Date, "date")),
        Value::Time { .. } => Some((FieldKind::Time, "time")),
        Value::TimeRange { .. } => Some((FieldKind::Text, "window")),
        Value::Percent { .. } => Some((FieldKind::Number, "percent")),
        _ => None,
    }
}

fn content(word: &str) -> bool {
    word.chars().all(|c| c.is_alphabetic() || c == '\'')
        && !is_stopword(word)
        && !EMPTY.contains(&word)
        && month_word(word).is_none()
        && weekday_word(word).is_none()
        && spoken::number_word(word).is_none()
}

/// Up to two content words right before word `at` of the turn (same sentence).
fn stem_before(turn: &Turn, at: usize) -> Vec<String> {
    let w = &turn.words.words;
    let sentence = turn.words.sentence.get(at).copied().unwrap_or(0);
    let start = turn.words.sentence_words(sentence).start;
    let mut out: Vec<String> = Vec::new();
    let mut i = at;
    while i > start && at - i < 6 && out.len() < 2 {
        i -= 1;
        if content(&w[i]) {
            out.insert(0, w[i].trim_end_matches("'s").to_string());
        } else if !out.is_empty() && !matches!(w[i].as_str(), "number") {
            break;
        }
    }
    out
}

/// The last content words of the other side's question just before ("your membership number?").
fn stem_asked(ctx: &CallContext, turn: &Turn) -> Vec<String> {
    let Some(prev) = ctx.previous_other(turn) else { return Vec::new() };
    let Some(last_question) = prev.words.sentences.iter().rposition(|s| s.question) else { return Vec::new() };
    let range = prev.words.sentence_words(last_question);
    stem_before(prev, range.end)
}

fn field_name(stem: &[String], suffix: &str) -> String {
    let base = stem.join("_").replace(['\'', '-'], "");
    let already = ["number", "id", "code", "amount", "date", "time", "fee", "price", "cost", "total", "phone", "window", "percent"];
    match (base.is_empty(), stem.last().is_some_and(|w| already.contains(&w.as_str()))) {
        (true, _) => match suffix {
            "number" => "reference_number".into(),
            "card_last_four" => "card_last_four".into(),
            "phone" => "contact_phone".into(),
            other => other.to_string(),
        },
        (false, true) => base,
        (false, false) if suffix == "card_last_four" => "card_last_four".into(),
        (false, false) => format!("{base}_{suffix}"),
    }
}

/// The built-in field whose cues point at this value most strongly (ignoring cues that are
/// mere function words), or one named `<word>_<suffix>` after a word said before it.
fn known_name(ctx: &CallContext, found: &Found<'_>, kind: FieldKind, suffix: &str) -> Option<String> {
    let last = found.turn.words.position_of_token(found.mention.last_token).max(found.word);
    let place = Place { turn: found.turn, first: found.word, last };
    let mut best: Option<(f32, &String)> = None;
    for (name, def) in known_fields() {
        if def.kind != kind || def.role.as_deref() == Some("birth") {
            continue;
        }
        let cues: Vec<&String> = def.cues.iter().filter(|c| !c.split(' ').all(is_stopword)).collect();
        let s = cue_score(ctx, &Cues::new(&cues), place, &[]);
        if s >= 0.6 && best.is_none_or(|(b, _)| s > b) {
            best = Some((s, name));
        }
    }
    if let Some((_, name)) = best {
        return Some(name.clone());
    }
    stem_before(found.turn, found.word)
        .iter()
        .rev()
        .map(|w| format!("{w}_{suffix}"))
        .find(|n| known_field(n).is_some_and(|d| d.kind == kind))
}

/// A prompt for a new pair from what the call mentions.
pub fn generated_prompt(ctx: &CallContext, domain: &str, category: &str) -> ExtractionPrompt {
    let mut fields: Vec<FieldSpec> = Vec::new();
    for found in ctx.all() {
        let Some((kind, suffix)) = kind_of(&found) else { continue };
        let in_address = found.turn.addresses.iter().any(|a| a.start <= found.mention.start && found.mention.end <= a.end);
        if in_address || ctx.is_birth_date(&found) {
            continue;
        }
        let mut stem = stem_before(found.turn, found.word);
        if stem.is_empty() {
            stem = stem_asked(ctx, found.turn);
        }
        if stem.iter().any(|w| matches!(w.as_str(), "social" | "ssn" | "security" | "pin" | "password")) {
            continue;
        }
        let nouns: Vec<String> = stem.iter().filter(|w| !NOT_NOUNS.contains(&w.as_str())).cloned().collect();
        let Some(name) = known_name(ctx, &found, kind, suffix).or_else(|| {
            // A value nothing describes cannot be found again by name: leave it out.
            (!nouns.is_empty() || matches!(suffix, "phone" | "card_last_four")).then(|| field_name(&nouns, suffix))
        }) else {
            continue;
        };
        if fields.iter().any(|f| f.name == name) {
            continue;
        }
        let description = known_field(&name).map(|d| d.description.clone()).unwrap_or_else(|| {
            let what = if stem.is_empty() { suffix.replace('_', " ") } else { stem.join(" ") };
            format!("The {what} mentioned in the call")
        });
        let kind = known_field(&name).map_or(kind, |d| d.kind);
        fields.push(FieldSpec { name, kind, description });
    }
    for a in ctx.turns.iter().flat_map(|t| t.addresses.iter().cloned().map(move |a| (t, a))) {
        let (turn, address) = a;
        let at = turn.scan.tokens.iter().position(|t| t.start >= address.start).map_or(0, |t| turn.words.position_of_token(t));
        let stem = stem_before(turn, at);
        let name = if stem.is_empty() { "address".to_string() } else { format!("{}_address", stem.join("_")) };
        if !fields.iter().any(|f| f.name == name) {
            fields.push(FieldSpec { name, kind: FieldKind::Text, description: "Street address mentioned in the call".into() });
        }
    }
    prompt_from(domain, category, fields)
}
