//! Values said without being asked for, named by the words said with them: "Your case number
//! is H R, seven seven three zero one" → `case_number`, "a net pay of $1,642.18" → `net_pay`,
//! "two refills remaining" → `refills_remaining`, "about eight miles" → `miles`. A value
//! the built-in vocabulary recognises strongly takes the built-in name ("a refund of" →
//! `refund_amount`), so calls of known pairs and new ones name it alike.

use serde_json::{json, Value as Json};

use crate::analysis::spoken::{format_phone, Value};
use crate::call::FieldKind;
use crate::stt::Speaker;

use super::super::context::{CallContext, Found};
use super::super::fields::{cue_score, is_card_number, Cues, Place};
use super::super::schema::{known_field, known_fields};
use super::super::words::is_stopword;
use super::answer::final_form;
use super::naming::{is_sensitive, name_from, stem_before};

/// A value said in the call with the name its words give it.
#[derive(Debug, Clone)]
pub struct Stated {
    pub name: String,
    pub kind: FieldKind,
    pub value: Json,
}

/// Nouns after a number that say what it counts ("two refills", "six seats", "45 minutes").
fn unit_after(found: &Found<'_>) -> Option<Vec<String>> {
    let w = &found.turn.words.words;
    let last = found.turn.words.position_of_token(found.mention.last_token).max(found.word);
    let mut k = last + 1;
    if w.get(k).is_some_and(|x| matches!(x.as_str(), "business" | "calendar" | "working" | "more" | "extra" | "additional")) {
        k += 1;
    }
    let unit = w.get(k)?;
    if VAGUE_UNITS.contains(&unit.as_str()) {
        return None;
    }
    let same_sentence = found.turn.words.sentence.get(k) == found.turn.words.sentence.get(found.word);
    if !same_sentence || is_stopword(unit) || !unit.chars().all(|c| c.is_alphabetic()) || unit.len() < 3 {
        return None;
    }
    let mut words = vec![unit.clone()];
    if let Some(next) = w.get(k + 1).filter(|n| matches!(n.as_str(), "remaining" | "left" | "ahead" | "out" | "supply" | "late" | "early")) {
        words.push(next.clone());
    }
    Some(words)
}

/// Suffixes that say a name already holds the kind of value.
const ALREADY: &[&str] = &[
    "number", "id", "code", "amount", "date", "time", "fee", "price", "cost", "total", "phone", "window", "percent", "balance",
    "payment", "charge", "premium", "credit", "refund", "copay", "deductible", "pay", "rate", "bill", "allowance", "deposit",
    "day", "deadline", "key", "reference", "tag", "plate", "limit", "shortage", "salary", "tax", "increase", "estimate",
];

fn named(stem: &[String], suffix: &str) -> Option<String> {
    let base = name_from(stem)?;
    let last = base.rsplit('_').next().unwrap_or_default();
    Some(if ALREADY.contains(&last) || suffix.is_empty() { base } else { format!("{base}_{suffix}") })
}

/// The built-in field whose cues point at this value most strongly (cues that are mere
/// function words aside).
fn known_name(ctx: &CallContext, found: &Found<'_>, kind: FieldKind) -> Option<String> {
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
    best.map(|(_, n)| n.clone())
}

/// Words that make ten digits a phone number rather than an account or tag number.
const PHONE_CUES: &[&str] = &["phone", "cell", "mobile", "call", "calls", "reach", "text", "contact", "callback", "landline", "dial", "line"];

/// Whether a digit string said here is a phone number: phone words in its sentence or in the
/// other side's turn just before.
fn is_phone(ctx: &CallContext, found: &Found<'_>) -> bool {
    let turn = found.turn;
    let sentence = turn.words.sentence.get(found.word).copied().unwrap_or(0);
    let here = turn.words.sentence_words(sentence).any(|i| PHONE_CUES.contains(&turn.words.words[i].as_str()));
    here || ctx.previous_other(turn).is_some_and(|p| p.words.words.iter().any(|w| PHONE_CUES.contains(&w.as_str())))
}

/// The value, kind and name suffix of a spoken value a field can hold.
fn typed(ctx: &CallContext, found: &Found<'_>) -> Option<(Json, FieldKind, &'static str)> {
    let turn = found.turn;
    Some(match &found.mention.value {
        Value::Identifier { id } => (json!(final_form(ctx, turn, found.mention, id)), FieldKind::Identifier, "number"),
        Value::Number { digits, digit_sequence, .. } if format_phone(digits).is_some() && *digit_sequence && is_phone(ctx, found) => {
            // A customer's own phone number is contact data, not a fact of the case.
            if turn.speaker == Speaker::Customer {
                return None;
            }
            (json!(format_phone(&final_form(ctx, turn, found.mention, digits))?), FieldKind::Text, "phone")
        }
        Value::Number { digits, .. } if is_card_number(digits) => return None,
        Value::Number { digits, digit_sequence: true, .. } if digits.len() >= 3 => (json!(final_form(ctx, turn, found.mention, digits)), FieldKind::Identifier, "number"),
        Value::Number { value: Some(v), digit_sequence: false, .. } => (super::number_json(*v), FieldKind::Number, ""),
        Value::Money { amount } => (json!(amount), FieldKind::Money, "amount"),
        Value::Date { date } => (json!(date.iso(ctx.year)), FieldKind::Date, "date"),
        Value::Time { clock } => (json!(clock.hhmm()), FieldKind::Time, "time"),
        Value::TimeRange { from, to } => (json!(format!("{}-{}", from.hhmm(), to.hhmm())), FieldKind::Text, "window"),
        Value::Percent { value } => (super::number_json(*value), FieldKind::Number, "percent"),
        _ => return None,
    })
}

/// Nouns after a number that count nothing a field would hold.
const VAGUE_UNITS: &[&str] = &[
    "thing", "things", "way", "ways", "time", "times", "question", "questions", "reason", "reasons", "kid", "kids", "more", "others",
    "percent", "word", "words", "moment", "second", "seconds", "sec", "bit", "step", "steps", "last", "other",
];

/// Whether a spoken value is personal data answered earlier, read back or in part.
fn is_private(found: &Found<'_>, private: &[String]) -> bool {
    let Some(digits) = found.mention.digits() else { return false };
    digits.len() >= 3 && private.iter().any(|p| p.contains(&digits))
}

/// Whether an identifier is the start of a spoken e-mail address ("Y K E S S L E R seven one
/// at yahoo dot com").
fn starts_email(found: &Found<'_>) -> bool {
    let w = &found.turn.words.words;
    let next = found.turn.words.position_of_token(found.mention.last_token) + 1;
    w.get(next).is_some_and(|x| x == "at") && w.get(next + 2).is_some_and(|x| x == "dot")
}

/// Every value of the call a field can hold, except those in `used`, personal data (`private`
/// holds answers that were) and values nothing names.
pub fn stated(ctx: &CallContext, used: &[(usize, usize)], private: &[String]) -> Vec<Stated> {
    let mut out = Vec::new();
    for turn in &ctx.turns {
        for (i, mention) in turn.scan.mentions.iter().enumerate() {
            if used.contains(&(turn.index, i)) {
                continue;
            }
            let found = Found { turn, mention, word: turn.words.position_of_token(mention.first_token) };
            let in_address = turn.addresses.iter().any(|a| a.start <= mention.start && mention.end <= a.end);
            if in_address || (matches!(mention.value, Value::Date { .. }) && ctx.is_birth_date(&found)) || is_private(&found, private) || starts_email(&found) {
                continue;
            }
            let Some((value, kind, suffix)) = typed(ctx, &found) else { continue };
            let stem = stem_before(turn, found.word);
            if is_sensitive(&stem) || turn.words.words[turn.words.sentence_words(turn.words.sentence.get(found.word).copied().unwrap_or(0))].iter().any(|w| matches!(w.as_str(), "social" | "ssn" | "pin" | "password")) {
                continue;
            }
            let name = if kind == FieldKind::Number {
                // A count is named by what it counts; a bare number, or "one" of something
                // ("one moment", "one more thing"), says too little.
                if value.as_f64() == Some(1.0) {
                    continue;
                }
                match unit_after(&found) {
                    Some(unit) => name_from(&[stem.clone(), unit].concat()).or_else(|| name_from(&stem)),
                    None => continue,
                }
            } else {
                known_name(ctx, &found, kind).or_else(|| named(&stem, suffix)).or_else(|| Some(generic(kind, suffix)))
            };
            let Some(name) = name else { continue };
            let kind = known_field(&name).filter(|d| d.kind == kind).map_or(kind, |d| d.kind);
            out.push(Stated { name, kind, value });
        }
    }
    out
}

/// A name for a value nothing describes: what it is.
fn generic(kind: FieldKind, suffix: &str) -> String {
    match (kind, suffix) {
        (FieldKind::Identifier, _) => "reference_number".into(),
        (_, "phone") => "phone_number".into(),
        (_, "window") => "time_window".into(),
        (_, s) if !s.is_empty() => s.to_string(),
        _ => "value".into(),
    }
}
