//! PII/PCI redaction before anything leaves the machine: card numbers, SSNs, phone numbers,
//! e-mails, dates of birth, account numbers and street addresses are replaced by typed,
//! numbered placeholders such as `[CARD_1]` or `[ACCOUNT_2]`.
//!
//! Numbering: the same value gets the same placeholder everywhere in the call (a read-back of
//! a card number is `[CARD_1]` again), so a remote model can refer to it and the answer can be
//! re-hydrated locally with `rehydrate`. `originals` holds what was said and `values` the
//! normalised value per placeholder; both stay in memory and are never stored or sent.

mod detect;
mod loose_address;

use std::collections::BTreeMap;

use crate::call::Redaction;
use crate::stt::Transcript;

pub use detect::{find, luhn, PiiSpan};

/// Kinds of personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PiiKind {
    /// Payment card number, expiry date or security code.
    Card,
    /// Social Security number, whole or its last four digits.
    Ssn,
    /// Personal phone number (toll-free business lines are not).
    Phone,
    /// E-mail address.
    Email,
    /// Date of birth.
    DateOfBirth,
    /// Account, policy, member or similar personal number.
    Account,
    /// Street address.
    Address,
    /// PIN, passcode or verbal password of an account.
    Pin,
}

impl PiiKind {
    /// The label stored in `Redaction::kind`.
    pub fn label(self) -> &'static str {
        match self {
            PiiKind::Card => "card",
            PiiKind::Ssn => "ssn",
            PiiKind::Phone => "phone",
            PiiKind::Email => "email",
            PiiKind::DateOfBirth => "date_of_birth",
            PiiKind::Account => "account_number",
            PiiKind::Address => "address",
            PiiKind::Pin => "pin",
        }
    }

    /// The placeholder tag: `CARD`, `SSN`, `PHONE`, `EMAIL`, `DOB`, `ACCOUNT`, `ADDRESS`, `PIN`.
    pub fn tag(self) -> &'static str {
        match self {
            PiiKind::Card => "CARD",
            PiiKind::Ssn => "SSN",
            PiiKind::Phone => "PHONE",
            PiiKind::Email => "EMAIL",
            PiiKind::DateOfBirth => "DOB",
            PiiKind::Account => "ACCOUNT",
            PiiKind::Address => "ADDRESS",
            PiiKind::Pin => "PIN",
        }
    }
}

/// A transcript with personal data replaced, and what was replaced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RedactedTranscript {
    /// The same segments and timings, with placeholders in the text.
    pub transcript: Transcript,
    /// One entry per replaced span: kind and the segment's start time.
    pub redactions: Vec<Redaction>,
    /// Placeholder (`[CARD_1]`) → the words said, for local re-hydration only.
    pub originals: BTreeMap<String, String>,
    /// Placeholder → normalised value (digits, ISO date, e-mail, written address).
    pub values: BTreeMap<String, String>,
}

/// Redact a transcript. Dates of birth are also recognised by age: a full date more than
/// twelve years before the current year.
pub fn redact_transcript(transcript: &Transcript) -> RedactedTranscript {
    redact_with_year(transcript, crate::analysis::spoken::current_year())
}

/// Redact a transcript recorded in `year`.
pub fn redact_with_year(transcript: &Transcript, year: i32) -> RedactedTranscript {
    let spans = find(transcript, year);
    let mut out = RedactedTranscript { transcript: transcript.clone(), ..Default::default() };
    let mut numbers: BTreeMap<PiiKind, usize> = BTreeMap::new();
    let mut by_value: BTreeMap<(PiiKind, String), String> = BTreeMap::new();
    for (index, segment) in out.transcript.segments.iter_mut().enumerate() {
        let original = segment.text.clone();
        let mut text = String::with_capacity(original.len());
        let mut pos = 0;
        for span in spans.iter().filter(|s| s.segment == index) {
            if span.start < pos || span.end > original.len() {
                continue;
            }
            let placeholder = by_value
                .entry((span.kind, span.value.clone()))
                .or_insert_with(|| {
                    let n = numbers.entry(span.kind).or_insert(0);
                    *n += 1;
                    format!("[{}_{}]", span.kind.tag(), n)
                })
                .clone();
            text.push_str(&original[pos..span.start]);
            text.push_str(&placeholder);
            pos = span.end;
            out.originals.entry(placeholder.clone()).or_insert_with(|| original[span.start..span.end].to_string());
            out.values.entry(placeholder).or_insert_with(|| span.value.clone());
            out.redactions.push(Redaction { kind: span.kind.label().to_string(), start_ms: segment.start_ms });
        }
        text.push_str(&original[pos..]);
        segment.text = text;
    }
    out
}

/// Put the original words back into a text that contains placeholders (e.g. a remote
/// model's summary).
pub fn rehydrate(text: &str, originals: &BTreeMap<String, String>) -> String {
    let mut out = text.to_string();
    for (placeholder, original) in originals {
        out = out.replace(placeholder, original);
    }
    out
}
