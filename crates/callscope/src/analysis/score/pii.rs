//! PII recall of a redaction: an expected item counts as found when a placeholder of a
//! compatible kind holds its value and the value can no longer be read anywhere in the
//! redacted text (spoken or written).

use crate::analysis::redact::RedactedTranscript;
use crate::analysis::spoken;

use super::fields::{compact, content_words, ratio};

/// PII recall of a redaction against expected `(type, value)` items.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PiiScore {
    /// PII items in the ground truth.
    pub expected: usize,
    /// Items redacted and no longer readable.
    pub found: usize,
    /// Items not redacted: (type, value).
    pub missed: Vec<(String, String)>,
}

impl PiiScore {
    /// Found / expected (1 when nothing was expected).
    pub fn recall(&self) -> f32 {
        ratio(self.found, self.expected)
    }

    /// Add another call's counts.
    pub fn add(&mut self, other: &PiiScore) {
        self.expected += other.expected;
        self.found += other.found;
        self.missed.extend(other.missed.iter().cloned());
    }
}

/// An expected PII item counts as found when a placeholder of a compatible kind holds its
/// value and the value can no longer be read anywhere in the redacted text.
pub fn pii_recall(expected: &[(String, String)], redacted: &RedactedTranscript) -> PiiScore {
    let mut s = PiiScore { expected: expected.len(), ..Default::default() };
    let year = spoken::current_year();
    let remaining: Vec<String> = redacted
        .transcript
        .segments
        .iter()
        .flat_map(|seg| spoken::scan(&seg.text).mentions.into_iter().map(|m| compact(&m.written(year))))
        .collect();
    for (kind, value) in expected {
        let tag = pii_tag(kind);
        let held = redacted.values.iter().any(|(ph, v)| ph.starts_with(&format!("[{tag}_")) && pii_value_match(kind, value, v));
        let target = pii_normal(kind, value);
        let written_leak = redacted.transcript.segments.iter().any(|seg| seg.text.to_lowercase().contains(&value.to_lowercase()));
        let leaked = kind != "address" && (remaining.contains(&target) || written_leak);
        if held && !leaked {
            s.found += 1;
        } else {
            s.missed.push((kind.clone(), value.clone()));
        }
    }
    s
}

fn pii_tag(kind: &str) -> &'static str {
    match kind {
        "credit_card" | "card" | "card_number" => "CARD",
        "ssn" => "SSN",
        "phone" => "PHONE",
        "email" => "EMAIL",
        "date_of_birth" | "dob" => "DOB",
        "address" => "ADDRESS",
        _ => "ACCOUNT",
    }
}

fn pii_normal(kind: &str, value: &str) -> String {
    match kind {
        "email" | "date_of_birth" | "dob" | "address" => compact(value),
        _ => value.chars().filter(char::is_ascii_digit).collect(),
    }
}

fn pii_value_match(kind: &str, expected: &str, held: &str) -> bool {
    if kind == "address" {
        let norm = |t: &str| -> Vec<String> {
            content_words(t).into_iter().map(|w| spoken::state_code(&w).map_or(w, |c| c.to_lowercase())).collect()
        };
        let e = norm(expected);
        let h = norm(held);
        let common = e.iter().filter(|w| h.contains(w)).count();
        return !e.is_empty() && common as f32 / e.len() as f32 >= 0.6;
    }
    let e = pii_normal(kind, expected);
    let h = pii_normal(kind, held);
    !e.is_empty() && (e == h || (kind == "ssn" && h.ends_with(&e)))
}
