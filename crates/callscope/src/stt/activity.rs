//! Speech activity per channel, from energy alone.
//!
//! In a stereo call each channel carries one speaker, so a simple energy detector finds who is
//! talking when far more reliably than any acoustic speaker model; it also lets the recogniser
//! skip each channel's silence.

/// Analysis frame length.
pub(super) const FRAME_MS: u64 = 20;
/// Gaps shorter than this inside one speaker's speech are bridged (breaths, stop consonants).
const BRIDGE_MS: u64 = 350;
/// Bursts shorter than this are ignored (clicks, line noise).
pub(super) const MIN_SPEECH_MS: u64 = 120;
/// Context kept before and after each region so word onsets and endings are not clipped.
pub(super) const PAD_MS: u64 = 150;
/// A frame is speech when it is this many times louder (in RMS) than the channel's noise floor.
pub(super) const FLOOR_FACTOR: f32 = 4.0;
/// Absolute RMS below which nothing counts as speech (digital silence, dither).
pub(super) const MIN_RMS: f32 = 0.003;
/// The threshold never rises above this (−40 dBFS): when music or noise fills most of a
/// channel the "floor" is that sound, and a threshold above it would drop the speech too.
/// Such stretches become long regions, which the Silero filter then checks.
pub(super) const MAX_THRESHOLD: f32 = 0.01;
/// Energy ratio to the other channel below which a frame is taken as echo or crosstalk.
pub(super) const CROSSTALK_RATIO: f32 = 0.05;

/// A stretch of one channel's samples that contains speech, as sample indices `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpeechRegion {
    pub start: usize,
    pub end: usize,
}

/// Speech regions of each channel of a multi-channel recording at `sample_rate_hz`.
pub fn speech_regions(channels: &[&[f32]], sample_rate_hz: u32) -> Vec<Vec<SpeechRegion>> {
    let frame = (u64::from(sample_rate_hz) * FRAME_MS / 1000).max(1) as usize;
    let energies: Vec<Vec<f32>> = channels.iter().map(|c| frame_rms(c, frame)).collect();
    let ms_to_frames = |ms: u64| (ms / FRAME_MS) as usize;
    energies
        .iter()
        .enumerate()
        .map(|(i, own)| {
            let floor = noise_floor(own);
            let threshold = (floor * FLOOR_FACTOR).clamp(MIN_RMS, MAX_THRESHOLD);
            let active: Vec<bool> = own
                .iter()
                .enumerate()
                .map(|(f, &e)| {
                    let loudest_other = energies
                        .iter()
                        .enumerate()
                        .filter(|(j, _)| *j != i)
                        .map(|(_, other)| other.get(f).copied().unwrap_or(0.0))
                        .fold(0.0f32, f32::max);
                    e > threshold && e > loudest_other * CROSSTALK_RATIO
                })
                .collect();
            let runs = smooth(&active, ms_to_frames(BRIDGE_MS), ms_to_frames(MIN_SPEECH_MS));
            let len = channels[i].len();
            let pad = ms_to_frames(PAD_MS) * frame;
            merge_overlapping(
                runs.into_iter()
                    .map(|(a, b)| SpeechRegion { start: (a * frame).saturating_sub(pad), end: (b * frame + pad).min(len) })
                    .collect(),
            )
        })
        .collect()
}

fn frame_rms(samples: &[f32], frame: usize) -> Vec<f32> {
    samples.chunks(frame).map(rms).collect()
}

/// Root-mean-square level of one frame (0 for an empty one).
pub(super) fn rms(frame: &[f32]) -> f32 {
    if frame.is_empty() {
        return 0.0;
    }
    (frame.iter().map(|x| x * x).sum::<f32>() / frame.len() as f32).sqrt()
}

/// The 10th percentile of frame energies above digital silence: the line's background level.
pub(super) fn noise_floor(energies: &[f32]) -> f32 {
    let mut audible: Vec<f32> = energies.iter().copied().filter(|e| *e > 1e-5).collect();
    if audible.is_empty() {
        return 0.0;
    }
    audible.sort_by(f32::total_cmp);
    audible[audible.len() / 10]
}

/// Active runs as `[start, end)` frame ranges after bridging short gaps and dropping short bursts.
fn smooth(active: &[bool], bridge: usize, min_len: usize) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, &a) in active.iter().chain(std::iter::once(&false)).enumerate() {
        match (a, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                match runs.last_mut() {
                    Some(last) if s - last.1 <= bridge => last.1 = i,
                    _ => runs.push((s, i)),
                }
                start = None;
            }
            _ => {}
        }
    }
    runs.retain(|(a, b)| b - a >= min_len);
    runs
}

fn merge_overlapping(regions: Vec<SpeechRegion>) -> Vec<SpeechRegion> {
    let mut out: Vec<SpeechRegion> = Vec::with_capacity(regions.len());
    for r in regions {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(len: usize) -> Vec<f32> {
        (0..len).map(|i| (i as f32 * 0.3).sin() * 0.3).collect()
    }

    #[test]
    fn alternating_speakers_get_one_region_each_on_their_own_channel() {
        let sr = 16_000usize;
        let mut left = vec![0.0; sr * 3];
        let mut right = vec![0.0; sr * 3];
        left[..sr].copy_from_slice(&tone(sr));
        right[sr * 2..].copy_from_slice(&tone(sr));
        let regions = speech_regions(&[&left, &right], 16_000);
        assert_eq!(regions[0].len(), 1);
        assert_eq!(regions[1].len(), 1);
        assert!(regions[0][0].end <= sr + sr / 5);
        assert!(regions[1][0].start >= sr * 2 - sr / 5);
    }

    #[test]
    fn faint_echo_of_the_other_speaker_is_not_speech() {
        let sr = 16_000usize;
        let loud = tone(sr);
        let echo: Vec<f32> = loud.iter().map(|x| x * 0.01).collect();
        let regions = speech_regions(&[&loud, &echo], 16_000);
        assert_eq!(regions[0].len(), 1);
        assert!(regions[1].is_empty());
    }

    #[test]
    fn silence_has_no_regions() {
        let regions = speech_regions(&[&[0.0; 16_000]], 16_000);
        assert!(regions[0].is_empty());
    }
}
