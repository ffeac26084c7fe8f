//! Personal data out of a call's free text before it is exported.

use crate::analysis::redact::{redact_transcript, redact_with_year};
use crate::call::CallAnalysis;
use crate::stt::{Segment, Speaker, Transcript};

/// The call with personal data in its transcript, summary, call reason and follow-ups replaced
/// by placeholders. Text already redacted by the analysis comes back unchanged.
pub fn redacted(call: &CallAnalysis) -> CallAnalysis {
    let mut out = call.clone();
    // Dates of birth are recognised by age, so the call's own year is the reference.
    let year = call
        .created_at
        .get(..4)
        .and_then(|y| y.parse::<i32>().ok());
    let redact = |transcript: &Transcript| match year {
        Some(year) => redact_with_year(transcript, year).transcript,
        None => redact_transcript(transcript).transcript,
    };
    let free_text = |text: &str| -> String {
        if text.trim().is_empty() {
            return text.to_string();
        }
        let one = Transcript {
            segments: vec![Segment {
                start_ms: 0,
                end_ms: 0,
                speaker: Speaker::Unknown,
                text: text.to_string(),
                confidence: 1.0,
            }],
            duration_ms: 0,
        };
        redact(&one)
            .segments
            .into_iter()
            .next()
            .map(|s| s.text)
            .unwrap_or_default()
    };

    if call.transcription.segments.is_empty() {
        out.transcription.text = free_text(&call.transcription.text);
    } else {
        let whole = Transcript {
            segments: call.transcription.segments.clone(),
            duration_ms: call.duration_ms,
        };
        out.transcription.segments = redact(&whole).segments;
        out.transcription.text = out
            .transcription
            .segments
            .iter()
            .map(|s| s.text.as_str())
            .collect::<Vec<_>>()
            .join(" ");
    }
    out.summary = free_text(&call.summary);
    out.general.call_reason = free_text(&call.general.call_reason);
    out.general.follow_up_actions = call
        .general
        .follow_up_actions
        .iter()
        .map(|a| free_text(a))
        .collect();
    out
}
