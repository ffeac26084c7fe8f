//! Drift correction: keeping each device's samples where the call's shared clock says they
//! belong.
//!
//! Every chunk a device delivers carries the time its first sample was captured. The offset
//! between that time (in the device's samples) and the number of samples the device has
//! delivered drifts when the device's clock runs fast or slow, and jumps when it skipped or
//! stalled. The aligner estimates that offset robustly (a low percentile over the last two
//! seconds: a chunk can be reported late, not early) and, when the samples placed so far are off
//! by more than a tolerance, pads silence or drops samples, in the device's own rate before
//! resampling, so the correction lands exactly between two chunks.

use std::collections::VecDeque;

/// Misplacement tolerated before correcting: jitter of timestamps is not drift.
const TOLERANCE_S: f64 = 0.030;
/// History the offset is estimated over.
const WINDOW_S: f64 = 2.0;
/// A change of offset this large between two chunks is a discontinuity (a stall, a skipped
/// buffer, a restarted device), not jitter: the history before it is forgotten.
const JUMP_S: f64 = 0.250;
/// Which low percentile of the window is taken as the offset.
const PERCENTILE: f64 = 0.2;

/// What to do to the device's stream before its next chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Correction {
    None,
    /// Insert this many samples of silence.
    Pad(u64),
    /// Drop this many samples (from the start of this chunk and, if it is shorter, the next).
    Drop(u64),
}

/// Places one device's samples on the call's clock; all counts are in the device's samples.
#[derive(Debug)]
pub(crate) struct Aligner {
    rate_hz: f64,
    /// (chunk time on the clock, offset) for recent chunks.
    window: VecDeque<(f64, f64)>,
    /// Samples the device delivered.
    received: u64,
    /// Samples passed on (delivered + padded − dropped).
    placed: u64,
    /// Samples still to drop from what comes next.
    to_drop: u64,
    /// First observation since the last discontinuity, for the drift rate.
    reference: Option<(f64, f64)>,
    last_offset: Option<f64>,
    drift_ppm: f64,
}

impl Aligner {
    pub(crate) fn new(rate_hz: u32) -> Aligner {
        Aligner {
            rate_hz: f64::from(rate_hz),
            window: VecDeque::new(),
            received: 0,
            placed: 0,
            to_drop: 0,
            reference: None,
            last_offset: None,
            drift_ppm: 0.0,
        }
    }

    /// A chunk of `frames` samples whose first was captured `at_s` seconds after the call
    /// started arrives: decide the correction to apply before it, then `place` it.
    pub(crate) fn observe(&mut self, at_s: f64, frames: usize) -> Correction {
        let expected = at_s * self.rate_hz;
        let offset = expected - self.received as f64;
        if self
            .last_offset
            .is_some_and(|last| (offset - last).abs() > JUMP_S * self.rate_hz)
        {
            self.window.clear();
            self.reference = None;
        }
        self.last_offset = Some(offset);
        self.window.push_back((at_s, offset));
        while self
            .window
            .front()
            .is_some_and(|&(t, _)| t < at_s - WINDOW_S)
        {
            self.window.pop_front();
        }
        let estimate = self.estimate();
        // The drift is measured on the estimate, from when a full window of history backs it
        // (a device's first buffers come in bursts).
        let settled = self
            .window
            .front()
            .is_some_and(|&(t, _)| at_s - t >= WINDOW_S * 0.9);
        match self.reference {
            None if settled => self.reference = Some((expected, estimate)),
            // Offset falling means more samples than seconds: a fast device clock.
            Some((e0, o0)) if expected - e0 > 5.0 * self.rate_hz => {
                self.drift_ppm = -(estimate - o0) / (expected - e0) * 1e6
            }
            _ => {}
        }
        // Where this chunk's first sample will land, relative to where the offset says.
        let applied = self.placed as f64 - self.received as f64 - self.to_drop as f64;
        let error = estimate - applied;
        self.received += frames as u64;
        if error.abs() <= TOLERANCE_S * self.rate_hz {
            return Correction::None;
        }
        let n = error.abs().round() as u64;
        if error > 0.0 {
            // Silence that was scheduled to be dropped cancels first.
            let cancelled = n.min(self.to_drop);
            self.to_drop -= cancelled;
            let pad = n - cancelled;
            self.placed += pad;
            if pad == 0 {
                Correction::None
            } else {
                Correction::Pad(pad)
            }
        } else {
            self.to_drop += n;
            Correction::Drop(n)
        }
    }

    /// The part of a chunk that stays after pending drops; counts it as placed.
    pub(crate) fn place<'a>(&mut self, chunk: &'a [f32]) -> &'a [f32] {
        let dropped = (self.to_drop.min(chunk.len() as u64)) as usize;
        self.to_drop -= dropped as u64;
        self.placed += (chunk.len() - dropped) as u64;
        &chunk[dropped..]
    }

    /// Silence the caller inserted on its own (the device fell too far behind the clock).
    pub(crate) fn force_pad(&mut self, frames: u64) {
        self.placed += frames;
    }

    /// Samples passed on so far, in seconds of the call.
    pub(crate) fn placed_s(&self) -> f64 {
        self.placed as f64 / self.rate_hz
    }

    /// How much faster (+) or slower (−) than the shared clock the device runs, in parts per
    /// million, measured since its last discontinuity.
    pub(crate) fn drift_ppm(&self) -> f64 {
        self.drift_ppm
    }

    fn estimate(&self) -> f64 {
        let mut offsets: Vec<f64> = self.window.iter().map(|&(_, o)| o).collect();
        offsets.sort_by(f64::total_cmp);
        let i = ((offsets.len() - 1) as f64 * PERCENTILE).round() as usize;
        offsets[i]
    }
}

#[cfg(test)]
#[path = "align_tests.rs"]
mod tests;
