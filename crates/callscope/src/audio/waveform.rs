//! Waveform overviews: the loudest sample of each stretch of a clip, per channel, for drawing
//! a recording's shape without sending its samples to a UI.

use serde::Serialize;

use super::AudioClip;

/// A clip's shape: for each channel, `buckets` peak levels in 0…1 covering equal stretches of time.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Waveform {
    pub duration_ms: u64,
    /// One row per channel (in a call: agent, then customer), each `buckets` long.
    pub peaks: Vec<Vec<f32>>,
}

/// The peak absolute level of each of `buckets` equal stretches of every channel. A clip
/// shorter than `buckets` frames gives one bucket per frame.
pub fn waveform(clip: &AudioClip, buckets: usize) -> Waveform {
    let frames = clip.frames();
    let buckets = buckets.clamp(1, frames.max(1));
    let peaks = clip
        .channels
        .iter()
        .map(|samples| {
            (0..buckets)
                .map(|b| {
                    let start = b * frames / buckets;
                    let end = ((b + 1) * frames / buckets).max(start + 1).min(frames);
                    samples.get(start..end).map_or(0.0, |s| s.iter().fold(0.0f32, |m, v| m.max(v.abs())).min(1.0))
                })
                .collect()
        })
        .collect();
    Waveform { duration_ms: clip.duration_ms(), peaks }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clip(channels: Vec<Vec<f32>>) -> AudioClip {
        AudioClip { sample_rate_hz: 16_000, channels }
    }

    #[test]
    fn each_bucket_holds_the_loudest_sample_of_its_stretch_per_channel() {
        let agent = vec![0.1, -0.5, 0.2, 0.0, 0.0, 0.0, 0.9, -0.3];
        let customer = vec![0.0, 0.0, 0.0, 0.0, -0.7, 0.2, 0.0, 0.0];
        let w = waveform(&clip(vec![agent, customer]), 4);
        assert_eq!(w.peaks, vec![vec![0.5, 0.2, 0.0, 0.9], vec![0.0, 0.0, 0.7, 0.0]]);
    }

    #[test]
    fn a_clip_shorter_than_the_buckets_asked_gives_one_bucket_per_frame() {
        let w = waveform(&clip(vec![vec![0.25, -1.5]]), 100);
        assert_eq!(w.peaks, vec![vec![0.25, 1.0]]);
    }

    #[test]
    fn an_empty_clip_gives_one_silent_bucket() {
        let w = waveform(&clip(vec![Vec::new()]), 10);
        assert_eq!(w.peaks, vec![vec![0.0]]);
        assert_eq!(w.duration_ms, 0);
    }
}
