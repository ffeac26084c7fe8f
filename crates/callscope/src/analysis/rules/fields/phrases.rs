//! Text fields built from a phrase of the call: durations ("3-5 business days"), dosages
//! ("10 mg once daily"), payment methods ("Visa credit card") and the best-matching sentence.

use serde_json::{json, Value as Json};

use crate::analysis::spoken::{self, format_number, Value};

use super::super::context::{CallContext, Turn};
use super::super::schema::FieldDef;
use super::super::words::Phrase;
use super::cues::{score, Cues, Place};

const UNITS: &[&str] = &["minute", "minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months", "year", "years"];

/// A duration phrase: (first word, last word, text).
fn durations(turn: &Turn) -> Vec<(usize, usize, String)> {
    let w = &turn.words.words;
    let mut out = Vec::new();
    let numbers: Vec<(usize, f64)> = turn
        .scan
        .mentions
        .iter()
        .filter_map(|m| match m.value {
            Value::Number { value: Some(v), digit_sequence: false, .. } => Some((turn.words.position_of_token(m.first_token), v)),
            _ => None,
        })
        .collect();
    for (i, &(pos, v)) in numbers.iter().enumerate() {
        let mut k = pos + 1;
        let mut text = format_number(v);
        if matches!(w.get(k).map(String::as_str), Some("to" | "or")) {
            if let Some(&(next, v2)) = numbers.get(i + 1).filter(|(p, _)| *p == k + 1) {
                text = format!("{text}-{}", format_number(v2));
                k = next + 1;
            }
        }
        if matches!(w.get(k).map(String::as_str), Some("business" | "working" | "calendar")) {
            text = format!("{text} {}", w[k]);
            k += 1;
        }
        if !w.get(k).is_some_and(|u| UNITS.contains(&u.as_str())) {
            continue;
        }
        text = format!("{text} {}", w[k]);
        let first = if pos > 0 && matches!(w[pos - 1].as_str(), "within" | "in" | "about" | "under") { pos - 1 } else { pos };
        if first < pos {
            text = format!("{} {text}", w[first]);
        }
        let mut last = k;
        if matches!(w.get(k + 1).map(String::as_str), Some("after" | "from" | "of" | "once")) {
            let sentence = turn.words.sentence.get(k).copied().unwrap_or(0);
            let end = turn.words.sentence_words(sentence).end.min(k + 6);
            text = format!("{text} {}", w[k + 1..end].join(" "));
            last = end - 1;
        }
        out.push((first, last, text));
    }
    out
}

/// The duration said closest to word `word` of turn `turn`, or in the next two turns.
pub fn duration_near(ctx: &CallContext, turn: usize, word: usize) -> Option<String> {
    let t = ctx.turns.get(turn)?;
    if let Some(d) = durations(t).into_iter().min_by_key(|(f, _, _)| f.abs_diff(word)) {
        return Some(d.2);
    }
    ctx.turns.iter().skip(turn + 1).take(2).find_map(|t| durations(t).into_iter().next().map(|d| d.2))
}

/// "every evening around 19:00": how often and when, in the sentence of `word`.
pub fn when_near(ctx: &CallContext, turn: usize, word: usize) -> Option<String> {
    let t = ctx.turns.get(turn)?;
    let sentence = t.words.sentence.get(word).copied()?;
    let range = t.words.sentence_words(sentence).start..t.words.sentence_words(sentence + 1).end.max(t.words.sentence_words(sentence).end);
    let w = &t.words.words;
    let mut parts = Vec::new();
    let evening = range.clone().any(|i| matches!(w[i].as_str(), "evening" | "evenings" | "night" | "nights" | "tonight"));
    for i in range.clone() {
        if w[i] == "every" {
            let k = if w.get(i + 1).is_some_and(|x| x == "single") { i + 2 } else { i + 1 };
            if let Some(p) = w.get(k).filter(|p| matches!(p.as_str(), "day" | "evening" | "night" | "morning" | "afternoon" | "week" | "hour" | "time")) {
                parts.push(format!("every {p}"));
            }
        }
    }
    for m in &t.scan.mentions {
        let pos = t.words.position_of_token(m.first_token);
        if let (true, Value::Time { clock }) = (range.contains(&pos), &m.value) {
            let mut c = *clock;
            if evening && !c.meridiem_known && c.hour < 12 {
                c.hour += 12;
                c.meridiem_known = true;
            }
            let around = if pos > 0 && matches!(w[pos - 1].as_str(), "around" | "about") { "around " } else { "at " };
            parts.push(format!("{around}{}", c.hhmm()));
        }
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// A duration field: the duration the cues point at.
pub fn duration(ctx: &CallContext, cues: &Cues) -> Option<Json> {
    let mut best: Option<(f32, String)> = None;
    for turn in &ctx.turns {
        for (first, last, text) in durations(turn) {
            let s = score(ctx, cues, Place { turn, first, last }, &[]);
            if s >= 0.12 && best.as_ref().is_none_or(|(b, _)| s > *b) {
                best = Some((s, text));
            }
        }
    }
    best.map(|(_, t)| json!(t))
}

/// "10 mg once daily": strength and frequency.
pub fn dosage(ctx: &CallContext) -> Option<Json> {
    for turn in &ctx.turns {
        let w = &turn.words.words;
        for (i, word) in w.iter().enumerate() {
            let unit = match word.as_str() {
                "mg" | "milligram" | "milligrams" => "mg",
                "mcg" | "microgram" | "micrograms" => "mcg",
                "ml" | "milliliter" | "milliliters" | "millilitre" | "millilitres" => "ml",
                "units" => "units",
                _ => continue,
            };
            let Some(amount) = i.checked_sub(1).and_then(|p| number_at(turn, p)) else { continue };
            let sentence = turn.words.sentence.get(i).copied().unwrap_or(0);
            // The frequency may come in the next sentence ("10 milligrams. Once a day, …").
            let next = turn.words.sentence_words(sentence + 1).take(5);
            let rest: Vec<&str> = turn.words.sentence_words(sentence).filter(|&k| k > i).chain(next).map(|k| w[k].as_str()).collect();
            let freq = frequency(&rest.join(" "));
            let text = format!("{} {unit}{}", format_number(amount), freq.map(|f| format!(" {f}")).unwrap_or_default());
            return Some(json!(text));
        }
    }
    None
}

fn number_at(turn: &Turn, word: usize) -> Option<f64> {
    let token = *turn.words.token.get(word)?;
    turn.scan.mention_at_token(token).and_then(|m| match m.value {
        Value::Number { value, .. } => value,
        _ => None,
    })
}

fn frequency(text: &str) -> Option<&'static str> {
    let table: &[(&str, &str)] = &[
        ("once a day", "once daily"), ("once daily", "once daily"), ("one a day", "once daily"), ("every day", "once daily"),
        ("twice a day", "twice daily"), ("twice daily", "twice daily"), ("two times a day", "twice daily"),
        ("three times a day", "three times daily"), ("four times a day", "four times daily"),
        ("every morning", "every morning"), ("at night", "at bedtime"), ("at bedtime", "at bedtime"),
        ("as needed", "as needed"), ("once a week", "once weekly"), ("every other day", "every other day"),
    ];
    table.iter().find(|(k, _)| text.contains(k)).map(|(_, v)| *v)
}

/// How the customer pays: card brand and type, or another method.
pub fn payment_method(ctx: &CallContext) -> Option<Json> {
    let brands: &[(&str, &str)] = &[("visa", "Visa"), ("mastercard", "Mastercard"), ("master card", "Mastercard"), ("amex", "American Express"), ("american express", "American Express"), ("discover", "Discover")];
    let others: &[(&str, &str)] = &[
        ("direct deposit", "direct deposit"), ("bank transfer", "bank transfer"), ("wire transfer", "wire transfer"), ("ach", "ACH bank transfer"),
        ("paypal", "PayPal"), ("apple pay", "Apple Pay"), ("google pay", "Google Pay"), ("by check", "check"), ("a check", "check"), ("cash", "cash"),
        ("money order", "money order"), ("bank account", "bank account"),
    ];
    let mut brand = None;
    let mut card_type = None;
    let mut other: Option<(usize, &str)> = None;
    for turn in &ctx.turns {
        for (k, v) in brands {
            if turn.says(k) {
                brand = Some(*v);
            }
        }
        if turn.says("credit card") || (turn.is_customer() && turn.says("credit")) {
            card_type = Some("credit card");
        } else if turn.says("debit card") {
            card_type = Some("debit card");
        }
        for (k, v) in others {
            if turn.says(k) && other.is_none_or(|(i, _)| i < turn.index) {
                other = Some((turn.index, v));
            }
        }
    }
    match (brand, card_type, other) {
        (Some(b), Some(t), _) => Some(json!(format!("{b} {t}"))),
        (Some(b), None, _) => Some(json!(format!("{b} card"))),
        (None, Some(t), _) => Some(json!(t)),
        (None, None, Some((_, o))) => Some(json!(o)),
        _ => None,
    }
}

const FILLERS: &[&str] = &["so", "okay", "ok", "well", "um", "uh", "and", "but", "also", "yeah", "oh", "now", "alright", "right"];

/// The sentence (or two) whose words best match the cues, values written as digits.
pub fn clause(ctx: &CallContext, def: &FieldDef, cues: &Cues) -> Option<Json> {
    let mut best: Option<(f32, usize, usize)> = None;
    for turn in &ctx.turns {
        let factor = super::cues::speaker_factor(def.speaker.as_deref(), turn.speaker);
        for (n, span) in turn.words.sentences.iter().enumerate() {
            if span.question {
                continue;
            }
            let s = sentence_score(turn, n, cues) * factor;
            if s > 0.0 && best.is_none_or(|(b, _, _)| s > b) {
                best = Some((s, turn.index, n));
            }
        }
    }
    let (_, t, n) = best?;
    let turn = ctx.turns.get(t)?;
    let mut span = *turn.words.sentences.get(n)?;
    if def.sentences.unwrap_or(1) > 1 {
        if let Some(next) = turn.words.sentences.get(n + 1).filter(|_| sentence_score(turn, n + 1, cues) > 0.0) {
            span.end = next.end;
        }
    }
    let raw = turn.text.get(span.start..span.end)?;
    let raw = cue_parts(raw, cues);
    let text = tidy(&spoken::written(&raw, ctx.year));
    (!text.is_empty()).then(|| json!(text))
}

/// Keep the parts of a sentence (split at ", and", ", but", ", so", ";") that hold a cue.
fn cue_parts(sentence: &str, cues: &Cues) -> String {
    let mut parts: Vec<&str> = vec![sentence];
    for sep in [", and ", ", but ", ", so ", "; "] {
        parts = parts.iter().flat_map(|p| p.split(sep)).collect();
    }
    if parts.len() < 2 {
        return sentence.to_string();
    }
    let has_cue = |p: &str| {
        let words: Vec<String> = p.split(|c: char| !(c.is_alphanumeric() || c == '\'')).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
        cues.phrases.iter().any(|(ph, _)| (0..words.len()).any(|i| ph.matches_at(&words, i)))
    };
    let kept: Vec<&str> = parts.iter().copied().filter(|p| has_cue(p)).collect();
    if kept.is_empty() || kept.len() == parts.len() {
        sentence.to_string()
    } else {
        kept.join(", ")
    }
}

fn sentence_score(turn: &Turn, n: usize, cues: &Cues) -> f32 {
    let range = turn.words.sentence_words(n);
    let mut seen: Vec<&Phrase> = Vec::new();
    let mut total = 0.0;
    for (p, w) in &cues.phrases {
        if seen.contains(&p) {
            continue;
        }
        if range.clone().any(|i| p.matches_at(&turn.words.words, i) && i + p.parts.len() <= range.end) {
            total += w;
            seen.push(p);
        }
    }
    total
}

/// Drop leading fillers ("So, okay, …") and trailing punctuation.
fn tidy(text: &str) -> String {
    let mut t = text.trim();
    loop {
        let end = t.find(|c: char| !c.is_alphanumeric() && c != '\'').unwrap_or(t.len());
        let first = &t[..end];
        if first.is_empty() || end >= t.len() || !FILLERS.contains(&first.to_lowercase().as_str()) {
            break;
        }
        t = t[end..].trim_start_matches([',', ' ']);
    }
    t.trim_end_matches(['.', '!', '?', ',', ' ']).to_string()
}
