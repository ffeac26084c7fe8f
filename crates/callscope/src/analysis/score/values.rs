//! When a predicted value means the expected one: numbers within a cent; dates, times,
//! identifiers and phone numbers after normalisation (case, spaces, dashes); booleans exactly;
//! text by content words (number words as digits, light stemming): a match when token F1 ≥ 0.5,
//! or when one side's words are all contained in the other's (less or more detailed, not wrong;
//! "more detailed" only up to three times as long); lists element by element (half of each side
//! must match); objects key by key.

use serde_json::Value as Json;

use crate::analysis::spoken;

/// Whether a predicted value means the expected one.
pub fn values_match(expected: &Json, predicted: &Json) -> bool {
    match (expected, predicted) {
        (Json::Null, p) => p.is_null(),
        (Json::Bool(a), Json::Bool(b)) => a == b,
        (Json::Bool(a), Json::String(b)) => matches!((a, b.to_lowercase().as_str()), (true, "yes" | "true") | (false, "no" | "false")),
        (Json::Number(a), p) => match (a.as_f64(), as_number(p)) {
            (Some(x), Some(y)) => (x - y).abs() < 0.011,
            _ => false,
        },
        (Json::String(a), Json::Number(_)) => as_number(expected).zip(as_number(predicted)).is_some_and(|(x, y)| (x - y).abs() < 0.011) || text_match(a, &predicted.to_string()),
        (Json::String(a), Json::String(b)) => strings_match(a, b),
        (Json::Array(a), Json::Array(b)) => lists_match(a, b),
        (Json::Array(a), Json::String(b)) => text_match(&flatten(a), b),
        (Json::String(a), Json::Array(b)) => text_match(a, &flatten(b)),
        (Json::Object(a), Json::Object(b)) => a.iter().all(|(k, v)| v.is_null() || b.get(k).is_some_and(|p| values_match(v, p))),
        _ => false,
    }
}

fn as_number(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.replace(['$', ',', ' '], "").parse().ok(),
        _ => None,
    }
}

fn flatten(items: &[Json]) -> String {
    items.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)).collect::<Vec<_>>().join(", ")
}

fn lists_match(expected: &[Json], predicted: &[Json]) -> bool {
    if expected.is_empty() || predicted.is_empty() {
        return expected.is_empty() && predicted.is_empty();
    }
    let hits_e = expected.iter().filter(|e| predicted.iter().any(|p| values_match(e, p))).count();
    let hits_p = predicted.iter().filter(|p| expected.iter().any(|e| values_match(e, p))).count();
    2 * hits_e >= expected.len() && 2 * hits_p >= predicted.len()
}

pub(crate) fn compact(s: &str) -> String {
    s.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

fn strings_match(expected: &str, predicted: &str) -> bool {
    let (e, p) = (compact(expected), compact(predicted));
    if e == p {
        return true;
    }
    let structured = !expected.contains(' ') && expected.chars().any(|c| c.is_ascii_digit());
    if structured {
        return false;
    }
    text_match(expected, predicted)
}

/// Content words of a text: number words as digits, times as HH:MM, stopwords dropped,
/// light stemming.
pub fn content_words(text: &str) -> Vec<String> {
    let written = spoken::written(text, spoken::current_year());
    written
        .split(|c: char| !(c.is_alphanumeric() || c == ':' || c == '\''))
        .map(|w| w.trim_matches('\'').to_lowercase())
        .map(|w| w.strip_suffix("'s").map(str::to_string).unwrap_or(w))
        .filter(|w| !w.is_empty() && !STOP.contains(&w.as_str()))
        .map(|w| stem(&w))
        .collect()
}

const STOP: &[&str] = &[
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "with", "is", "are", "was", "be", "it", "its", "that",
    "this", "by", "as", "from", "your", "you", "we", "our", "i", "my", "there", "s", "just", "so", "really", "very", "all",
];

fn stem(w: &str) -> String {
    for suffix in ["ing", "ed", "es", "s", "ure"] {
        if let Some(s) = w.strip_suffix(suffix) {
            if s.len() >= 3 {
                return s.to_string();
            }
        }
    }
    w.to_string()
}

/// Text match by content words (see the module rules).
pub fn text_match(expected: &str, predicted: &str) -> bool {
    let e = content_words(expected);
    let p = content_words(predicted);
    if e.is_empty() || p.is_empty() {
        return compact(expected) == compact(predicted);
    }
    let (precision, recall) = overlap(&e, &p);
    let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
    f1 >= 0.5 || precision == 1.0 || (recall == 1.0 && p.len() <= 3 * e.len())
}

/// Whether a predicted text says most of the expected one on its own merit: token F1 ≥ 0.5, or
/// all the expected words (a few words that are merely part of the expected text are not enough
/// to claim a field by value alone).
pub(super) fn text_match_strictly(expected: &str, predicted: &str) -> bool {
    let (e, p) = (content_words(expected), content_words(predicted));
    if e.is_empty() || p.is_empty() {
        return compact(expected) == compact(predicted);
    }
    let (precision, recall) = overlap(&e, &p);
    (precision + recall > 0.0 && 2.0 * precision * recall / (precision + recall) >= 0.5) || (recall == 1.0 && p.len() <= 3 * e.len())
}

/// (share of predicted words that are expected, share of expected words predicted).
fn overlap(e: &[String], p: &[String]) -> (f32, f32) {
    let common_e = e.iter().filter(|w| p.contains(w)).count();
    let common_p = p.iter().filter(|w| e.contains(w)).count();
    (common_p as f32 / p.len() as f32, common_e as f32 / e.len() as f32)
}

/// Whether a predicted person name is the expected one (case, accents and a title such as
/// "Mr." aside; a first name alone does not count when a full name is expected).
pub fn name_matches(expected: Option<&str>, predicted: Option<&str>) -> bool {
    match (expected, predicted) {
        (None, None) => true,
        (Some(e), Some(p)) => compact(&untitled(e)) == compact(&untitled(p)),
        _ => false,
    }
}

/// A name without its leading title ("Mr. Lindqvist" → "Lindqvist").
fn untitled(name: &str) -> String {
    const TITLES: &[&str] = &["mr", "mrs", "ms", "miss", "mister", "missus", "mx", "dr", "doctor"];
    let mut words: Vec<&str> = name.split_whitespace().collect();
    if words.len() > 1 && TITLES.contains(&words[0].trim_end_matches('.').to_lowercase().as_str()) {
        words.remove(0);
    }
    words.join(" ")
}

