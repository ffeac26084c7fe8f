//! The call's stereo timeline: each side resampled to 16 kHz, placed by the aligner, and
//! released in step with the other side.

use super::align::{Aligner, Correction};
use super::{CallSide, SourceFrames};
use crate::audio::{ResampleError, StreamResampler, WHISPER_SAMPLE_RATE_HZ};

/// How far a live side may lag the clock before silence stands in for it, so that the other
/// side is not held back by a device that stalled (or a loopback that sends nothing in
/// silence). Late audio that arrives after this is placed by its time (over the silence).
pub(crate) const MAX_LAG_S: f64 = 1.5;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TrackState {
    /// No source for this side.
    Absent,
    /// A source is sending (or will: devices take a moment to start).
    Live,
    /// The source is gone; silence from here on.
    Lost,
}

/// One side: its converter from the device's rate, its aligner and samples not yet released.
struct Track {
    state: TrackState,
    rate_hz: u32,
    resampler: Option<StreamResampler>,
    aligner: Aligner,
    /// 16 kHz samples ready, starting at the timeline's `released` position.
    ready: Vec<f32>,
}

impl Track {
    fn new(present: bool) -> Track {
        Track {
            state: if present {
                TrackState::Live
            } else {
                TrackState::Absent
            },
            rate_hz: 0,
            resampler: None,
            aligner: Aligner::new(WHISPER_SAMPLE_RATE_HZ),
            ready: Vec::new(),
        }
    }

    /// Samples fed to the converter so far, in seconds of the call.
    fn fed_s(&self) -> f64 {
        self.aligner.placed_s()
    }

    fn feed(&mut self, samples: &[f32]) -> Result<(), ResampleError> {
        if let Some(r) = self.resampler.as_mut() {
            r.push(&[samples])?;
            if let Some(out) = r.take_output().into_iter().next() {
                self.ready.extend_from_slice(&out);
            }
        }
        Ok(())
    }

    fn pad(&mut self, frames: u64) -> Result<(), ResampleError> {
        const PIECE: usize = 16_384;
        let zeros = vec![0.0f32; PIECE];
        let mut left = frames as usize;
        while left > 0 {
            let n = left.min(PIECE);
            self.feed(&zeros[..n])?;
            left -= n;
        }
        Ok(())
    }

    /// Everything the converter still holds, into `ready`.
    fn drain(&mut self) -> Result<(), ResampleError> {
        if let Some(r) = self.resampler.take() {
            if let Some(out) = r.finish()?.into_iter().next() {
                self.ready.extend_from_slice(&out);
            }
        }
        Ok(())
    }
}

/// Stereo frames released from the timeline, starting at sample `start` of the call.
pub(crate) struct Block {
    pub start: u64,
    pub agent: Vec<f32>,
    pub customer: Vec<f32>,
}

/// Both sides of a call on one 16 kHz clock.
pub(crate) struct Timeline {
    tracks: [Track; 2],
    released: u64,
}

impl Timeline {
    pub(crate) fn new(agent: bool, customer: bool) -> Timeline {
        Timeline {
            tracks: [Track::new(agent), Track::new(customer)],
            released: 0,
        }
    }

    /// Place a source's frames captured `at_s` seconds after the call started. A change of
    /// the source's rate starts a new converter (the device was reopened).
    pub(crate) fn push(&mut self, frames: &SourceFrames, at_s: f64) -> Result<(), ResampleError> {
        let track = &mut self.tracks[frames.side.channel()];
        if track.state != TrackState::Live || frames.samples.is_empty() {
            return Ok(());
        }
        if track.rate_hz != frames.sample_rate_hz || track.resampler.is_none() {
            track.drain()?;
            let placed = track.aligner.placed_s();
            track.resampler = Some(StreamResampler::new(
                frames.sample_rate_hz,
                WHISPER_SAMPLE_RATE_HZ,
                1,
            )?);
            track.rate_hz = frames.sample_rate_hz;
            track.aligner = Aligner::new(frames.sample_rate_hz);
            track
                .aligner
                .force_pad((placed * f64::from(frames.sample_rate_hz)).round() as u64);
        }
        let chunk = match track.aligner.observe(at_s, frames.samples.len()) {
            Correction::Pad(n) => {
                track.pad(n)?;
                &frames.samples[..]
            }
            Correction::None | Correction::Drop(_) => &frames.samples[..],
        };
        let kept = track.aligner.place(chunk);
        track.feed(kept)
    }

    /// The source of `side` is gone: what it sent is kept, silence follows.
    pub(crate) fn lose(&mut self, side: CallSide) -> Result<(), ResampleError> {
        let track = &mut self.tracks[side.channel()];
        track.drain()?;
        track.state = TrackState::Lost;
        Ok(())
    }

    /// How fast each live side's clock runs against the call's (parts per million).
    pub(crate) fn drift_ppm(&self, side: CallSide) -> Option<f64> {
        let t = &self.tracks[side.channel()];
        (t.state == TrackState::Live && t.resampler.is_some()).then(|| t.aligner.drift_ppm())
    }

    /// Release what both sides have, at `now_s` seconds into the call: a live side that lags
    /// more than `MAX_LAG_S` gets silence up to there; sides without a source are silent.
    pub(crate) fn release(&mut self, now_s: f64) -> Result<Option<Block>, ResampleError> {
        let floor_s = now_s - MAX_LAG_S;
        for track in &mut self.tracks {
            if track.state == TrackState::Live && track.fed_s() < floor_s {
                if track.resampler.is_some() {
                    let frames =
                        ((floor_s - track.fed_s()) * f64::from(track.rate_hz)).round() as u64;
                    track.aligner.force_pad(frames);
                    track.pad(frames)?;
                } else {
                    // Nothing received yet: silence straight into the 16 kHz timeline.
                    let frames = ((floor_s - track.fed_s()) * f64::from(WHISPER_SAMPLE_RATE_HZ))
                        .round() as u64;
                    track.aligner.force_pad(frames);
                    track.ready.resize(track.ready.len() + frames as usize, 0.0);
                }
            }
        }
        let live: Vec<usize> = self
            .tracks
            .iter()
            .filter(|t| t.state == TrackState::Live)
            .map(|t| t.ready.len())
            .collect();
        let until = match live.iter().min() {
            Some(&n) => n,
            None => ((now_s * f64::from(WHISPER_SAMPLE_RATE_HZ)) as u64)
                .saturating_sub(self.released) as usize,
        };
        Ok(self.take(until))
    }

    /// Release everything left at the end of the call (sides padded to the longest).
    pub(crate) fn finish(&mut self) -> Result<Option<Block>, ResampleError> {
        for track in &mut self.tracks {
            track.drain()?;
        }
        let until = self.tracks.iter().map(|t| t.ready.len()).max().unwrap_or(0);
        Ok(self.take(until))
    }

    fn take(&mut self, n: usize) -> Option<Block> {
        if n == 0 {
            return None;
        }
        let mut sides = self.tracks.iter_mut().map(|t| {
            t.ready.resize(t.ready.len().max(n), 0.0);
            t.ready.drain(..n).collect::<Vec<f32>>()
        });
        let (agent, customer) = (
            sides.next().unwrap_or_default(),
            sides.next().unwrap_or_default(),
        );
        let block = Block {
            start: self.released,
            agent,
            customer,
        };
        self.released += n as u64;
        Some(block)
    }

    /// Samples released so far.
    pub(crate) fn released(&self) -> u64 {
        self.released
    }
}
