//! A call as a model reads it: the day it was recorded (dates said without a year belong near
//! it), a note on the placeholders redaction left, and the numbered, speaker-labelled turns.

use crate::llm::CallInput;
use crate::stt::Speaker;

/// The call's text for a question.
pub(super) fn call_text(call: CallInput<'_>) -> String {
    let date = call.recorded_on;
    let mut out = format!(
        "Recorded on {date} ({}); a date said without a year is the one nearest to that day. Placeholders such as \
         [CARD_1] replace personal data, the same value always with the same placeholder.\n\n\
         Transcript (turn number, speaker, words):\n",
        date.weekday()
    );
    for (i, segment) in call.transcript.segments.iter().enumerate() {
        let text = segment.text.trim();
        if text.is_empty() {
            continue;
        }
        let speaker = match segment.speaker {
            Speaker::Agent => "Agent",
            Speaker::Customer => "Customer",
            Speaker::Unknown => "Speaker",
        };
        out.push_str(&format!("[{i}] {speaker}: {text}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stt::{Segment, Transcript};

    #[test]
    fn turns_are_numbered_by_segment_and_the_recording_day_is_named() {
        let segment = |speaker, text: &str| Segment { start_ms: 0, end_ms: 1, speaker, text: text.into(), confidence: 1.0 };
        let transcript = Transcript {
            segments: vec![segment(Speaker::Agent, "Hello."), segment(Speaker::Customer, "  "), segment(Speaker::Customer, "Hi, it's about my order.")],
            duration_ms: 1,
        };
        let recorded_on = time::Date::from_calendar_date(2025, time::Month::November, 14).expect("a date");
        let text = call_text(CallInput { transcript: &transcript, recorded_on });
        assert!(text.contains("Recorded on 2025-11-14 (Friday)"), "{text}");
        assert!(text.ends_with("[0] Agent: Hello.\n[2] Customer: Hi, it's about my order.\n"), "{text}");
    }
}
