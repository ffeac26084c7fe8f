//! PII recall of a redaction: an expected item counts as found when a placeholder of a
//! compatible kind holds its value and the value can no longer be read anywhere in the
//! redacted text (spoken or written). From audio, the recogniser may mishear the value
//! ("620055184" for 620551884): when a placeholder holds a near value, the spoken data was
//! still hidden, and the item is counted apart as `misheard`.

use crate::analysis::redact::RedactedTranscript;
use crate::analysis::spoken;

use super::fields::ratio;
use super::values::{compact, content_words};

/// PII recall of a redaction against expected `(type, value)` items.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PiiScore {
    /// PII items in the ground truth.
    pub expected: usize,
    /// Items redacted and no longer readable.
    pub found: usize,
    /// Items the recogniser misheard whose misheard value a placeholder holds: (type, value).
    pub misheard: Vec<(String, String)>,
    /// Items not redacted: (type, value).
    pub missed: Vec<(String, String)>,
}

impl PiiScore {
    /// Found / expected (1 when nothing was expected).
    pub fn recall(&self) -> f32 {
        ratio(self.found, self.expected)
    }

    /// Items hidden from the redacted text, exactly or as misheard, / expected.
    pub fn hidden_recall(&self) -> f32 {
        ratio(self.found + self.misheard.len(), self.expected)
    }

    /// Add another call's counts.
    pub fn add(&mut self, other: &PiiScore) {
        self.expected += other.expected;
        self.found += other.found;
        self.misheard.extend(other.misheard.iter().cloned());
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
        } else if !leaked && redacted.values.iter().any(|(ph, v)| misheard_match(kind, value, ph, v)) {
            s.misheard.push((kind.clone(), value.clone()));
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
        "pin" | "passcode" => "PIN",
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

/// Whether a placeholder's value is the expected one as a recogniser could mishear it: digits
/// at most two edits apart (a digit dropped, doubled or swapped; any PII kind, since a
/// misheard phone number may be taken for an account number), an e-mail address at the same
/// provider, an address sharing its house number and a word.
fn misheard_match(kind: &str, expected: &str, placeholder: &str, held: &str) -> bool {
    match kind {
        "email" => {
            if !placeholder.starts_with("[EMAIL_") {
                return false;
            }
            let domain = |a: &str| a.rsplit_once('@').map(|(_, d)| d.to_lowercase());
            domain(expected).is_some() && domain(expected) == domain(held)
        }
        "address" => {
            let e = content_words(expected);
            let h = content_words(held);
            let number = |w: &[String]| w.first().filter(|f| f.chars().all(|c| c.is_ascii_digit())).cloned();
            number(&e).is_some() && number(&e) == number(&h) && e.iter().skip(1).any(|w| h.contains(w))
        }
        "date_of_birth" | "dob" => false,
        _ => {
            let digits = |t: &str| -> String { t.chars().filter(char::is_ascii_digit).collect() };
            let (e, h) = (digits(expected), digits(held));
            e.len() >= 4 && h.len() >= 4 && spoken::edit_distance(&e, &h) <= 2
        }
    }
}

#[cfg(test)]
mod tests {
    use super::misheard_match;

    #[test]
    fn a_misheard_value_is_near_but_a_different_one_is_not() {
        assert!(misheard_match("account_number", "620551884", "[ACCOUNT_1]", "620055184"));
        assert!(misheard_match("phone", "312-555-0189", "[ACCOUNT_1]", "312555018"));
        assert!(!misheard_match("account_number", "620551884", "[ACCOUNT_1]", "71140829"));
        assert!(misheard_match("email", "yuki.tanaka@gmail.com", "[EMAIL_1]", "yucca.takar@gmail.com"));
        assert!(!misheard_match("email", "yuki.tanaka@gmail.com", "[EMAIL_1]", "yuki.tanaka@outlook.com"));
        assert!(misheard_match("address", "340 Birchwood Avenue, Apartment 12", "[ACCOUNT_1]", "340 virtual revenue, apartment 12, Columbus"));
        assert!(!misheard_match("address", "340 Birchwood Avenue", "[ACCOUNT_1]", "12 Elm Street"));
    }
}
