//! Finding personal and payment data in a transcript's segments, spoken or written.
//!
//! Rules, per value found by `spoken::scan`:
//! - 13–19 digits: a card number when it passes the Luhn check or card words are near
//!   (this or the previous turn); the expiry date and security code said after card words too.
//! - 9 digits near "social"/"SSN", or any digits answering a question about the SSN
//!   ("the last four of your social") are an SSN.
//! - 6+ digits near account words (and no phone words) are an account number.
//! - 10 digits, or 11 starting with 1, are a phone number, except toll-free business numbers.
//! - 8+ digits, or 6+ digits (or letters+digits) near account words, are an account number.
//! - A date near "birth"/"born"/"DOB" (this turn, or answering the previous one), or a full
//!   date more than twelve years back, is a date of birth.
//! - E-mail addresses and street addresses always.
//! - A number labelled as a case, order, claim, ticket, confirmation… number just before it
//!   is not personal data (unless it is a valid card number).
//!   Every later occurrence of a value already found is redacted the same way.

use crate::analysis::spoken::{self, Scan, Value};
use crate::stt::Transcript;

use super::PiiKind;

/// One piece of personal data in one segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PiiSpan {
    /// Index of the segment.
    pub segment: usize,
    /// Byte span in the segment's text.
    pub start: usize,
    /// End of the byte span (exclusive).
    pub end: usize,
    /// What kind of data it is.
    pub kind: PiiKind,
    /// Normalised value: digits, ISO date, lowercase e-mail, written address.
    pub value: String,
}

const CARD_WORDS: &[&str] = &["card", "visa", "mastercard", "amex", "discover", "credit", "debit"];
const EXPIRY_WORDS: &[&str] = &["expiration", "expiry", "expires", "exp", "security code", "cvv", "cvc", "three digit code"];
const SSN_WORDS: &[&str] = &["social", "ssn", "social security"];
const ACCOUNT_WORDS: &[&str] = &["account", "policy", "member", "routing", "subscriber", "customer id", "customer number", "iban", "sort code", "medicare", "medicaid", "license", "passport", "id number"];
const PHONE_WORDS: &[&str] = &["phone", "cell", "mobile", "call you", "reach you", "text", "callback", "telephone"];
const BIRTH_WORDS: &[&str] = &["birth", "born", "birthday", "dob"];
const TOLL_FREE: &[&str] = &["800", "888", "877", "866", "855", "844", "833"];

fn mentions_any(text_lower: &str, words: &[&str]) -> bool {
    words.iter().any(|w| {
        text_lower.match_indices(w).any(|(i, _)| {
            let before = text_lower[..i].chars().next_back();
            let after = text_lower[i + w.len()..].chars().next();
            !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(|c| c.is_alphabetic() && c != 's')
        })
    })
}

/// Whether a phone number is a toll-free business line (not personal data).
fn toll_free(digits: &str) -> bool {
    let area = if digits.len() == 11 { digits.get(1..4) } else { digits.get(0..3) };
    area.is_some_and(|a| TOLL_FREE.contains(&a))
}

/// Luhn checksum of a digit string.
pub fn luhn(digits: &str) -> bool {
    let mut sum = 0;
    for (i, c) in digits.chars().rev().enumerate() {
        let Some(mut d) = c.to_digit(10) else { return false };
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !digits.is_empty() && sum % 10 == 0
}

/// Find the personal data in every segment.
pub fn find(transcript: &Transcript, this_year: i32) -> Vec<PiiSpan> {
    let scans: Vec<Scan> = transcript.segments.iter().map(|s| spoken::scan(&s.text)).collect();
    let lower: Vec<String> = transcript.segments.iter().map(|s| s.text.to_lowercase()).collect();
    let mut found = Vec::new();
    for (i, seg) in transcript.segments.iter().enumerate() {
        let here = &lower[i];
        let prev = i.checked_sub(1).map_or("", |p| lower[p].as_str());
        // A date answers a date-of-birth question only when the previous turn asked one.
        let prev_asks = i.checked_sub(1).and_then(|p| transcript.segments.get(p)).is_some_and(|p| {
            p.speaker != seg.speaker && (p.text.contains('?') || p.speaker == crate::stt::Speaker::Agent)
        });
        let near = |words: &[&str]| mentions_any(here, words) || mentions_any(prev, words);
        let scan = &scans[i];
        for (n, m) in scan.mentions.iter().enumerate() {
            let labelled_other = matches!(m.value, Value::Number { .. } | Value::Identifier { .. })
                && not_personal_label(seg.text.get(..m.start).unwrap_or_default())
                && !m.digits().is_some_and(|d| (13..=19).contains(&d.len()) && luhn(&d));
            if labelled_other {
                continue;
            }
            let kind_value = match &m.value {
                Value::Email { address } => Some((PiiKind::Email, address.clone())),
                Value::Number { digits, .. } => number_kind(digits, &near, n == 0 || !prior_number(scan, n)),
                Value::Identifier { id } if id.len() >= 6 && near(ACCOUNT_WORDS) => Some((PiiKind::Account, id.clone())),
                Value::Date { date } => {
                    let before = seg.text.get(..m.start).unwrap_or_default().to_lowercase();
                    let before = before.as_str();
                    let asked = prev_asks && mentions_any(prev, BIRTH_WORDS) && !prior_date(scan, n);
                    let old = date.year.is_some_and(|y| y < this_year - 12);
                    (mentions_any(before, BIRTH_WORDS) || asked || old).then(|| (PiiKind::DateOfBirth, date.iso(this_year)))
                }
                _ => None,
            };
            let kind_value = kind_value.or_else(|| near(EXPIRY_WORDS).then(|| expiry(&m.value)).flatten());
            if let Some((kind, value)) = kind_value {
                found.push(PiiSpan { segment: i, start: m.start, end: m.end, kind, value });
            }
        }
        for a in spoken::addresses(&seg.text, scan) {
            found.retain(|f: &PiiSpan| !(f.segment == i && f.start >= a.start && f.end <= a.end));
            found.push(PiiSpan { segment: i, start: a.start, end: a.end, kind: PiiKind::Address, value: a.written });
        }
    }
    repeat_known_values(&scans, &mut found);
    found.sort_by_key(|f| (f.segment, f.start));
    found
}

/// Labels of numbers that identify a transaction, not a person.
const OTHER_LABELS: &[&str] = &[
    "case", "confirmation", "reference", "ticket", "order", "claim", "tracking", "application", "outage", "invoice", "quote",
    "booking", "reservation", "incident", "transaction", "approval", "receipt", "item", "model", "serial", "flight", "room",
];
const PERSONAL_LABELS: &[&str] = &["account", "policy", "member", "card", "social", "ssn", "phone", "cell", "routing", "subscriber", "license", "passport"];

/// Whether the nearest label in the few words before a number names a transaction ("case
/// number DSP-448210", "Order 88213467") rather than a person's account.
fn not_personal_label(before: &str) -> bool {
    let words: Vec<String> = before
        .split_whitespace()
        .rev()
        .take(6)
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase())
        .collect();
    for w in &words {
        if OTHER_LABELS.contains(&w.as_str()) {
            return true;
        }
        if PERSONAL_LABELS.contains(&w.as_str()) {
            return false;
        }
    }
    false
}

fn number_kind(digits: &str, near: &dyn Fn(&[&str]) -> bool, first_number: bool) -> Option<(PiiKind, String)> {
    let d = digits.to_string();
    let n = digits.len();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if (13..=19).contains(&n) && (luhn(digits) || near(CARD_WORDS)) {
        return Some((PiiKind::Card, d));
    }
    if near(SSN_WORDS) && (n == 9 || (n == 4 && first_number)) {
        return Some((PiiKind::Ssn, d));
    }
    let account_words = near(ACCOUNT_WORDS) && !near(PHONE_WORDS);
    if account_words && n >= 6 {
        return Some((PiiKind::Account, d));
    }
    if (n == 10 || (n == 11 && digits.starts_with('1'))) && !toll_free(digits) {
        return Some((PiiKind::Phone, d));
    }
    if n >= 8 || (n >= 6 && near(ACCOUNT_WORDS)) {
        return Some((PiiKind::Account, d));
    }
    None
}

/// Expiry dates and security codes said after card words: any number or date.
fn expiry(value: &Value) -> Option<(PiiKind, String)> {
    match value {
        Value::Number { digits, .. } if (2..=4).contains(&digits.len()) => Some((PiiKind::Card, digits.clone())),
        Value::Date { date } => Some((PiiKind::Card, format!("{:02}{:02}", date.month, date.day))),
        _ => None,
    }
}

fn prior_number(scan: &Scan, n: usize) -> bool {
    scan.mentions[..n].iter().any(|m| matches!(m.value, Value::Number { .. }))
}

fn prior_date(scan: &Scan, n: usize) -> bool {
    scan.mentions[..n].iter().any(|m| matches!(m.value, Value::Date { .. }))
}

/// A value already found is redacted wherever else it is said (read-backs, repeats).
fn repeat_known_values(scans: &[Scan], found: &mut Vec<PiiSpan>) {
    let known: Vec<(PiiKind, String)> = found.iter().filter(|f| f.kind != PiiKind::Address).map(|f| (f.kind, f.value.clone())).collect();
    for (i, scan) in scans.iter().enumerate() {
        for m in &scan.mentions {
            let value = match &m.value {
                Value::Number { digits, .. } if digits.len() >= 6 => digits.clone(),
                Value::Identifier { id } => id.clone(),
                Value::Email { address } => address.clone(),
                _ => continue,
            };
            let Some((kind, _)) = known.iter().find(|(_, v)| *v == value) else { continue };
            let covered = found.iter().any(|f| f.segment == i && f.start < m.end && m.start < f.end);
            if !covered {
                found.push(PiiSpan { segment: i, start: m.start, end: m.end, kind: *kind, value });
            }
        }
    }
}
