//! Finding personal and payment data in a transcript's segments, spoken or written.
//!
//! Rules, per value found by `spoken::scan`:
//! - 13–19 digits: a card number when it passes the Luhn check or card words are near
//!   (this or the previous turn); the expiry date and security code said after card words too.
//! - 9 digits near "social"/"SSN", or any digits answering a question about the SSN
//!   ("the last four of your social") are an SSN; so are four digits said right after "last
//!   four" near SSN words, wherever they fall in the turn.
//! - 4–8 digits said right after "PIN"/"passcode", or first in a turn answering a question
//!   about one, are a PIN.
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

use super::loose_address::loose_addresses;
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
const PIN_WORDS: &[&str] = &["pin", "passcode", "pass code", "pin number", "verbal password", "security pin"];
/// Words before a number that say it is the last digits of something ("the last four is …").
const LAST_DIGITS_WORDS: &[&str] = &["last four", "last 4", "final four"];
/// How many words before a number its label may be ("the PIN is one one two two").
const LABEL_WINDOW_WORDS: usize = 4;
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

/// Find the personal data in every segment. Detection reads whole speaker turns
/// (`analysis::turns`), so a value Whisper split over two segments is found; a span that
/// crosses a segment boundary is returned as one span per segment.
pub fn find(transcript: &Transcript, this_year: i32) -> Vec<PiiSpan> {
    let (joined, turns) = crate::analysis::turns::join_turns(transcript);
    let mut out = Vec::new();
    for span in find_in_segments(&joined, this_year) {
        let Some(turn) = turns.get(span.segment) else { continue };
        for (segment, start, end) in turn.split_span(transcript, span.start, span.end) {
            out.push(PiiSpan { segment, start, end, kind: span.kind, value: span.value.clone() });
        }
    }
    out.sort_by_key(|f| (f.segment, f.start));
    out
}

/// Find the personal data in every segment, one segment at a time.
fn find_in_segments(transcript: &Transcript, this_year: i32) -> Vec<PiiSpan> {
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
        // A PIN is asked for with a question ("What's the PIN on the account?").
        let pin_asked = prev_asks && prev.contains('?') && mentions_any(prev, PIN_WORDS);
        // Any digits answering "the last four of your social?" are the social, however many the
        // recogniser heard ("104, 55" for zero four five five).
        let social_asked = prev_asks && mentions_any(prev, SSN_WORDS);
        // A card already given in this call makes later long digit runs card digits too.
        let card_before = found.iter().any(|f: &PiiSpan| f.kind == PiiKind::Card && f.value.len() >= 13);
        let near = |words: &[&str]| mentions_any(here, words) || mentions_any(prev, words) || (card_before && words == CARD_WORDS);
        let scan = &scans[i];
        let cards = card_groups(&seg.text, scan, &near);
        for (first, last, digits) in &cards {
            let (start, end) = (scan.mentions[*first].start, scan.mentions[*last].end);
            found.push(PiiSpan { segment: i, start, end, kind: PiiKind::Card, value: digits.clone() });
        }
        for (n, m) in scan.mentions.iter().enumerate() {
            if cards.iter().any(|(first, last, _)| (*first..=*last).contains(&n)) {
                continue;
            }
            let labelled_other = matches!(m.value, Value::Number { .. } | Value::Identifier { .. })
                && not_personal_label(seg.text.get(..m.start).unwrap_or_default())
                && !m.digits().is_some_and(|d| (13..=19).contains(&d.len()) && luhn(&d));
            if labelled_other {
                continue;
            }
            let kind_value = match &m.value {
                Value::Email { address } => Some((PiiKind::Email, address.clone())),
                Value::Number { digits, .. } => {
                    let labelled = |words: &[&str]| label_before(seg.text.get(..m.start).unwrap_or_default(), words);
                    let first_number = n == 0 || !prior_number(scan, n);
                    let pin = (4..=8).contains(&digits.len()) && (labelled(PIN_WORDS) || (first_number && pin_asked));
                    // Social words count before the number, in the previous turn, or after it in
                    // its own sentence ("…, that's my social"): a read-back followed by "and the
                    // last four of your social?" is not the social.
                    let text = seg.text.as_str();
                    let before = text.get(..m.start).unwrap_or_default().to_lowercase();
                    let rest = text.get(m.end..).unwrap_or_default();
                    let sentence_after = rest.get(..rest.find(['.', '?', '!']).unwrap_or(rest.len())).unwrap_or_default().to_lowercase();
                    let about_social = mentions_any(&before, SSN_WORDS) || mentions_any(prev, SSN_WORDS) || mentions_any(&sentence_after, SSN_WORDS);
                    let all_digits = digits.chars().all(|c| c.is_ascii_digit());
                    if pin && all_digits {
                        Some((PiiKind::Pin, digits.clone()))
                    } else if social_asked && all_digits && digits.len() <= 9 {
                        Some((PiiKind::Ssn, digits.clone()))
                    } else {
                        number_kind(digits, &near, first_number, &labelled, about_social)
                    }
                }
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
        let mut addresses: Vec<(usize, usize, String)> = spoken::addresses(&seg.text, scan).into_iter().map(|a| (a.start, a.end, a.written)).collect();
        for loose in loose_addresses(&seg.text, scan) {
            if !addresses.iter().any(|(s, e, _)| *s < loose.1 && loose.0 < *e) {
                addresses.push(loose);
            }
        }
        for (start, end, written) in addresses {
            found.retain(|f: &PiiSpan| !(f.segment == i && f.start < end && start < f.end));
            found.push(PiiSpan { segment: i, start, end, kind: PiiKind::Address, value: written });
        }
    }
    repeat_known_values(&scans, &mut found);
    card_group_readbacks(&scans, &mut found);
    found.sort_by_key(|f| (f.segment, f.start));
    found
}

/// Card numbers said in groups that the scanner kept apart ("541-2-7534-1122-8807",
/// "4532, 7718, 0064, 9134"): consecutive numbers with only spaces, commas, dashes or dots
/// between them whose digits together are 13–19 long, and pass the Luhn check or are said
/// near card words. Returns (first mention, last mention, digits).
fn card_groups(text: &str, scan: &Scan, near: &dyn Fn(&[&str]) -> bool) -> Vec<(usize, usize, String)> {
    let number = |n: usize| match &scan.mentions[n].value {
        Value::Number { digits, .. } if digits.chars().all(|c| c.is_ascii_digit()) => Some(digits.clone()),
        _ => None,
    };
    let card_words = near(CARD_WORDS);
    let mut out = Vec::new();
    let mut n = 0;
    while n < scan.mentions.len() {
        let Some(mut digits) = number(n) else {
            n += 1;
            continue;
        };
        let mut best = None;
        let mut k = n;
        while k + 1 < scan.mentions.len() && digits.len() < 19 {
            let gap = text.get(scan.mentions[k].end..scan.mentions[k + 1].start).unwrap_or("x");
            let Some(next) = number(k + 1).filter(|_| gap.chars().all(|c| c.is_whitespace() || matches!(c, ',' | '-' | '.'))) else { break };
            digits.push_str(&next);
            k += 1;
            if (13..=19).contains(&digits.len()) && (luhn(&digits) || card_words) {
                best = Some((k, digits.clone()));
            }
        }
        match best {
            Some((last, d)) => {
                out.push((n, last, d));
                n = last + 1;
            }
            None => n += 1,
        }
    }
    out
}

/// Four-digit groups of a card number already found, read back or corrected later, are
/// redacted as that card (its last four may stay: they are routinely said).
fn card_group_readbacks(scans: &[Scan], found: &mut Vec<PiiSpan>) {
    let cards: Vec<(usize, String)> = found.iter().filter(|f| f.kind == PiiKind::Card && f.value.len() >= 13).map(|f| (f.segment, f.value.clone())).collect();
    for (i, scan) in scans.iter().enumerate() {
        let group_of = |digits: &str| {
            cards.iter().find(|(seg, card)| *seg <= i && card.as_bytes()[..card.len() - 4].chunks(4).any(|g| g == digits.as_bytes()))
        };
        let four = |m: &spoken::Mention| match &m.value {
            Value::Number { digits, .. } if digits.len() == 4 => Some(digits.clone()),
            _ => None,
        };
        // A correction names a group of the card next to its replacement ("the third group
        // is 0064, not 0046"): every four-digit number in that turn is card digits.
        let Some((_, card)) = scan.mentions.iter().filter_map(four).find_map(|d| group_of(&d)) else { continue };
        for m in &scan.mentions {
            let Some(digits) = four(m) else { continue };
            if card.ends_with(&digits) {
                continue;
            }
            let covered = found.iter().any(|f| f.segment == i && f.start < m.end && m.start < f.end);
            if !covered {
                found.push(PiiSpan { segment: i, start: m.start, end: m.end, kind: PiiKind::Card, value: card.clone() });
            }
        }
    }
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

/// Whether one of `words` is said in the last few words of `before` (the text before a number).
fn label_before(before: &str, words: &[&str]) -> bool {
    let tail: Vec<&str> = before.split_whitespace().rev().take(LABEL_WINDOW_WORDS).collect();
    let tail: String = tail.into_iter().rev().collect::<Vec<_>>().join(" ").to_lowercase();
    mentions_any(&tail, words)
}

fn number_kind(
    digits: &str,
    near: &dyn Fn(&[&str]) -> bool,
    first_number: bool,
    labelled: &dyn Fn(&[&str]) -> bool,
    about_social: bool,
) -> Option<(PiiKind, String)> {
    let d = digits.to_string();
    let n = digits.len();
    if !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if (13..=19).contains(&n) && (luhn(digits) || near(CARD_WORDS)) {
        return Some((PiiKind::Card, d));
    }
    if about_social && (n == 9 || (n == 4 && (first_number || labelled(LAST_DIGITS_WORDS)))) {
        return Some((PiiKind::Ssn, d));
    }
    let account_words = near(ACCOUNT_WORDS) && !near(PHONE_WORDS);
    if account_words && n >= 6 {
        return Some((PiiKind::Account, d));
    }
    if (n == 10 || (n == 11 && digits.starts_with('1'))) && !toll_free(digits) {
        return Some((PiiKind::Phone, d));
    }
    // A callback number with a digit lost or misheard ("312-555-018-I-N").
    if (9..=11).contains(&n) && near(PHONE_WORDS) && !near(ACCOUNT_WORDS) && !toll_free(digits) {
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

#[cfg(test)]
#[path = "detect_tests.rs"]
mod tests;
