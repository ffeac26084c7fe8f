//! The redaction's number rules on short calls written for these tests.

use super::*;
use crate::stt::{Segment, Speaker};

/// Agent and customer taking turns, one segment each.
fn call(turns: &[&str]) -> Transcript {
    let segments = turns
        .iter()
        .enumerate()
        .map(|(i, text)| Segment {
            start_ms: i as u64 * 3000,
            end_ms: i as u64 * 3000 + 2500,
            speaker: if i % 2 == 0 { Speaker::Agent } else { Speaker::Customer },
            text: (*text).to_string(),
            confidence: 1.0,
        })
        .collect();
    Transcript { segments, duration_ms: turns.len() as u64 * 3000 }
}

fn found(turns: &[&str]) -> Vec<(PiiKind, String)> {
    find(&call(turns), 2025).into_iter().map(|f| (f.kind, f.value)).collect()
}

#[test]
fn a_pin_named_before_it_or_asked_for_is_personal_data() {
    let named = found(&["Anything else?", "The account is in my name, and the PIN is one one two two."]);
    assert!(named.contains(&(PiiKind::Pin, "1122".into())), "{named:?}");
    let answered = found(&["Can you give me the PIN on the account?", "Two seven one nine."]);
    assert_eq!(answered, [(PiiKind::Pin, "2719".into())]);
}

#[test]
fn the_last_four_of_a_social_after_an_address_is_still_the_social() {
    let said = found(&[
        "Can I get the property address and the last four of your social?",
        "It's 18 Alder Lane, and the last four is eight eight one zero.",
    ]);
    assert!(said.contains(&(PiiKind::Ssn, "8810".into())), "{said:?}");
}

#[test]
fn numbers_that_only_share_a_turn_with_the_word_pin_are_left_alone() {
    let said = found(&["Let me pin down the order.", "Sure, I ordered 1200 units on March 4."]);
    assert!(said.iter().all(|(kind, _)| *kind != PiiKind::Pin), "{said:?}");
}

#[test]
fn a_number_read_back_before_a_question_about_the_social_is_not_the_social() {
    let said = found(&[
        "Can I get the loan number?",
        "It's three zero zero, seven one four, two two nine.",
        "Three zero zero, seven one four, two two nine. And the last four of the borrower's social?",
    ]);
    assert!(said.iter().all(|(kind, _)| *kind != PiiKind::Ssn), "{said:?}");
    let social = found(&["How can I help?", "It's 123-45-6789, that's my social."]);
    assert!(social.contains(&(PiiKind::Ssn, "123456789".into())), "{social:?}");
}

#[test]
fn every_number_answering_a_question_about_the_social_is_the_social_however_misheard() {
    // Whisper's hearing of "zero four five five": two groups, one digit too many.
    let said = found(&["Thank you. And the last four of your social?", "104, 55", "You're verified. What's the best number for you?", "312-555-0189."]);
    assert!(said.contains(&(PiiKind::Ssn, "104".into())) || said.contains(&(PiiKind::Ssn, "10455".into())), "{said:?}");
    assert!(said.iter().filter(|(k, _)| *k == PiiKind::Ssn).all(|(_, v)| v.starts_with("104")), "{said:?}");
    assert!(said.contains(&(PiiKind::Phone, "3125550189".into())), "the next answer is not the social: {said:?}");
    let redacted = crate::analysis::redact::redact_with_year(&call(&["Thank you. And the last four of your social?", "104, 55"]), 2025).transcript.plain_text();
    assert!(!redacted.contains("104") && !redacted.contains("55"), "{redacted}");
}
