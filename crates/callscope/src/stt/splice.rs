//! Joining one channel's speech regions into a single shorter stream, and mapping times back.

use super::activity::SpeechRegion;

/// Silence put between joined regions so the recogniser hears a pause between turns.
pub const GAP_MS: u64 = 300;

/// One speaker's speech, joined, with the map from joined time back to call time.
#[derive(Debug, Clone)]
pub struct Spliced {
    pub samples: Vec<f32>,
    /// For each region: (start in `samples`, start in the original, length), in samples.
    pieces: Vec<(usize, usize, usize)>,
    sample_rate_hz: u32,
}

impl Spliced {
    /// Join `regions` of `channel`, separated by `GAP_MS` of silence.
    pub fn join(channel: &[f32], regions: &[SpeechRegion], sample_rate_hz: u32) -> Self {
        let gap = (u64::from(sample_rate_hz) * GAP_MS / 1000) as usize;
        let total: usize = regions.iter().map(|r| r.end - r.start + gap).sum();
        let mut samples = Vec::with_capacity(total);
        let mut pieces = Vec::with_capacity(regions.len());
        for r in regions {
            let end = r.end.min(channel.len());
            if r.start >= end {
                continue;
            }
            if !samples.is_empty() {
                samples.resize(samples.len() + gap, 0.0);
            }
            pieces.push((samples.len(), r.start, end - r.start));
            samples.extend_from_slice(&channel[r.start..end]);
        }
        Spliced { samples, pieces, sample_rate_hz }
    }

    /// Which region a joined-stream time (ms) falls in, or the nearest one if it is in a gap.
    pub fn region_at(&self, joined_ms: u64) -> Option<usize> {
        let at = self.ms_to_samples(joined_ms);
        let idx = self.pieces.partition_point(|(start, _, _)| *start <= at);
        match idx {
            0 => (!self.pieces.is_empty()).then_some(0),
            i => {
                let (start, _, len) = self.pieces[i - 1];
                let next = self.pieces.get(i).map(|p| p.0);
                match next {
                    Some(n) if at >= start + len && n - at < at - (start + len) => Some(i),
                    _ => Some(i - 1),
                }
            }
        }
    }

    /// Call time (ms) of a joined-stream time, clamped into `region`.
    pub fn to_call_ms(&self, joined_ms: u64, region: usize) -> u64 {
        let Some(&(start, original, len)) = self.pieces.get(region) else { return 0 };
        let at = self.ms_to_samples(joined_ms).clamp(start, start + len);
        self.samples_to_ms(original + (at - start))
    }

    /// Where `region` starts in the joined stream (ms).
    pub fn region_start_ms(&self, region: usize) -> Option<u64> {
        self.pieces.get(region).map(|&(start, _, _)| self.samples_to_ms(start))
    }

    fn ms_to_samples(&self, ms: u64) -> usize {
        (ms * u64::from(self.sample_rate_hz) / 1000) as usize
    }

    fn samples_to_ms(&self, samples: usize) -> u64 {
        samples as u64 * 1000 / u64::from(self.sample_rate_hz.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_map_back_to_where_the_speech_was_in_the_call() {
        let channel = vec![0.1f32; 16_000 * 10];
        let regions = [SpeechRegion { start: 16_000, end: 32_000 }, SpeechRegion { start: 80_000, end: 96_000 }];
        let s = Spliced::join(&channel, &regions, 16_000);
        assert_eq!(s.samples.len() as u64, 16_000 * 2 + 16 * GAP_MS);
        assert_eq!(s.region_at(500), Some(0));
        assert_eq!(s.to_call_ms(500, 0), 1_500);
        // The second region starts after 1 000 ms of the first and the gap.
        let second = 1_000 + GAP_MS;
        assert_eq!(s.region_at(second + 100), Some(1));
        assert_eq!(s.to_call_ms(second + 100, 1), 5_100);
        // Inside the gap: the nearer region.
        assert_eq!(s.region_at(second - 20), Some(1));
        assert_eq!(s.region_at(1_020), Some(0));
    }
}
