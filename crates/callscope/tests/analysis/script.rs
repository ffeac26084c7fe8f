use callscope::stt::{Segment, Speaker, Transcript};

/// A transcript from (speaker, text) lines: "a" is the agent, anything else the customer.
pub fn transcript(lines: &[(&str, &str)]) -> Transcript {
    let mut t = 0;
    let segments = lines
        .iter()
        .map(|(who, text)| {
            let speaker = if *who == "a" { Speaker::Agent } else { Speaker::Customer };
            let start = t;
            t += 3000;
            Segment { start_ms: start, end_ms: t - 200, speaker, text: (*text).to_string(), confidence: 0.9 }
        })
        .collect();
    Transcript { segments, duration_ms: t }
}
