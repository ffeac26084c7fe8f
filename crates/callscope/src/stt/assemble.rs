//! Turning the recogniser's timed words into speaker-labelled segments on the call's clock.

use super::splice::Spliced;
use super::{Segment, Speaker};

/// Token start times are rounded to 10 ms and may sit just before the speech they start.
const WORD_ONSET_SLACK_MS: u64 = 20;

/// One recognised word with its time in the audio the recogniser heard.
#[derive(Debug, Clone)]
pub struct Word {
    /// UTF-8 bytes as the tokens carry them (a multi-byte character may span tokens).
    pub bytes: Vec<u8>,
    pub start_ms: u64,
    pub end_ms: u64,
    pub probability: f32,
}

/// One recogniser segment: a run of timed words.
#[derive(Debug, Clone)]
pub struct RawSegment {
    pub words: Vec<Word>,
}

fn text_of(words: &[&Word]) -> String {
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.bytes.iter().copied()).collect();
    String::from_utf8_lossy(&bytes).trim().to_string()
}

fn confidence_of(words: &[&Word]) -> f32 {
    if words.is_empty() {
        return 0.0;
    }
    words.iter().map(|w| w.probability).sum::<f32>() / words.len() as f32
}

/// Segments of one speaker's joined speech, split wherever words fall in different regions of
/// the call, with times mapped back to the call.
pub fn channel_segments(raw: &[RawSegment], splice: &Spliced, speaker: Speaker) -> Vec<Segment> {
    let mut out = Vec::new();
    for seg in raw {
        let mut group: Vec<&Word> = Vec::new();
        let mut group_region = None;
        for w in &seg.words {
            // A word belongs where it starts: Whisper often stretches a turn's last word over the
            // following pause, so its midpoint can land past the gap, in the speaker's next turn.
            let region = splice.region_at(w.start_ms + WORD_ONSET_SLACK_MS);
            if region != group_region && !group.is_empty() {
                push_group(&mut out, &group, group_region, splice, speaker);
                group.clear();
            }
            group_region = region;
            group.push(w);
        }
        push_group(&mut out, &group, group_region, splice, speaker);
    }
    out
}

fn push_group(out: &mut Vec<Segment>, words: &[&Word], region: Option<usize>, splice: &Spliced, speaker: Speaker) {
    let (Some(region), Some(first), Some(last)) = (region, words.first(), words.last()) else { return };
    let text = text_of(words);
    if text.is_empty() {
        return;
    }
    let start_ms = splice.to_call_ms(first.start_ms, region);
    let end_ms = splice.to_call_ms(last.end_ms.max(first.start_ms), region).max(start_ms);
    out.push(Segment { start_ms, end_ms, speaker, text, confidence: confidence_of(words) });
}
