//! The offline provider on short calls written for these tests (not taken from any call set):
//! the day of recording, question-driven slots, stated facts, names and the fallback detection.

use serde_json::{json, Value as Json};

use super::OfflineProvider;
use crate::call::{Detection, ExtractionPrompt, Findings};
use crate::llm::{CallInput, LlmProvider};
use crate::stt::{Segment, Speaker, Transcript};

/// A transcript from (speaker, text) turns, 3 s apart.
fn call(turns: &[(Speaker, &str)]) -> Transcript {
    let segments: Vec<Segment> = turns
        .iter()
        .enumerate()
        .map(|(i, (speaker, text))| Segment { start_ms: i as u64 * 3000, end_ms: i as u64 * 3000 + 2500, speaker: *speaker, text: text.to_string(), confidence: 1.0 })
        .collect();
    let duration_ms = segments.last().map_or(0, |s| s.end_ms + 500);
    Transcript { segments, duration_ms }
}

fn day(year: i32, month: time::Month, day: u8) -> time::Date {
    time::Date::from_calendar_date(year, month, day).expect("a real day")
}

/// Detect, build the pair's schema and analyse, as the pipeline does, for a call recorded on `recorded_on`.
fn analyse(transcript: &Transcript, recorded_on: time::Date) -> (Detection, ExtractionPrompt, Findings) {
    let provider = OfflineProvider::new();
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("a runtime");
    let input = CallInput { transcript, recorded_on };
    let detection = runtime.block_on(provider.detect(input, &super::builtin_catalog())).expect("offline detection").value;
    let prompt = runtime.block_on(provider.generate_prompt(&detection.domain, &detection.category, input)).expect("offline schema").value;
    let findings = runtime.block_on(provider.analyze(input, &prompt)).expect("offline analysis").value;
    (detection, prompt, findings)
}

fn holds(findings: &Findings, value: &Json) -> bool {
    findings.fields.values().any(|v| v == value)
}

use Speaker::{Agent, Customer};

#[test]
fn a_date_said_without_a_year_takes_the_year_the_call_was_recorded() {
    let t = call(&[
        (Agent, "Thanks for calling Northgate Dental, this is Priscilla. How can I help?"),
        (Customer, "Hi, I need to move my cleaning appointment."),
        (Agent, "Sure. What day works better for you?"),
        (Customer, "December fifteenth, in the morning if you can."),
        (Agent, "I have December fifteenth at nine thirty. You're all set."),
    ]);
    let (_, _, in_2025) = analyse(&t, day(2025, time::Month::March, 2));
    assert!(holds(&in_2025, &json!("2025-12-15")), "{:?}", in_2025.fields);
    let (_, _, in_2023) = analyse(&t, day(2023, time::Month::October, 20));
    assert!(holds(&in_2023, &json!("2023-12-15")), "{:?}", in_2023.fields);
}

#[test]
fn an_answer_fills_the_slot_the_question_named_with_the_speakers_correction() {
    let t = call(&[
        (Agent, "Welcome to Skyhaven Air customer care, my name is Lionel. What can I do for you today?"),
        (Customer, "Hi Lionel, I'd like to change my flight to a later one."),
        (Agent, "No problem. What's the flight number?"),
        (Customer, "It's flight six two eight. Sorry, six two nine."),
        (Agent, "Six two nine, got it. And can I get the booking reference?"),
        (Customer, "Sure, it's Q as in queen, T, four four, R, seven."),
        (Agent, "Q T four four R seven. The change fee comes to sixty-five dollars."),
    ]);
    let (_, _, found) = analyse(&t, day(2025, time::Month::May, 9));
    assert_eq!(found.fields.get("flight_number"), Some(&json!("629")), "{:?}", found.fields);
    assert!(holds(&found, &json!("QT44R7")), "the spelled booking reference: {:?}", found.fields);
    assert!(holds(&found, &json!(65.0)), "the fee the agent stated: {:?}", found.fields);
}

#[test]
fn a_stated_case_number_is_named_by_its_words_and_a_birth_date_is_left_out() {
    let t = call(&[
        (Agent, "Payroll services, Cormac speaking."),
        (Customer, "Hi Cormac, my paycheck never showed up this week."),
        (Agent, "I'm sorry to hear that. Can I have your employee ID and date of birth?"),
        (Customer, "Employee ID is five five zero one nine two, and I was born March third, nineteen eighty."),
        (Agent, "Thank you. I've opened a case for you. Your case number is P Y four zero eight eight one."),
    ]);
    let (_, _, found) = analyse(&t, day(2025, time::Month::July, 1));
    assert_eq!(found.fields.get("case_number"), Some(&json!("PY40881")), "{:?}", found.fields);
    assert!(holds(&found, &json!("550192")), "the employee id: {:?}", found.fields);
    let all = serde_json::to_string(&found.fields).unwrap();
    assert!(!all.contains("1980"), "a date of birth is not a field: {all}");
}

#[test]
fn the_agent_and_a_spelled_customer_name_come_from_introductions() {
    let t = call(&[
        (Agent, "Good afternoon, Brookline Water, my name is Theodora. Who am I speaking with?"),
        (Customer, "This is Ramona Quist. That's Q U I S T."),
        (Agent, "Thank you, Ms. Quist. What can I do for you?"),
        (Customer, "My water bill doubled this month and I don't know why."),
    ]);
    let (_, _, found) = analyse(&t, day(2025, time::Month::August, 12));
    assert_eq!(found.general.agent_name.as_deref(), Some("Theodora"));
    assert_eq!(found.general.customer_name.as_deref(), Some("Ramona Quist"));
}

#[test]
fn a_call_with_no_known_vocabulary_is_general_with_low_confidence() {
    let t = call(&[
        (Agent, "Hello, thanks for calling, this is Wren."),
        (Customer, "Hi, I'd like to ask about the schedule for the community garden plots."),
        (Agent, "Of course. The plots open on the first of April."),
    ]);
    let (detection, _, _) = analyse(&t, day(2025, time::Month::February, 3));
    assert_eq!(detection.domain, "general", "{detection:?}");
    assert!(detection.confidence <= 0.5, "{detection:?}");
}
