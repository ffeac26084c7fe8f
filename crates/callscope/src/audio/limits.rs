//! What a call recording can be: the sample rates, channel counts and lengths decoding accepts.
//!
//! A file's header is checked against these before any decoder, converter or buffer is built
//! from its numbers, so a damaged header is refused instead of crashing or exhausting memory.

use std::path::Path;

use super::{DecodeError, HeaderProblem};

/// Lowest sample rate accepted: narrow-band telephone audio.
pub const MIN_SAMPLE_RATE_HZ: u32 = 8_000;
/// Highest sample rate accepted: the top rate of studio recorders.
pub const MAX_SAMPLE_RATE_HZ: u32 = 384_000;
/// Most channels accepted: a call has one or two, a conference or surround recorder up to eight.
pub const MAX_CHANNELS: usize = 8;
/// A declared length beyond this is a damaged header rather than a long call: no recorder runs
/// for a month.
const MAX_DECLARED_S: u64 = 31 * 24 * 3600;

/// The sample rate, if it is one a recording can have.
pub(super) fn check_sample_rate(sample_rate_hz: Option<u32>) -> Result<u32, HeaderProblem> {
    match sample_rate_hz {
        None => Err(HeaderProblem::NoSampleRate),
        Some(hz) if (MIN_SAMPLE_RATE_HZ..=MAX_SAMPLE_RATE_HZ).contains(&hz) => Ok(hz),
        Some(hz) => Err(HeaderProblem::SampleRate { hz }),
    }
}

/// Refuses no channels as damage and more than `MAX_CHANNELS` as a recording we do not read.
pub(super) fn check_channels(path: &Path, channels: usize) -> Result<(), DecodeError> {
    if channels == 0 {
        return Err(DecodeError::DamagedHeader { path: path.to_path_buf(), problem: HeaderProblem::Channels { count: 0 } });
    }
    if channels > MAX_CHANNELS {
        return Err(DecodeError::TooManyChannels { path: path.to_path_buf(), channels });
    }
    Ok(())
}

/// Checks the sample rate and channel count a container or decoder reports; returns the rate.
pub(super) fn check_stream(path: &Path, sample_rate_hz: Option<u32>, channels: Option<usize>) -> Result<u32, DecodeError> {
    let hz = check_sample_rate(sample_rate_hz)
        .map_err(|problem| DecodeError::DamagedHeader { path: path.to_path_buf(), problem })?;
    if let Some(channels) = channels {
        check_channels(path, channels)?;
    }
    Ok(hz)
}

/// Refuses a declared length no recording has as damage, and one over `limit_s` as too long.
pub(super) fn check_declared_length(path: &Path, frames: u64, sample_rate_hz: u32, limit_s: u64) -> Result<(), DecodeError> {
    let duration_s = frames / u64::from(sample_rate_hz.max(1));
    if duration_s > MAX_DECLARED_S {
        return Err(DecodeError::DamagedHeader { path: path.to_path_buf(), problem: HeaderProblem::Length { declared_s: duration_s } });
    }
    if duration_s > limit_s {
        return Err(DecodeError::TooLong { path: path.to_path_buf(), duration_s, limit_s });
    }
    Ok(())
}
