//! Joining a recogniser's segments into speaker turns.
//!
//! Whisper cuts one speaker's turn into several segments, often in the middle of a value
//! ("B, E, N." / "2025." / "4481."; "February 14," / "1941."). Extraction and PII detection
//! read whole turns: consecutive segments of the same labelled speaker (agent or customer,
//! nobody else in between) are joined with a space. `parts` maps every byte of a joined turn
//! back to its segment, so spans found in a turn can be written into the right segments.

use crate::stt::{Speaker, Transcript};

/// One joined turn: which segments it is made of and where each starts in its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JoinedTurn {
    /// (segment index, byte offset of that segment's text in the joined text), in order.
    pub parts: Vec<(usize, usize)>,
}

impl JoinedTurn {
    /// Split the byte span `start..end` of the joined text into per-segment spans:
    /// (segment, start, end) in that segment's own text. The joining spaces are dropped.
    pub fn split_span(&self, transcript: &Transcript, start: usize, end: usize) -> Vec<(usize, usize, usize)> {
        let mut out = Vec::new();
        for &(segment, offset) in &self.parts {
            let len = transcript.segments[segment].text.len();
            let (s, e) = (start.max(offset), end.min(offset + len));
            if s < e {
                out.push((segment, s - offset, e - offset));
            }
        }
        out
    }
}

/// Join consecutive same-speaker segments. Returns the joined transcript (one segment per
/// turn, starting at its first segment's start and ending at its last one's end) and, per
/// joined segment, its parts. Segments of an unknown speaker are never joined.
pub fn join_turns(transcript: &Transcript) -> (Transcript, Vec<JoinedTurn>) {
    let mut joined = Transcript { segments: Vec::new(), ..transcript.clone() };
    let mut turns: Vec<JoinedTurn> = Vec::new();
    for (i, seg) in transcript.segments.iter().enumerate() {
        let text = seg.text.trim_end();
        let continues = seg.speaker != Speaker::Unknown
            && joined.segments.last().is_some_and(|last| last.speaker == seg.speaker && !last.text.is_empty());
        if continues {
            let last = joined.segments.last_mut().expect("checked above");
            let turn = turns.last_mut().expect("one per joined segment");
            last.text.push(' ');
            turn.parts.push((i, last.text.len()));
            last.text.push_str(text);
            last.end_ms = last.end_ms.max(seg.end_ms);
            last.confidence = last.confidence.min(seg.confidence);
        } else {
            let mut s = seg.clone();
            s.text = text.to_string();
            joined.segments.push(s);
            turns.push(JoinedTurn { parts: vec![(i, 0)] });
        }
    }
    (joined, turns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::redact::redact_with_year;
    use crate::analysis::spoken::{scan, Value};
    use crate::stt::Segment;

    fn transcript(turns: &[(Speaker, &str)]) -> Transcript {
        let segments = turns
            .iter()
            .enumerate()
            .map(|(i, (speaker, text))| Segment { start_ms: i as u64 * 1000, end_ms: i as u64 * 1000 + 900, speaker: *speaker, text: text.to_string(), confidence: 1.0 })
            .collect();
        Transcript { segments, duration_ms: turns.len() as u64 * 1000 }
    }

    fn money(text: &str) -> Vec<f64> {
        scan(text).mentions.into_iter().filter_map(|m| match m.value { Value::Money { amount } => Some(amount), _ => None }).collect()
    }

    fn emails(text: &str) -> Vec<String> {
        scan(text).mentions.into_iter().filter_map(|m| match m.value { Value::Email { address } => Some(address), _ => None }).collect()
    }

    #[test]
    fn same_speaker_segments_join_and_spans_split_back() {
        let t = transcript(&[(Speaker::Agent, "Your date of birth?"), (Speaker::Customer, "February 14,"), (Speaker::Customer, "1941."), (Speaker::Agent, "Thanks.")]);
        let (joined, turns) = join_turns(&t);
        assert_eq!(joined.segments.len(), 3);
        assert_eq!(joined.segments[1].text, "February 14, 1941.");
        assert_eq!(joined.segments[1].end_ms, t.segments[2].end_ms);
        assert_eq!(turns[1].split_span(&t, 0, 17), vec![(1, 0, 12), (2, 0, 4)]);
    }

    #[test]
    fn a_value_split_over_segments_is_redacted_in_each() {
        let t = transcript(&[(Speaker::Agent, "Your date of birth?"), (Speaker::Customer, "February 14,"), (Speaker::Customer, "1941.")]);
        let r = redact_with_year(&t, 2025);
        assert_eq!(r.transcript.segments[1].text, "[DOB_1]");
        assert_eq!(r.transcript.segments[2].text, "[DOB_1].");
        assert_eq!(r.values.get("[DOB_1]").map(String::as_str), Some("1941-02-14"));
        assert_eq!(r.transcript.segments[2].start_ms, 2000);
    }

    #[test]
    fn card_groups_the_scanner_kept_apart_are_one_card_and_read_backs_are_redacted() {
        let t = transcript(&[
            (Speaker::Agent, "Do you have the card number?"),
            (Speaker::Customer, "It's 541-2-7534-1122-8807."),
            (Speaker::Customer, "Sorry, the second group is 7534, not 7543."),
        ]);
        let r = redact_with_year(&t, 2025);
        assert_eq!(r.transcript.segments[1].text, "It's [CARD_1].");
        assert!(!r.transcript.segments[2].text.contains("7534") && !r.transcript.segments[2].text.contains("7543"), "{}", r.transcript.segments[2].text);
    }

    #[test]
    fn recogniser_mixes_of_digits_and_words_are_one_amount() {
        assert_eq!(money("the estimate is 4100 and $80"), vec![4180.0]);
        assert_eq!(money("your premium of 400 and 12 dollars and 60 cents was due"), vec![412.6]);
    }

    #[test]
    fn mangled_addresses_ending_in_a_mail_provider_are_emails() {
        assert_eq!(emails("It's YucatakaRatGmail.com. Thanks"), vec!["yucatakar@gmail.com".to_string()]);
        assert_eq!(emails("It's large.iratoutlook.com."), vec!["large.ir@outlook.com".to_string()]);
    }

    #[test]
    fn garbled_street_addresses_are_still_redacted() {
        let t = transcript(&[(Speaker::Customer, "It's 819 Dune per lane, Riverton."), (Speaker::Customer, "Apartment 12. Columbus, Ohio, 43215.")]);
        let r = redact_with_year(&t, 2025);
        assert_eq!(r.transcript.segments[0].text, "It's [ADDRESS_1].");
        assert!(!r.transcript.segments[1].text.contains("43215"), "{}", r.transcript.segments[1].text);
    }
}
