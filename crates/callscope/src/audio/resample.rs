//! Streaming sample-rate conversion, so long files never hold their source-rate PCM in memory.

use rubato::{FftFixedIn, Resampler};

use super::limits::{MAX_CHANNELS, MAX_SAMPLE_RATE_HZ};

/// Why a conversion could not be set up or run.
#[derive(Debug, thiserror::Error)]
pub enum ResampleError {
    /// Refused before anything is allocated: the converter's buffers grow with the rates.
    #[error("{hz} Hz is outside the 1 to {MAX_SAMPLE_RATE_HZ} Hz a conversion accepts")]
    RateOutOfRange { hz: u32 },
    #[error("a conversion takes 1 to {MAX_CHANNELS} channels, not {count}")]
    ChannelCount { count: usize },
    #[error("{got} channels were pushed into a conversion set up for {expected}")]
    ChannelMismatch { expected: usize, got: usize },
    #[error("converting {from_hz} Hz to {to_hz} Hz cannot be set up: {source}")]
    Setup {
        from_hz: u32,
        to_hz: u32,
        #[source]
        source: rubato::ResamplerConstructionError,
    },
    #[error("the conversion failed: {0}")]
    Process(#[from] rubato::ResampleError),
}

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
    /// Output frames already handed out by `take_output`.
    taken: usize,
    ratio: f64,
}

impl StreamResampler {
    /// A resampler from `from_hz` to `to_hz` for `channels` channels; a pass-through when equal.
    pub fn new(from_hz: u32, to_hz: u32, channels: usize) -> Result<Self, ResampleError> {
        // The FFT sizes are the rates divided by their common divisor: an unchecked rate from a
        // file's header could ask for gigabytes.
        for hz in [from_hz, to_hz] {
            if !(1..=MAX_SAMPLE_RATE_HZ).contains(&hz) {
                return Err(ResampleError::RateOutOfRange { hz });
            }
        }
        if !(1..=MAX_CHANNELS).contains(&channels) {
            return Err(ResampleError::ChannelCount { count: channels });
        }
        let inner = if from_hz == to_hz {
            None
        } else {
            let r = FftFixedIn::<f32>::new(from_hz as usize, to_hz as usize, CHUNK_FRAMES, 2, channels)
                .map_err(|source| ResampleError::Setup { from_hz, to_hz, source })?;
            Some(r)
        };
        let skip = inner.as_ref().map_or(0, |r| r.output_delay());
        Ok(StreamResampler {
            inner,
            pending: vec![Vec::new(); channels],
            output: vec![Vec::new(); channels],
            skip,
            frames_in: 0,
            taken: 0,
            ratio: f64::from(to_hz) / f64::from(from_hz),
        })
    }

    /// Number of channels this resampler was built for.
    pub fn channels(&self) -> usize {
        self.output.len()
    }

    /// Add planar input; every slice must have the same length.
    pub fn push(&mut self, planar: &[&[f32]]) -> Result<(), ResampleError> {
        if planar.len() != self.channels() {
            return Err(ResampleError::ChannelMismatch { expected: self.channels(), got: planar.len() });
        }
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

    fn drain_full_chunks(&mut self) -> Result<(), ResampleError> {
        let Some(r) = self.inner.as_mut() else { return Ok(()) };
        let mut offset = 0;
        loop {
            let need = r.input_frames_next();
            if self.pending[0].len() - offset < need {
                break;
            }
            let chunk: Vec<&[f32]> = self.pending.iter().map(|c| &c[offset..offset + need]).collect();
            let out = r.process(&chunk, None)?;
            offset += need;
            append_skipping(&mut self.output, &out, &mut self.skip);
        }
        for p in &mut self.pending {
            p.drain(..offset);
        }
        Ok(())
    }

    /// Take the converted samples ready so far (per channel), leaving the resampler running:
    /// for live audio, which is consumed while it streams in.
    pub fn take_output(&mut self) -> Vec<Vec<f32>> {
        self.taken += self.output.first().map_or(0, Vec::len);
        self.output.iter_mut().map(std::mem::take).collect()
    }

    /// Flush what is left and return the converted channels, trimmed to the exact length.
    pub fn finish(mut self) -> Result<Vec<Vec<f32>>, ResampleError> {
        let expected = ((self.frames_in as f64 * self.ratio).round() as usize).saturating_sub(self.taken);
        if let Some(r) = self.inner.as_mut() {
            let remaining: Vec<&[f32]> = self.pending.iter().map(Vec::as_slice).collect();
            let out = r.process_partial(Some(&remaining), None)?;
            append_skipping(&mut self.output, &out, &mut self.skip);
            // Push silence through until the delayed tail has come out.
            while self.output[0].len() < expected {
                let out = r.process_partial::<Vec<f32>>(None, None)?;
                if out.first().is_none_or(Vec::is_empty) {
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
    fn a_rate_of_four_billion_hertz_is_refused_instead_of_sizing_buffers_from_it() {
        let err = StreamResampler::new(u32::MAX, 16_000, 1).err();
        assert!(matches!(err, Some(ResampleError::RateOutOfRange { hz: u32::MAX })), "{err:?}");
    }

    #[test]
    fn a_conversion_without_channels_is_refused() {
        let err = StreamResampler::new(8_000, 16_000, 0).err();
        assert!(matches!(err, Some(ResampleError::ChannelCount { count: 0 })), "{err:?}");
    }

    #[test]
    fn pushing_the_wrong_number_of_channels_is_an_error() {
        let mut r = StreamResampler::new(8_000, 16_000, 2).unwrap();
        let err = r.push(&[&[0.0; 10]]).err();
        assert!(matches!(err, Some(ResampleError::ChannelMismatch { expected: 2, got: 1 })), "{err:?}");
    }

    #[test]
    fn output_taken_while_streaming_adds_up_to_the_whole_conversion() {
        let input = sine(48_000, 440.0, 48_000 * 3);
        let mut whole = StreamResampler::new(48_000, 16_000, 1).unwrap();
        whole.push(&[&input]).unwrap();
        let whole = whole.finish().unwrap().remove(0);
        let mut live = StreamResampler::new(48_000, 16_000, 1).unwrap();
        let mut taken = Vec::new();
        for piece in input.chunks(480) {
            live.push(&[piece]).unwrap();
            taken.extend(live.take_output().remove(0));
        }
        taken.extend(live.finish().unwrap().remove(0));
        assert_eq!(taken.len(), 48_000);
        assert_eq!(taken, whole);
    }

    #[test]
    fn equal_rates_pass_samples_through_unchanged() {
        let input = sine(16_000, 300.0, 5000);
        let mut r = StreamResampler::new(16_000, 16_000, 1).unwrap();
        r.push(&[&input]).unwrap();
        assert_eq!(r.finish().unwrap()[0], input);
    }
}
