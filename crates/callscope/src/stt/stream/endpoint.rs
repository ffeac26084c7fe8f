//! Where one speaker's utterances start and end, frame by frame as the audio arrives: the rule
//! of `activity` (louder than the channel's noise floor, and not a faint echo of the other
//! channel), with the floor taken over the last seconds instead of the whole call.

use std::collections::VecDeque;

use crate::audio::WHISPER_SAMPLE_RATE_HZ;
use crate::stt::activity::{noise_floor, FLOOR_FACTOR, FRAME_MS, MAX_THRESHOLD, MIN_RMS, MIN_SPEECH_MS};

/// Samples in one analysis frame.
pub(super) const FRAME_SAMPLES: usize = (WHISPER_SAMPLE_RATE_HZ as u64 * FRAME_MS / 1000) as usize;
/// The noise floor is the 10th percentile of this many recent frames (10 s).
const FLOOR_HISTORY_FRAMES: usize = 500;
/// The floor is recomputed after this many frames (sorting 500 values every 0.5 s).
const FLOOR_REFRESH_FRAMES: usize = 25;

/// The speech threshold of one channel, following its background level.
#[derive(Debug)]
pub(super) struct NoiseFloor {
    history: VecDeque<f32>,
    threshold: f32,
    since_refresh: usize,
}

impl Default for NoiseFloor {
    fn default() -> Self {
        NoiseFloor { history: VecDeque::with_capacity(FLOOR_HISTORY_FRAMES), threshold: MIN_RMS, since_refresh: 0 }
    }
}

impl NoiseFloor {
    /// RMS a frame must exceed to count as speech.
    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    /// Take one frame's RMS into the history.
    pub fn observe(&mut self, rms: f32) {
        if self.history.len() == FLOOR_HISTORY_FRAMES {
            self.history.pop_front();
        }
        self.history.push_back(rms);
        self.since_refresh += 1;
        if self.since_refresh >= FLOOR_REFRESH_FRAMES {
            self.since_refresh = 0;
            let energies: Vec<f32> = self.history.iter().copied().collect();
            self.threshold = (noise_floor(&energies) * FLOOR_FACTOR).clamp(MIN_RMS, MAX_THRESHOLD);
        }
    }
}

/// What a frame changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Edge {
    None,
    /// Speech has run for `MIN_SPEECH_MS`: an utterance began that long ago.
    Start,
    /// Silence has run for the endpoint time: the utterance is over.
    End,
}

/// Speech / silence state of one channel, from per-frame decisions.
#[derive(Debug)]
pub(super) struct Endpointer {
    active_run: usize,
    silent_run: usize,
    in_speech: bool,
    endpoint_frames: usize,
}

impl Endpointer {
    /// An endpointer that ends an utterance after `endpoint_ms` of silence.
    pub fn new(endpoint_ms: u64) -> Self {
        Endpointer { active_run: 0, silent_run: 0, in_speech: false, endpoint_frames: (endpoint_ms / FRAME_MS).max(1) as usize }
    }

    /// Take one frame's decision.
    pub fn step(&mut self, active: bool) -> Edge {
        if active {
            self.active_run += 1;
            self.silent_run = 0;
        } else {
            self.silent_run += 1;
            self.active_run = 0;
        }
        if !self.in_speech && self.active_run >= (MIN_SPEECH_MS / FRAME_MS) as usize {
            self.in_speech = true;
            return Edge::Start;
        }
        if self.in_speech && self.silent_run >= self.endpoint_frames {
            self.in_speech = false;
            return Edge::End;
        }
        Edge::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_click_is_not_an_utterance_and_a_pause_shorter_than_the_endpoint_does_not_end_one() {
        let mut e = Endpointer::new(600);
        let edges: Vec<Edge> = [true, true, false].iter().map(|&a| e.step(a)).collect();
        assert!(edges.iter().all(|&x| x == Edge::None));
        let speech: Vec<Edge> = (0..10).map(|_| e.step(true)).collect();
        assert_eq!(speech.iter().filter(|&&x| x == Edge::Start).count(), 1);
        assert!((0..20).all(|_| e.step(false) == Edge::None), "400 ms of pause");
        assert!((0..10).all(|_| e.step(true) == Edge::None));
        let ends: Vec<Edge> = (0..30).map(|_| e.step(false)).collect();
        assert_eq!(ends.iter().position(|&x| x == Edge::End), Some(29));
    }

    #[test]
    fn the_threshold_rises_over_a_noisy_line_but_never_above_the_cap() {
        let mut floor = NoiseFloor::default();
        for _ in 0..100 {
            floor.observe(0.02);
        }
        assert_eq!(floor.threshold(), MAX_THRESHOLD);
        let mut quiet = NoiseFloor::default();
        for _ in 0..100 {
            quiet.observe(0.0001);
        }
        assert_eq!(quiet.threshold(), MIN_RMS);
    }
}
