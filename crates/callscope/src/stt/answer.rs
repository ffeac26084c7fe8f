//! Reading an `audio/transcriptions` answer onto the call's clock: the upload was one
//! speaker's speech regions joined (`Spliced`), so every time in it maps back to the call.

use serde::Deserialize;

use super::hallucination::{is_hallucination, Heard};
use super::splice::Spliced;
use super::{Segment, Speaker};
use crate::audio::WHISPER_SAMPLE_RATE_HZ;

/// Whisper's own rule for a segment heard in silence: likely no speech and little confidence.
const NO_SPEECH_PROB: f64 = 0.6;
const NO_SPEECH_LOGPROB: f64 = -1.0;

/// A segment's end may run this far into the silence after its speech (and so be nearer the
/// next region) without being taken as reaching into that region.
const END_SLACK_MS: u64 = 250;

/// Word start times may sit just before the speech they start.
const WORD_ONSET_SLACK_MS: u64 = 20;

/// The answer: OpenAI's `verbose_json` (`text`, `segments`, and `words` when asked for) or
/// `json` (`text` only).
#[derive(Debug, Deserialize)]
pub struct Answer {
    pub text: Option<String>,
    pub segments: Option<Vec<AnswerSegment>>,
    #[serde(default)]
    pub words: Vec<AnswerWord>,
}

/// One `verbose_json` segment (times in seconds of the upload).
#[derive(Debug, Deserialize)]
pub struct AnswerSegment {
    pub start: f64,
    pub end: f64,
    pub text: String,
    pub avg_logprob: Option<f64>,
    pub no_speech_prob: Option<f64>,
}

/// One timed word (without punctuation, as OpenAI gives them).
#[derive(Debug, Deserialize)]
pub struct AnswerWord {
    pub word: String,
    pub start: f64,
    pub end: f64,
}

/// A segment of the answer in upload time.
struct Timed<'a> {
    start_ms: u64,
    end_ms: u64,
    text: &'a str,
    confidence: f32,
}

/// The answer's segments on the call's clock, with `speaker`. A segment within one speech
/// region keeps its text; one that runs over several (the speaker paused while the other one
/// talked) is split at its words' regions; a plain-text answer spans its whole upload.
pub fn call_segments(answer: &Answer, splice: &Spliced, speaker: Speaker) -> Vec<Segment> {
    let upload_ms = splice.samples.len() as u64 * 1000 / u64::from(WHISPER_SAMPLE_RATE_HZ);
    let timed: Vec<Timed<'_>> = match &answer.segments {
        Some(segments) => segments
            .iter()
            .filter(|s| !(s.no_speech_prob.unwrap_or(0.0) > NO_SPEECH_PROB && s.avg_logprob.unwrap_or(0.0) < NO_SPEECH_LOGPROB))
            .filter(|s| {
                let heard = Heard {
                    text: &s.text,
                    no_speech_probability: s.no_speech_prob.unwrap_or(0.0) as f32,
                    word_probability: s.avg_logprob.map_or(1.0, |p| p.exp().clamp(0.0, 1.0) as f32),
                };
                !is_hallucination(heard)
            })
            .map(|s| Timed {
                start_ms: seconds_to_ms(s.start),
                end_ms: seconds_to_ms(s.end),
                text: &s.text,
                confidence: s.avg_logprob.map_or(1.0, |p| p.exp().clamp(0.0, 1.0) as f32),
            })
            .collect(),
        None => vec![Timed { start_ms: 0, end_ms: upload_ms, text: answer.text.as_deref().unwrap_or_default(), confidence: 1.0 }],
    };
    let mut out = Vec::new();
    for t in timed.iter().filter(|t| !t.text.trim().is_empty()) {
        let Some(first) = splice.region_at(t.start_ms.min(upload_ms)) else { continue };
        let last = splice.region_at(t.end_ms.saturating_sub(END_SLACK_MS).min(upload_ms)).unwrap_or(first).max(first);
        if last > first {
            let parts = split_by_words(t, &answer.words, splice);
            if !parts.is_empty() {
                out.extend(parts.into_iter().map(|(start_ms, end_ms, text)| Segment { start_ms, end_ms, speaker, text, confidence: t.confidence }));
                continue;
            }
        }
        let start_ms = splice.to_call_ms(t.start_ms, first);
        let end_ms = splice.to_call_ms(t.end_ms, last).max(start_ms);
        out.push(Segment { start_ms, end_ms, speaker, text: t.text.trim().to_string(), confidence: t.confidence });
    }
    out
}

/// `segment` cut where its words move from one speech region to another, as
/// `(start_ms, end_ms, text)` on the call's clock; empty when the answer has no words for it.
/// The segment's own text (with its punctuation) is used when it has one token per word.
fn split_by_words(segment: &Timed<'_>, words: &[AnswerWord], splice: &Spliced) -> Vec<(u64, u64, String)> {
    let inside: Vec<&AnswerWord> = words
        .iter()
        .filter(|w| {
            let start = seconds_to_ms(w.start);
            start + WORD_ONSET_SLACK_MS >= segment.start_ms && start < segment.end_ms
        })
        .collect();
    if inside.is_empty() {
        return Vec::new();
    }
    let tokens: Vec<&str> = segment.text.split_whitespace().collect();
    let texts: Vec<&str> = if tokens.len() == inside.len() { tokens } else { inside.iter().map(|w| w.word.trim()).collect() };
    let mut parts: Vec<(usize, u64, u64, Vec<&str>)> = Vec::new();
    for (w, text) in inside.iter().zip(texts) {
        let (start, end) = (seconds_to_ms(w.start), seconds_to_ms(w.end));
        let Some(region) = splice.region_at(start + WORD_ONSET_SLACK_MS) else { continue };
        match parts.last_mut() {
            Some(part) if part.0 == region => {
                part.2 = end;
                part.3.push(text);
            }
            _ => parts.push((region, start, end, vec![text])),
        }
    }
    parts
        .into_iter()
        .map(|(region, start, end, texts)| {
            let start_ms = splice.to_call_ms(start, region);
            (start_ms, splice.to_call_ms(end, region).max(start_ms), texts.join(" "))
        })
        .collect()
}

fn seconds_to_ms(seconds: f64) -> u64 {
    (seconds.max(0.0) * 1000.0).round() as u64
}
