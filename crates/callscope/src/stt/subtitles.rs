//! Transcript exports as subtitles: SubRip (SRT) and WebVTT, with speaker labels.

use std::fmt::Write;

use super::Transcript;

fn clock(ms: u64, decimal: char) -> String {
    let (h, rest) = (ms / 3_600_000, ms % 3_600_000);
    let (m, rest) = (rest / 60_000, rest % 60_000);
    let (s, ms) = (rest / 1000, rest % 1000);
    format!("{h:02}:{m:02}:{s:02}{decimal}{ms:03}")
}

fn cue_text(speaker: &str, text: &str) -> String {
    // A blank line ends a cue in both formats; keep each cue's text on one line.
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("{speaker}: {one_line}")
}

/// The transcript as SubRip subtitles.
pub fn to_srt(transcript: &Transcript) -> String {
    let mut out = String::new();
    for (i, s) in transcript.segments.iter().enumerate() {
        let _ = write!(
            out,
            "{}\n{} --> {}\n{}\n\n",
            i + 1,
            clock(s.start_ms, ','),
            clock(s.end_ms.max(s.start_ms), ','),
            cue_text(s.speaker.label(), &s.text)
        );
    }
    out
}

/// The transcript as WebVTT subtitles, speakers as voice tags.
pub fn to_vtt(transcript: &Transcript) -> String {
    let mut out = String::from("WEBVTT\n\n");
    for s in &transcript.segments {
        let text = s.text.split_whitespace().collect::<Vec<_>>().join(" ").replace('<', "&lt;").replace("-->", "→");
        let _ = write!(
            out,
            "{} --> {}\n<v {}>{}\n\n",
            clock(s.start_ms, '.'),
            clock(s.end_ms.max(s.start_ms), '.'),
            s.speaker.label(),
            text
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stt::{Segment, Speaker};

    fn sample() -> Transcript {
        Transcript {
            duration_ms: 3_725_500,
            segments: vec![Segment {
                start_ms: 3_723_004,
                end_ms: 3_725_500,
                speaker: Speaker::Agent,
                text: "Hello,\n\nhow can I help?".into(),
                confidence: 0.9,
            }],
        }
    }

    #[test]
    fn srt_cues_are_numbered_with_comma_milliseconds_and_one_line_of_text() {
        assert_eq!(to_srt(&sample()), "1\n01:02:03,004 --> 01:02:05,500\nagent: Hello, how can I help?\n\n");
    }

    #[test]
    fn vtt_has_its_header_and_voice_tags() {
        assert_eq!(to_vtt(&sample()), "WEBVTT\n\n01:02:03.004 --> 01:02:05.500\n<v agent>Hello, how can I help?\n\n");
    }
}
