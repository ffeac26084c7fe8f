//! `AudioClip`: planar PCM at one sample rate.

/// Decoded audio, one `Vec<f32>` per channel, all of the same length, samples in −1…1.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioClip {
    pub sample_rate_hz: u32,
    pub channels: Vec<Vec<f32>>,
}

impl AudioClip {
    /// Number of samples per channel.
    pub fn frames(&self) -> usize {
        self.channels.first().map_or(0, Vec::len)
    }

    /// Length in milliseconds.
    pub fn duration_ms(&self) -> u64 {
        if self.sample_rate_hz == 0 {
            return 0;
        }
        self.frames() as u64 * 1000 / u64::from(self.sample_rate_hz)
    }

    /// The average of all channels (what a mono telephone line carries).
    pub fn mixdown(&self) -> Vec<f32> {
        match self.channels.len() {
            0 => Vec::new(),
            1 => self.channels[0].clone(),
            n => {
                let scale = 1.0 / n as f32;
                (0..self.frames())
                    .map(|i| self.channels.iter().map(|c| c[i]).sum::<f32>() * scale)
                    .collect()
            }
        }
    }

    /// Sample index at a time offset, clamped to the clip.
    pub fn frame_at_ms(&self, ms: u64) -> usize {
        let frame = ms * u64::from(self.sample_rate_hz) / 1000;
        usize::try_from(frame).unwrap_or(usize::MAX).min(self.frames())
    }
}
