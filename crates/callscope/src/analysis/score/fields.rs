//! Field precision/recall/F1 with normalised, meaning-based comparison.
//!
//! Rules:
//! - Keys match exactly, through `KEY_SYNONYMS`, or by value: an expected field left unmatched
//!   pairs with an unmatched predicted field holding the same value (field names for new
//!   domains are one person's choice).
//! - Values: numbers within a cent; dates, times, identifiers and phone numbers after
//!   normalisation (case, spaces, dashes); booleans exactly; text by content words (number
//!   words as digits, light stemming): a match when token F1 ≥ 0.5, or when one side's words
//!   are all contained in the other's (less or more detailed, not wrong; "more detailed" only
//!   up to three times as long); lists element by element (half of each side must match).
//! - Counting: an expected non-null field matched with an equal value is a true positive; an
//!   expected field with no or a wrong prediction is a false negative; a wrong prediction, or a
//!   value where the truth is null, is a false positive. Predicted fields the truth does not
//!   label are not counted (reported as `extra`).

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::analysis::spoken;

/// Field names that mean the same thing.
pub const KEY_SYNONYMS: &[&[&str]] = &[
    &["ticket_number", "case_number", "reference_number", "incident_number"],
    &["patient_dob", "date_of_birth", "dob", "birth_date"],
    &["contact_phone", "phone_number", "callback_number", "notification_phone", "phone"],
    &["item", "product", "product_name"],
    &["provider", "doctor", "physician"],
    &["new_monthly_price", "new_price", "monthly_price"],
    &["service_credit", "credit_amount", "bill_credit"],
    &["fraud_case_number", "case_number", "dispute_number"],
    &["payment_amount", "amount_paid"],
    &["confirmation_number", "confirmation_code", "approval_number"],
];

/// Field-level counts, summable over calls.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldScore {
    /// Expected values predicted right.
    pub true_positives: usize,
    /// Wrong predictions, and values predicted where the truth is null.
    pub false_positives: usize,
    /// Expected values missed or predicted wrong.
    pub false_negatives: usize,
    /// (expected key, predicted key) pairs that matched in value.
    pub matched: Vec<(String, String)>,
    /// (key, expected, predicted) of wrong or missing values.
    pub errors: Vec<(String, Json, Json)>,
    /// Predicted keys the truth does not label.
    pub extra: Vec<String>,
}

impl FieldScore {
    /// Share of counted predictions that were right.
    pub fn precision(&self) -> f32 {
        ratio(self.true_positives, self.true_positives + self.false_positives)
    }

    /// Share of expected values that were found.
    pub fn recall(&self) -> f32 {
        ratio(self.true_positives, self.true_positives + self.false_negatives)
    }

    /// Harmonic mean of precision and recall.
    pub fn f1(&self) -> f32 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }

    /// Add another call's counts.
    pub fn add(&mut self, other: &FieldScore) {
        self.true_positives += other.true_positives;
        self.false_positives += other.false_positives;
        self.false_negatives += other.false_negatives;
        self.matched.extend(other.matched.iter().cloned());
        self.errors.extend(other.errors.iter().cloned());
        self.extra.extend(other.extra.iter().cloned());
    }
}

pub(super) fn ratio(a: usize, b: usize) -> f32 {
    if b == 0 {
        1.0
    } else {
        a as f32 / b as f32
    }
}

fn synonyms(a: &str, b: &str) -> bool {
    a == b || KEY_SYNONYMS.iter().any(|group| group.contains(&a) && group.contains(&b))
}

/// Score predicted fields against expected ones (see the module rules).
pub fn score_fields(expected: &serde_json::Map<String, Json>, predicted: &BTreeMap<String, Json>) -> FieldScore {
    let mut s = FieldScore::default();
    let mut used: Vec<&str> = Vec::new();
    let mut pairs: Vec<(&str, Option<&str>)> = Vec::new();
    for key in expected.keys() {
        let by_name = predicted.keys().find(|p| !used.contains(&p.as_str()) && synonyms(key, p));
        if let Some(p) = by_name {
            used.push(p);
        }
        pairs.push((key, by_name.map(String::as_str)));
    }
    for (key, pk) in pairs.iter_mut() {
        if pk.is_some() || expected[*key].is_null() {
            continue;
        }
        let by_value = predicted.iter().find(|(p, v)| !used.contains(&p.as_str()) && values_match(&expected[*key], v));
        if let Some((p, _)) = by_value {
            used.push(p);
            *pk = Some(p);
        }
    }
    for (key, pk) in pairs {
        let truth = &expected[key];
        let guess = pk.and_then(|p| predicted.get(p)).filter(|v| !v.is_null());
        match (truth.is_null(), guess) {
            (true, None) => {}
            (true, Some(g)) => {
                s.false_positives += 1;
                s.errors.push((key.to_string(), Json::Null, g.clone()));
            }
            (false, None) => {
                s.false_negatives += 1;
                s.errors.push((key.to_string(), truth.clone(), Json::Null));
            }
            (false, Some(g)) if values_match(truth, g) => {
                s.true_positives += 1;
                s.matched.push((key.to_string(), pk.unwrap_or_default().to_string()));
            }
            (false, Some(g)) => {
                s.false_positives += 1;
                s.false_negatives += 1;
                s.errors.push((key.to_string(), truth.clone(), g.clone()));
            }
        }
    }
    s.extra = predicted.keys().filter(|k| !used.contains(&k.as_str())).cloned().collect();
    s
}

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

pub(super) fn compact(s: &str) -> String {
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
    let common_e = e.iter().filter(|w| p.contains(w)).count();
    let common_p = p.iter().filter(|w| e.contains(w)).count();
    let precision = common_p as f32 / p.len() as f32;
    let recall = common_e as f32 / e.len() as f32;
    let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
    f1 >= 0.5 || common_p == p.len() || (common_e == e.len() && p.len() <= 3 * e.len())
}

/// Whether a predicted person name is the expected one (case and accents aside; a first
/// name alone does not count when a full name is expected).
pub fn name_matches(expected: Option<&str>, predicted: Option<&str>) -> bool {
    match (expected, predicted) {
        (None, None) => true,
        (Some(e), Some(p)) => compact(e) == compact(p),
        _ => false,
    }
}

