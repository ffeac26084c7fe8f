//! Streaming sample-rate conversion, so long files never hold their source-rate PCM in memory.

use rubato::{FftFixedIn, Resampler};

/// Input frames per resampler call; large enough for efficiency, small enough to stream.
const CHUNK_FRAMES: usize = 4096;

/// Converts planar PCM pushed in pieces to a target rate, appending to per-channel outputs.
pub struct StreamResampler {
    inner: Option<FftFixedIn<f32>>,
    pending: Vec<Vec<f32>>,
    output: Vec<Vec<f32>>,
    /// Output frames still to discard: the resampler's delay.
    skip: usize,
    frames_in: u64,
    ratio: f64,
}

impl StreamResampler {
    /// A resampler from `from_hz` to `to_hz` for `channels` channels; a pass-through when equal.
    pub fn new(from_hz: u32, to_hz: u32, channels: usize) -> Result<Self, String> {
        let inner = if from_hz == to_hz {
            None
        } else {
            let r = FftFixedIn::<f32>::new(from_hz as usize, to_hz as usize, CHUNK_FRAMES, 2, channels)
                .map_err(|e| format!("cannot convert {from_hz} Hz to {to_hz} Hz: {e}"))?;
            Some(r)
        };
        let skip = inner.as_ref().map_or(0, |r| r.output_delay());
        Ok(StreamResampler {
            inner,
            pending: vec![Vec::new(); channels],
            output: vec![Vec::new(); channels],
            skip,
            frames_in: 0,
            ratio: f64::from(to_hz) / f64::from(from_hz.max(1)),
        })
    }

    /// Number of channels this resampler was built for.
    pub fn channels(&self) -> usize {
        self.output.len()
    }

    /// Add planar input; every slice must have the same length.
    pub fn push(&mut self, planar: &[&[f32]]) -> Result<(), String> {
        let n = planar.first().map_or(0, |c| c.len());
        self.frames_in += n as u64;
        if self.inner.is_none() {
            for (out, input) in self.output.iter_mut().zip(planar) {
                out.extend_from_slice(input);
            }
            return Ok(());
        }
        for (pending, input) in self.pending.iter_mut().zip(planar) {
            pending.extend_from_slice(input);
        }
        self.drain_full_chunks()
    }

    fn drain_full_chunks(&mut self) -> Result<(), String> {
        let Some(r) = self.inner.as_mut() else { return Ok(()) };
        let mut offset = 0;
        loop {
            let need = r.input_frames_next();
            if self.pending[0].len() - offset < need {
                break;
            }
            let chunk: Vec<&[f32]> = self.pending.iter().map(|c| &c[offset..offset + need]).collect();
            let out = r.process(&chunk, None).map_err(|e| e.to_string())?;
            offset += need;
            append_skipping(&mut self.output, &out, &mut self.skip);
        }
        for p in &mut self.pending {
            p.drain(..offset);
        }
        Ok(())
    }

    /// Flush what is left and return the converted channels, trimmed to the exact length.
    pub fn finish(mut self) -> Result<Vec<Vec<f32>>, String> {
        let expected = (self.frames_in as f64 * self.ratio).round() as usize;
        if let Some(r) = self.inner.as_mut() {
            let remaining: Vec<&[f32]> = self.pending.iter().map(Vec::as_slice).collect();
            let out = r.process_partial(Some(&remaining), None).map_err(|e| e.to_string())?;
            append_skipping(&mut self.output, &out, &mut self.skip);
            // Push silence through until the delayed tail has come out.
            while self.output[0].len() < expected {
                let out = r.process_partial::<Vec<f32>>(None, None).map_err(|e| e.to_string())?;
                if out.first().map_or(true, Vec::is_empty) {
                    break;
                }
                append_skipping(&mut self.output, &out, &mut self.skip);
            }
        }
        for ch in &mut self.output {
            ch.truncate(expected);
            ch.resize(expected, 0.0);
        }
        Ok(self.output)
    }
}

fn append_skipping(output: &mut [Vec<f32>], chunk: &[Vec<f32>], skip: &mut usize) {
    let n = chunk.first().map_or(0, Vec::len);
    let from = (*skip).min(n);
    *skip -= from;
    for (out, c) in output.iter_mut().zip(chunk) {
        out.extend_from_slice(&c[from..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate: u32, hz: f32, frames: usize) -> Vec<f32> {
        (0..frames).map(|i| (i as f32 * hz * std::f32::consts::TAU / rate as f32).sin() * 0.5).collect()
    }

    #[test]
    fn a_sine_keeps_its_length_and_phase_after_conversion() {
        let input = sine(44_100, 440.0, 44_100 * 2);
        let mut r = StreamResampler::new(44_100, 16_000, 1).unwrap();
        for piece in input.chunks(1000) {
            r.push(&[piece]).unwrap();
        }
        let out = r.finish().unwrap();
        assert_eq!(out[0].len(), 32_000);
        let reference = sine(16_000, 440.0, 32_000);
        let err: f32 = out[0][1000..31_000].iter().zip(&reference[1000..31_000]).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        assert!(err < 0.02, "max error {err}");
    }

    #[test]
    fn equal_rates_pass_samples_through_unchanged() {
        let input = sine(16_000, 300.0, 5000);
        let mut r = StreamResampler::new(16_000, 16_000, 1).unwrap();
        r.push(&[&input]).unwrap();
        assert_eq!(r.finish().unwrap()[0], input);
    }
}
