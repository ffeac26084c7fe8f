//! Turning the recogniser's timed words into speaker-labelled segments on the call's clock.

use std::borrow::Cow;

use super::splice::Spliced;
use super::{Segment, Speaker};
use crate::audio::AudioClip;

/// The clip's channels with the speaker each carries: left agent and right customer (swapped
/// when asked) in a stereo call, one mixed-down channel with speaker `unknown` otherwise.
pub fn speaker_channels(clip: &AudioClip, swap_channels: bool) -> Vec<(Cow<'_, [f32]>, Speaker)> {
    if clip.channels.len() >= 2 && !is_dual_mono(clip) {
        let (left, right) = if swap_channels { (Speaker::Customer, Speaker::Agent) } else { (Speaker::Agent, Speaker::Customer) };
        vec![(Cow::Borrowed(&clip.channels[0][..]), left), (Cow::Borrowed(&clip.channels[1][..]), right)]
    } else {
        vec![(Cow::Owned(clip.mixdown()), Speaker::Unknown)]
    }
}

/// Left and right are the same signal (a mono call saved as stereo).
fn is_dual_mono(clip: &AudioClip) -> bool {
    let (l, r) = (&clip.channels[0], &clip.channels[1]);
    let energy: f32 = l.iter().map(|x| x * x).sum();
    let diff: f32 = l.iter().zip(r).map(|(a, b)| (a - b) * (a - b)).sum();
    energy > 0.0 && diff < energy * 0.01
}

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

/// Word onsets from DTW run late; a sentence's last word can start up to this long into the
/// speaker's next region although it was said at the end of the previous one.
const LATE_ONSET_MS: u64 = 700;

/// At most this many words are carried back to finish the previous region's sentence.
const MAX_CARRIED_WORDS: usize = 2;

/// Segments of one speaker's joined speech, split wherever words fall in different regions of
/// the call, with times mapped back to the call.
pub fn channel_segments(raw: &[RawSegment], splice: &Spliced, speaker: Speaker) -> Vec<Segment> {
    let words: Vec<&Word> = raw.iter().flat_map(|seg| seg.words.iter()).collect();
    // A word belongs where it starts: Whisper often stretches a turn's last word over the
    // following pause, so its midpoint can land past the gap, in the speaker's next turn.
    let mut regions: Vec<Option<usize>> =
        words.iter().map(|w| splice.region_at(w.start_ms + WORD_ONSET_SLACK_MS)).collect();
    carry_back_sentence_ends(&words, &mut regions, splice);

    let mut out = Vec::new();
    let mut index = 0;
    for seg in raw {
        let seg_regions = &regions[index..index + seg.words.len()];
        let seg_words = &words[index..index + seg.words.len()];
        index += seg.words.len();
        let mut group: Vec<&Word> = Vec::new();
        let mut group_region = None;
        for (w, &region) in seg_words.iter().zip(seg_regions) {
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

/// Titles written with a full stop that does not end the sentence ("Thanks, Mr. Park.").
const TITLES: [&str; 7] = ["mr.", "mrs.", "ms.", "dr.", "prof.", "jr.", "sr."];

/// Whether a word ends a sentence ("birth?", "ready.", but not "Mr.").
fn ends_sentence(word: &Word) -> bool {
    let text = String::from_utf8_lossy(&word.bytes);
    let text = text.trim();
    text.ends_with(['.', '?', '!']) && !TITLES.iter().any(|title| text.eq_ignore_ascii_case(title))
}

/// Move the late-placed end of a sentence back into the region it was said in.
///
/// When a region's words stop mid-sentence ("Can I get your name and date of") and the next
/// region opens with one or two words that finish it ("birth?") within `LATE_ONSET_MS`, those
/// words were said before the pause: their onsets are late, not their speech. A new region that
/// opens with a sentence of its own ("Sure." after "help you?") is left where it is.
fn carry_back_sentence_ends(words: &[&Word], regions: &mut [Option<usize>], splice: &Spliced) {
    for i in 1..words.len() {
        let (Some(prev), Some(here)) = (regions[i - 1], regions[i]) else { continue };
        if here != prev + 1 || ends_sentence(words[i - 1]) {
            continue;
        }
        let Some(region_start) = splice.region_start_ms(here) else { continue };
        let tail = (i..words.len().min(i + MAX_CARRIED_WORDS))
            .take_while(|&j| regions[j] == Some(here))
            .find(|&j| ends_sentence(words[j]));
        let Some(last) = tail else { continue };
        if words[last].start_ms > region_start + LATE_ONSET_MS {
            continue;
        }
        for region in &mut regions[i..=last] {
            *region = Some(prev);
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stt::SpeechRegion;

    fn word(text: &str, start_ms: u64) -> Word {
        Word { bytes: format!(" {text}").into_bytes(), start_ms, end_ms: start_ms + 250, probability: 0.9 }
    }

    /// Two regions of one second each: 0–1 000 ms and 1 300–2 300 ms in the joined stream,
    /// 0–1 s and 5–6 s in the call.
    fn two_regions() -> Spliced {
        let channel = vec![0.1f32; 16_000 * 8];
        let regions = [SpeechRegion { start: 0, end: 16_000 }, SpeechRegion { start: 80_000, end: 96_000 }];
        Spliced::join(&channel, &regions, 16_000)
    }

    fn texts(segments: &[Segment]) -> Vec<(&str, u64)> {
        segments.iter().map(|s| (s.text.as_str(), s.start_ms)).collect()
    }

    #[test]
    fn a_late_sentence_end_stays_with_the_turn_it_finishes() {
        let raw = [RawSegment {
            words: vec![word("date", 500), word("of", 800), word("birth?", 1_400), word("Thank", 1_700), word("you.", 1_900)],
        }];
        let segments = channel_segments(&raw, &two_regions(), Speaker::Agent);
        assert_eq!(texts(&segments), vec![("date of birth?", 500), ("Thank you.", 5_400)]);
    }

    #[test]
    fn a_title_does_not_end_the_sentence_it_opens_a_name_in() {
        let raw = [RawSegment { words: vec![word("Thanks,", 400), word("Mr.", 700), word("Park.", 1_500)] }];
        let segments = channel_segments(&raw, &two_regions(), Speaker::Agent);
        assert_eq!(texts(&segments), vec![("Thanks, Mr. Park.", 400)]);
    }

    #[test]
    fn a_turn_that_opens_with_its_own_sentence_is_not_pulled_back() {
        let raw = [
            RawSegment { words: vec![word("help", 500), word("you?", 800)] },
            RawSegment { words: vec![word("Sure.", 1_400), word("Can", 1_800)] },
        ];
        let segments = channel_segments(&raw, &two_regions(), Speaker::Agent);
        assert_eq!(texts(&segments), vec![("help you?", 500), ("Sure. Can", 5_100)]);
    }

    #[test]
    fn words_well_into_the_next_turn_are_left_there() {
        let raw = [RawSegment { words: vec![word("so", 800), word("today.", 2_100)] }];
        let segments = channel_segments(&raw, &two_regions(), Speaker::Agent);
        assert_eq!(texts(&segments), vec![("so", 800), ("today.", 5_800)]);
    }
}
