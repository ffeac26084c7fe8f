//! One speaker's live audio: samples waiting to be framed, the utterances the endpointer cut
//! them into, and each utterance's window and commit state.

use std::collections::VecDeque;

use super::agreement::{Agreement, TimedWord};
use super::endpoint::{Edge, Endpointer, NoiseFloor, FRAME_SAMPLES};
use crate::audio::WHISPER_SAMPLE_RATE_HZ;
use crate::stt::activity::{rms, FRAME_MS, MIN_SPEECH_MS, PAD_MS};
use crate::stt::Speaker;

/// Frames of audio kept before an utterance's start is detected: the speech that triggered it
/// and `PAD_MS` before, so its first word is not clipped.
const PREROLL_FRAMES: usize = ((MIN_SPEECH_MS + PAD_MS) / FRAME_MS) as usize;
/// Frame levels remembered for the other channel's crosstalk check.
const LEVEL_HISTORY_FRAMES: usize = 100;

/// Milliseconds of a sample position on the call's timeline.
pub(super) fn ms(sample: usize) -> u64 {
    sample as u64 * 1000 / u64::from(WHISPER_SAMPLE_RATE_HZ)
}

/// Sample position of a time on the call's timeline.
pub(super) fn sample_at(ms: u64) -> usize {
    (ms * u64::from(WHISPER_SAMPLE_RATE_HZ) / 1000) as usize
}

/// A stretch of one speaker's speech, as far as it has been heard.
#[derive(Debug)]
pub(super) struct Utterance {
    /// Timeline position of `samples[0]` (moves forward when the window is cut).
    pub start: usize,
    pub samples: Vec<f32>,
    /// Still being spoken (no endpoint yet).
    pub open: bool,
    /// The speech-activity model heard speech in it (always, without that model).
    pub confirmed: bool,
    /// Timeline position up to which the last decode heard it.
    pub decoded_to: usize,
    pub agreement: Agreement,
    /// A partial with words is on screen for it.
    pub shown_partial: bool,
    /// The speaker's committed text before the window (Whisper's prompt), at most `PROMPT_CHARS`.
    pub prompt: String,
    /// Committed words whose audio is still in the window.
    committed_in_window: Vec<String>,
}

impl Utterance {
    /// Timeline position just past its last sample.
    pub fn end(&self) -> usize {
        self.start + self.samples.len()
    }

    /// Samples not heard by any decode yet.
    pub fn undecoded(&self) -> usize {
        self.end().saturating_sub(self.decoded_to.max(self.start))
    }

    /// Drop the window's audio before timeline position `at` (its committed words then move
    /// into the prompt).
    pub fn cut_before(&mut self, at: usize) {
        let n = at.saturating_sub(self.start).min(self.samples.len());
        self.samples.drain(..n);
        self.start += n;
        for word in self.committed_in_window.drain(..) {
            push_prompt(&mut self.prompt, &word);
        }
    }

    /// Note words settled from this window.
    pub fn settled(&mut self, words: &[TimedWord]) {
        self.committed_in_window.extend(words.iter().map(|w| w.text.clone()));
    }
}

/// Whisper's prompt keeps this many characters of the speaker's latest words.
const PROMPT_CHARS: usize = 200;

fn push_prompt(prompt: &mut String, word: &str) {
    if !prompt.is_empty() {
        prompt.push(' ');
    }
    prompt.push_str(word);
    if prompt.len() > PROMPT_CHARS {
        let cut = prompt.len() - PROMPT_CHARS;
        let at = prompt[cut..].find(' ').map_or(cut, |i| cut + i + 1);
        prompt.drain(..at.min(prompt.len()));
    }
}

/// The live state of one speaker's channel.
#[derive(Debug)]
pub(super) struct ChannelStream {
    pub speaker: Speaker,
    /// Received samples not framed yet, from `pending_from`.
    pending: Vec<f32>,
    pending_from: usize,
    /// Frames decided so far (the channel's position on the timeline, in frames).
    framed: usize,
    levels: VecDeque<f32>,
    floor: NoiseFloor,
    endpointer: Endpointer,
    preroll: VecDeque<f32>,
    /// Oldest first; only the last may be open.
    pub utterances: VecDeque<Utterance>,
    confirmed_by_default: bool,
    /// The speaker's latest committed words, to prompt a new utterance's decodes with.
    said: String,
}

impl ChannelStream {
    /// A silent channel for `speaker`; without a speech-activity model every utterance counts as speech.
    pub fn new(speaker: Speaker, endpoint_ms: u64, confirmed_by_default: bool) -> Self {
        ChannelStream {
            speaker,
            pending: Vec::new(),
            pending_from: 0,
            framed: 0,
            levels: VecDeque::with_capacity(LEVEL_HISTORY_FRAMES),
            floor: NoiseFloor::default(),
            endpointer: Endpointer::new(endpoint_ms),
            preroll: VecDeque::with_capacity(PREROLL_FRAMES * FRAME_SAMPLES),
            utterances: VecDeque::new(),
            confirmed_by_default,
            said: String::new(),
        }
    }

    /// Take samples from the capture.
    pub fn receive(&mut self, samples: &[f32]) {
        self.pending.extend_from_slice(samples);
    }

    /// Timeline position up to which samples were received.
    pub fn received(&self) -> usize {
        self.framed * FRAME_SAMPLES + self.pending.len() - self.pending_from
    }

    /// Index of the next frame to decide.
    pub fn next_frame(&self) -> usize {
        self.framed
    }

    /// Whole frames received but not decided.
    pub fn waiting_frames(&self) -> usize {
        (self.pending.len() - self.pending_from) / FRAME_SAMPLES
    }

    /// RMS of frame `index` if it has been received (decided or waiting), else `None`.
    pub fn level_of(&self, index: usize) -> Option<f32> {
        if index < self.framed {
            let back = self.framed - index;
            return Some(if back <= self.levels.len() { self.levels[self.levels.len() - back] } else { 0.0 });
        }
        let offset = self.pending_from + (index - self.framed) * FRAME_SAMPLES;
        self.pending.get(offset..offset + FRAME_SAMPLES).map(rms)
    }

    /// RMS of the next frame and whether it is over this channel's speech threshold.
    pub fn next_level(&self) -> Option<(f32, bool)> {
        let level = self.level_of(self.framed)?;
        Some((level, level > self.floor.threshold()))
    }

    /// Decide the next frame (`active`: speech on this channel) and move it into the utterances.
    pub fn advance(&mut self, level: f32, active: bool) {
        let frame_start = self.pending_from;
        let frame_end = frame_start + FRAME_SAMPLES;
        if frame_end > self.pending.len() {
            return;
        }
        self.floor.observe(level);
        if self.levels.len() == LEVEL_HISTORY_FRAMES {
            self.levels.pop_front();
        }
        self.levels.push_back(level);
        let edge = self.endpointer.step(active);
        let frame = &self.pending[frame_start..frame_end];
        match self.utterances.back_mut() {
            Some(open) if open.open => open.samples.extend_from_slice(frame),
            _ => {
                if self.preroll.len() + FRAME_SAMPLES > PREROLL_FRAMES * FRAME_SAMPLES {
                    self.preroll.drain(..FRAME_SAMPLES);
                }
                self.preroll.extend(frame.iter().copied());
            }
        }
        self.framed += 1;
        self.pending_from = frame_end;
        if self.pending_from > 16 * FRAME_SAMPLES {
            self.pending.drain(..self.pending_from);
            self.pending_from = 0;
        }
        match edge {
            Edge::Start => {
                let samples: Vec<f32> = self.preroll.drain(..).collect();
                let start = (self.framed * FRAME_SAMPLES).saturating_sub(samples.len());
                self.utterances.push_back(Utterance {
                    start,
                    samples,
                    open: true,
                    confirmed: self.confirmed_by_default,
                    decoded_to: start,
                    agreement: Agreement::default(),
                    shown_partial: false,
                    prompt: self.said.clone(),
                    committed_in_window: Vec::new(),
                });
            }
            Edge::End => self.close(),
            Edge::None => {}
        }
    }

    /// Remember settled words for the prompts of the speaker's next utterances.
    pub fn remember(&mut self, words: &[TimedWord]) {
        for w in words {
            push_prompt(&mut self.said, &w.text);
        }
    }

    /// End the open utterance, if any (an endpoint, or the call is over).
    pub fn close(&mut self) {
        if let Some(u) = self.utterances.back_mut() {
            u.open = false;
        }
    }
}
