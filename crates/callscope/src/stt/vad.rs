//! Silero voice activity detection (whisper.cpp's built-in VAD), used only where it pays.
//!
//! The energy detector in `activity` finds speech well on a clean channel, but music on hold
//! or steady line noise is energy too; Whisper then spends time on it and may hallucinate
//! words. Such stretches show up as one very long "speech" region (people pause for breath;
//! music does not), so only regions longer than `LONG_REGION_MS` are checked with Silero.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use whisper_rs::{WhisperVadContext, WhisperVadContextParams, WhisperVadParams};

use super::activity::SpeechRegion;
use super::SttError;

/// A region longer than this without a pause is suspected to be music or noise.
pub const LONG_REGION_MS: u64 = 45_000;
/// Context kept around each stretch Silero calls speech.
const PAD_MS: u64 = 150;

/// A loaded Silero model.
pub struct SpeechFilter {
    ctx: Mutex<WhisperVadContext>,
    path: PathBuf,
}

impl SpeechFilter {
    /// Load the Silero ggml file.
    pub fn load(path: &Path) -> Result<Self, SttError> {
        let text = path.to_str().ok_or_else(|| SttError::ModelLoad {
            path: path.to_path_buf(),
            detail: "the path is not valid UTF-8".into(),
        })?;
        if !path.is_file() {
            return Err(SttError::ModelMissing { path: path.to_path_buf() });
        }
        let mut params = WhisperVadContextParams::new();
        params.set_n_threads(std::thread::available_parallelism().map_or(2, |n| n.get()).min(4) as i32);
        let ctx = WhisperVadContext::new(text, params)
            .map_err(|e| SttError::ModelLoad { path: path.to_path_buf(), detail: e.to_string() })?;
        Ok(SpeechFilter { ctx: Mutex::new(ctx), path: path.to_path_buf() })
    }

    /// The model file this filter was loaded from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether Silero hears any speech in `samples` (none in an empty slice).
    pub fn hears_speech(&self, samples: &[f32]) -> Result<bool, SttError> {
        if samples.is_empty() {
            return Ok(false);
        }
        let mut ctx = self.ctx.lock().unwrap_or_else(|p| p.into_inner());
        let segments = ctx
            .segments_from_samples(WhisperVadParams::new(), samples)
            .map_err(|e| SttError::Whisper { detail: format!("voice activity detection failed: {e}") })?;
        Ok(segments.into_iter().next().is_some())
    }

    /// Replace every suspiciously long region with the stretches of it Silero hears as speech.
    pub fn refine(
        &self,
        samples: &[f32],
        regions: Vec<SpeechRegion>,
        sample_rate_hz: u32,
    ) -> Result<Vec<SpeechRegion>, SttError> {
        let long = (u64::from(sample_rate_hz) * LONG_REGION_MS / 1000) as usize;
        let pad = (u64::from(sample_rate_hz) * PAD_MS / 1000) as usize;
        let mut out = Vec::with_capacity(regions.len());
        for r in regions {
            if r.end - r.start < long {
                out.push(r);
                continue;
            }
            let mut ctx = self.ctx.lock().unwrap_or_else(|p| p.into_inner());
            let segments = ctx
                .segments_from_samples(WhisperVadParams::new(), &samples[r.start..r.end.min(samples.len())])
                .map_err(|e| SttError::Whisper { detail: format!("voice activity detection failed: {e}") })?;
            let before = out.len();
            for s in segments {
                // Silero reports centiseconds relative to the slice it was given.
                let start = r.start + (s.start.max(0.0) as u64 * u64::from(sample_rate_hz) / 100) as usize;
                let end = r.start + (s.end.max(0.0) as u64 * u64::from(sample_rate_hz) / 100) as usize;
                let (start, end) = (start.saturating_sub(pad).max(r.start), (end + pad).min(r.end));
                if start < end {
                    out.push(SpeechRegion { start, end });
                }
            }
            tracing::info!(
                region_ms = (r.end - r.start) as u64 * 1000 / u64::from(sample_rate_hz),
                kept = out.len() - before,
                "long region checked for speech"
            );
        }
        Ok(out)
    }
}
