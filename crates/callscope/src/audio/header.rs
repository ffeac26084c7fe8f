//! A WAV file's description of its own audio, checked before symphonia is handed the file.
//!
//! symphonia 0.5 believes the fmt chunk: a sample rate of 0 panics inside it, any other rate is
//! passed on to the converter (whose buffers grow with it), a 0-bit extensible format reaches an
//! `unreachable!`, and an INFO list is read into a buffer as large as its chunk claims to be.
//! Reading the chunks here first turns each of those into a `DecodeError` that names the file.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::limits::{check_channels, check_sample_rate, MAX_CHANNELS};
use super::{DecodeError, HeaderProblem};

/// How far the length a container declares can be believed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DeclaredLength {
    /// As declared; for anything but WAV, the container reader's word is all there is.
    Trusted,
    /// The header declares more audio than the file holds: the file was cut short.
    PastEndOfFile,
    /// The header says the length is unknown (sizes of 0xFFFFFFFF, as written to a pipe).
    Unknown,
}

/// Chunks read looking for `data` before leaving the walk to symphonia; files carry a few.
const MAX_CHUNKS: usize = 64;
/// The longest fmt chunk that matters: WAVE_FORMAT_EXTENSIBLE's.
const FMT_EXTENSIBLE_LEN: usize = 40;

const FORMAT_PCM: u16 = 0x0001;
const FORMAT_ADPCM_MS: u16 = 0x0002;
const FORMAT_IEEE_FLOAT: u16 = 0x0003;
const FORMAT_ALAW: u16 = 0x0006;
const FORMAT_MULAW: u16 = 0x0007;
const FORMAT_ADPCM_IMA: u16 = 0x0011;
const FORMAT_EXTENSIBLE: u16 = 0xFFFE;
/// The last 12 bytes of the sub-format GUIDs whose first two bytes are a format tag: the
/// KSDATAFORMAT_SUBTYPE_* family and ambisonic B-format.
const GUID_TAILS: [[u8; 12]; 2] = [
    [0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71],
    [0x21, 0x07, 0xD3, 0x11, 0x86, 0x44, 0xC8, 0xC1, 0xCA, 0x00, 0x00, 0x00],
];

/// Checks a RIFF/WAVE file's fmt and data chunks and leaves `file` at its start; any other
/// file passes untouched. A header that ends early is left for symphonia to report.
pub(super) fn check_wav_header(path: &Path, file: &mut File) -> Result<DeclaredLength, DecodeError> {
    let unreadable = |source| DecodeError::Unreadable { path: path.to_path_buf(), source };
    let file_len = file.metadata().map_err(unreadable)?.len();
    let outcome = walk_chunks(path, file, file_len);
    file.seek(SeekFrom::Start(0)).map_err(unreadable)?;
    outcome
}

fn walk_chunks(path: &Path, file: &mut File, file_len: u64) -> Result<DeclaredLength, DecodeError> {
    let mut riff = [0u8; 12];
    if read_at(file, 0, &mut riff).is_none() || &riff[0..4] != b"RIFF" || &riff[8..12] != b"WAVE" {
        return Ok(DeclaredLength::Trusted);
    }
    let riff_len = u32::from_le_bytes([riff[4], riff[5], riff[6], riff[7]]);
    let mut pos = 12u64;
    for _ in 0..MAX_CHUNKS {
        let mut head = [0u8; 8];
        if read_at(file, pos, &mut head).is_none() {
            return Ok(DeclaredLength::Trusted);
        }
        let id = [head[0], head[1], head[2], head[3]];
        let len = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        let body_at = pos + 8;
        match &id {
            b"data" => return Ok(data_length(riff_len, len, body_at, file_len)),
            // Shorter than 16 bytes, symphonia itself refuses it as malformed.
            b"fmt " if len >= 16 => {
                let mut body = [0u8; FMT_EXTENSIBLE_LEN];
                let n = (len as usize).min(FMT_EXTENSIBLE_LEN);
                if read_at(file, body_at, &mut body[..n]).is_none() {
                    return Ok(DeclaredLength::Trusted);
                }
                // symphonia applies every fmt chunk before the data, so every one is checked.
                check_format(path, &WavFormat::parse(&body, n))?;
            }
            b"fmt " => {}
            _ if body_at + u64::from(len) > file_len => {
                let name = String::from_utf8_lossy(&id).trim_end().to_string();
                let left = file_len.saturating_sub(body_at);
                let detail = format!("its header announces a {len}-byte {name} section where {left} bytes are left");
                return Err(DecodeError::Truncated { path: path.to_path_buf(), detail });
            }
            _ => {}
        }
        pos = body_at + u64::from(len) + u64::from(len & 1);
    }
    Ok(DeclaredLength::Trusted)
}

fn data_length(riff_len: u32, data_len: u32, data_at: u64, file_len: u64) -> DeclaredLength {
    if riff_len == u32::MAX && data_len == u32::MAX {
        DeclaredLength::Unknown
    } else if data_at + u64::from(data_len) > file_len {
        DeclaredLength::PastEndOfFile
    } else {
        DeclaredLength::Trusted
    }
}

/// Fills `buf` from byte `pos`; `None` when the file ends first or cannot be read.
fn read_at(file: &mut File, pos: u64, buf: &mut [u8]) -> Option<()> {
    file.seek(SeekFrom::Start(pos)).ok()?;
    file.read_exact(buf).ok()
}

/// The fields of a fmt chunk, with an extensible format's sub-format as its tag.
struct WavFormat {
    /// `None` for an extensible format whose sub-format symphonia does not decode.
    tag: Option<u16>,
    channels: u16,
    sample_rate_hz: u32,
    byte_rate: u32,
    block_align: u16,
    bits_per_sample: u16,
    /// The speaker positions of an extensible format.
    channel_mask: Option<u32>,
}

impl WavFormat {
    /// Reads the first `n` (at least 16) bytes of a fmt chunk, held in `body`.
    fn parse(body: &[u8; FMT_EXTENSIBLE_LEN], n: usize) -> WavFormat {
        let u16_at = |at: usize| u16::from_le_bytes([body[at], body[at + 1]]);
        let u32_at = |at: usize| u32::from_le_bytes([body[at], body[at + 1], body[at + 2], body[at + 3]]);
        let extensible = u16_at(0) == FORMAT_EXTENSIBLE && n >= FMT_EXTENSIBLE_LEN;
        let tag = match u16_at(0) {
            FORMAT_EXTENSIBLE if extensible => {
                let known_guid = body[26..28] == [0, 0] && GUID_TAILS.iter().any(|tail| body[28..40] == tail[..]);
                let sub = u16_at(24);
                (known_guid && matches!(sub, FORMAT_PCM | FORMAT_IEEE_FLOAT | FORMAT_ALAW | FORMAT_MULAW)).then_some(sub)
            }
            FORMAT_EXTENSIBLE => None,
            tag => Some(tag),
        };
        WavFormat {
            tag,
            channels: u16_at(2),
            sample_rate_hz: u32_at(4),
            byte_rate: u32_at(8),
            block_align: u16_at(12),
            bits_per_sample: u16_at(14),
            channel_mask: extensible.then(|| u32_at(20)),
        }
    }
}

/// A format symphonia decodes, and what its fmt chunk must say for that to work.
struct WavCodec {
    name: &'static str,
    widths: &'static [u16],
    widths_text: &'static str,
    /// Header bytes per channel at the start of each ADPCM block.
    adpcm_preamble: Option<u32>,
}

impl WavCodec {
    fn of(tag: u16) -> Option<WavCodec> {
        let (name, widths, widths_text, adpcm_preamble): (_, &'static [u16], _, _) = match tag {
            FORMAT_PCM => ("PCM", &[8, 16, 24, 32], "8, 16, 24 or 32", None),
            FORMAT_IEEE_FLOAT => ("floating-point", &[32, 64], "32 or 64", None),
            FORMAT_ALAW => ("A-law", &[8], "8", None),
            FORMAT_MULAW => ("µ-law", &[8], "8", None),
            FORMAT_ADPCM_MS => ("Microsoft ADPCM", &[4], "4", Some(7)),
            FORMAT_ADPCM_IMA => ("IMA ADPCM", &[4], "4", Some(4)),
            _ => return None,
        };
        Some(WavCodec { name, widths, widths_text, adpcm_preamble })
    }

    /// Whether one block (`block_align` bytes) can hold a frame of every channel.
    fn block_fits(&self, f: &WavFormat) -> bool {
        let (align, channels) = (u32::from(f.block_align), u32::from(f.channels));
        match self.adpcm_preamble {
            // symphonia computes (align − preamble·channels)·8 in 16 bits.
            Some(preamble) => align > preamble * channels && (align - preamble * channels) * 8 <= u32::from(u16::MAX),
            None => align == channels * u32::from(f.bits_per_sample) / 8,
        }
    }
}

fn check_format(path: &Path, f: &WavFormat) -> Result<(), DecodeError> {
    let damaged = |problem| DecodeError::DamagedHeader { path: path.to_path_buf(), problem };
    if f.channels == 0 {
        return Err(damaged(HeaderProblem::Channels { count: 0 }));
    }
    check_sample_rate(Some(f.sample_rate_hz)).map_err(damaged)?;
    if let Some(codec) = f.tag.and_then(WavCodec::of) {
        if f.byte_rate == 0 {
            return Err(damaged(HeaderProblem::ZeroByteRate));
        }
        if !codec.widths.contains(&f.bits_per_sample) {
            let problem = HeaderProblem::SampleWidth { bits: f.bits_per_sample, codec: codec.name, allowed: codec.widths_text };
            return Err(damaged(problem));
        }
        if !codec.block_fits(f) {
            // Far more channels than a block can hold: the count is the damaged field.
            return Err(damaged(if usize::from(f.channels) > MAX_CHANNELS {
                HeaderProblem::Channels { count: f.channels.into() }
            } else {
                HeaderProblem::BlockAlign { bytes: f.block_align, channels: f.channels, bits_per_sample: f.bits_per_sample }
            }));
        }
    }
    // symphonia fills a mask naming fewer speakers than channels by shifting past its top bit,
    // which overflows when the top bit is set.
    if let Some(mask) = f.channel_mask {
        if mask & 0x8000_0000 != 0 && mask.count_ones() < u32::from(f.channels) {
            return Err(damaged(HeaderProblem::ChannelMask { mask, channels: f.channels }));
        }
    }
    check_channels(path, f.channels.into())
}
