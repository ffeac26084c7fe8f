//! What a call recording can be: the sample rates, channel counts and lengths decoding accepts.
//!
//! A file's header is checked against these before any decoder, converter or buffer is built
//! from its numbers, so a damaged header is refused instead of crashing or exhausting memory.

/// Lowest sample rate accepted: narrow-band telephone audio.
pub const MIN_SAMPLE_RATE_HZ: u32 = 8_000;
/// Highest sample rate accepted: the top rate of studio recorders.
pub const MAX_SAMPLE_RATE_HZ: u32 = 384_000;
/// Most channels accepted: a call has one or two, a conference or surround recorder up to eight.
pub const MAX_CHANNELS: usize = 8;
