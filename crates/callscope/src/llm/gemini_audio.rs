//! Gemini's audio mode, stage 1 as the original system ran it: the call's recording goes to
//! `generateContent` with the question (transcription, domain, category), either inside the
//! request (`inline_data`, base64) or, when larger, uploaded first through the Files API
//! (`gemini_files`) and referenced (`file_data`).
//!
//! Gemini takes WAV, MP3, AIFF, AAC, OGG and FLAC; anything else (m4a) is decoded here and sent
//! as 16 kHz mono 16-bit WAV. Formats are recognised by content, as the decoder does.

use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use serde_json::{json, Value};

use crate::audio::{decode_file, DecodeOptions};
use crate::call::{Detection, DomainCatalog};
use crate::progress::{ignore_progress, CancelToken};

use super::gemini::GeminiProvider;
use super::gemini_files;
use super::remote::{self, Answer, Ask, Correction, ModelApi};
use super::{Completion, LlmError};

/// Largest request Gemini takes with the audio inside it (20 MB, base64 included).
pub const INLINE_LIMIT_BYTES: u64 = 20_000_000;
/// Largest file the Gemini Files API takes (2 GB).
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// Room left in an inline request for the question and the catalog.
const QUESTION_ALLOWANCE_BYTES: u64 = 256 * 1024;

/// How stage 1 sends a recording.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioMode {
    /// Largest request with the audio inside it (base64 makes audio a third larger); a larger
    /// recording is uploaded through the Files API first.
    pub inline_limit_bytes: u64,
    /// Largest recording sent at all (the Files API's limit); a larger one is refused.
    pub max_file_bytes: u64,
    /// How often an upload Google is still processing is asked about again.
    pub poll_interval: Duration,
}

impl Default for AudioMode {
    fn default() -> Self {
        AudioMode { inline_limit_bytes: INLINE_LIMIT_BYTES, max_file_bytes: MAX_FILE_BYTES, poll_interval: Duration::from_secs(2) }
    }
}

/// The bytes that go to Gemini and what they are.
struct Recording {
    bytes: Bytes,
    mime_type: &'static str,
}

/// Stage 1 through `gemini` from the recording at `path`.
pub(super) async fn detect(gemini: &GeminiProvider, mode: &AudioMode, path: &Path, catalog: &DomainCatalog) -> Result<Completion<Detection>, LlmError> {
    let recording = prepared(gemini, path, mode.max_file_bytes).await?;
    let size = recording.bytes.len() as u64;
    if base64_len(size) + QUESTION_ALLOWANCE_BYTES.min(mode.inline_limit_bytes / 4) <= mode.inline_limit_bytes {
        tracing::info!(bytes = size, mime_type = recording.mime_type, "stage 1: the call's audio goes to Gemini inside the request");
        let data = base64::engine::general_purpose::STANDARD.encode(&recording.bytes);
        let part = json!({"inline_data": {"mime_type": recording.mime_type, "data": data}});
        return remote::detect_heard(&Hearing { gemini, audio: part }, catalog).await;
    }
    tracing::info!(bytes = size, mime_type = recording.mime_type, "stage 1: the call's audio is uploaded to the Gemini Files API");
    let file = gemini_files::upload(gemini, &recording.bytes, recording.mime_type, mode.poll_interval).await?;
    let part = json!({"file_data": {"mime_type": file.mime_type.clone().unwrap_or_else(|| recording.mime_type.to_string()), "file_uri": file.uri}});
    let heard = remote::detect_heard(&Hearing { gemini, audio: part }, catalog).await;
    // Google would keep it 48 hours; it is not needed after stage 1.
    gemini_files::delete(gemini, &file).await;
    heard
}

/// Gemini asked with the recording beside every question (and beside the repair, which
/// repeats the conversation).
struct Hearing<'a> {
    gemini: &'a GeminiProvider,
    audio: Value,
}

impl ModelApi for Hearing<'_> {
    fn provider(&self) -> &str {
        self.gemini.provider()
    }

    async fn complete(&self, ask: &Ask, correction: Option<Correction<'_>>) -> Result<Answer, LlmError> {
        self.gemini.generate(ask, correction, Some(&self.audio)).await
    }
}

/// The recording as Gemini takes it, read (and converted when need be) on a blocking thread.
async fn prepared(gemini: &GeminiProvider, path: &Path, max_bytes: u64) -> Result<Recording, LlmError> {
    let owned: PathBuf = path.to_path_buf();
    let result = tokio::task::spawn_blocking(move || read_recording(&owned, max_bytes)).await;
    let problem = |detail: String| LlmError::Recording { provider: gemini.provider().to_string(), detail };
    match result {
        Ok(read) => read.map_err(problem),
        Err(e) => Err(problem(format!("reading it stopped unexpectedly ({e})"))),
    }
}

fn read_recording(path: &Path, max_bytes: u64) -> Result<Recording, String> {
    let size = std::fs::metadata(path).map_err(|e| format!("{} could not be read ({e}); check that the file is still there", path.display()))?.len();
    check_size(size, max_bytes)?;
    let bytes = std::fs::read(path).map_err(|e| format!("{} could not be read ({e}); check that the file is still there", path.display()))?;
    if let Some(mime_type) = gemini_mime_type(&bytes) {
        return Ok(Recording { bytes: bytes.into(), mime_type });
    }
    tracing::debug!(path = %path.display(), "Gemini does not take this recording's format: it is sent as 16 kHz mono 16-bit WAV");
    let wav = as_wav(path)?;
    check_size(wav.len() as u64, max_bytes)?;
    Ok(Recording { bytes: wav.into(), mime_type: "audio/wav" })
}

fn check_size(size: u64, max_bytes: u64) -> Result<(), String> {
    if size <= max_bytes {
        return Ok(());
    }
    Err(format!(
        "it is {} and Gemini takes at most {} per recording; split it, or set gemini_mode to text to send only the redacted transcript",
        size_text(size),
        size_text(max_bytes)
    ))
}

/// A size as people read it: `1.4 MB`, `2.1 GB`.
fn size_text(bytes: u64) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    let mb = bytes as f64 / MB;
    if mb >= 1024.0 {
        format!("{:.1} GB", mb / 1024.0)
    } else if mb >= 0.1 {
        format!("{mb:.1} MB")
    } else {
        format!("{bytes} bytes")
    }
}

/// The mime type Gemini knows `bytes` by, when it is one of the formats it takes.
fn gemini_mime_type(bytes: &[u8]) -> Option<&'static str> {
    let at = |from: usize, tag: &[u8]| bytes.get(from..from + tag.len()) == Some(tag);
    if at(0, b"RIFF") && at(8, b"WAVE") {
        // A WAV that wraps a codec Gemini may not read (GSM, MP3) is converted.
        return wav_is_pcm(bytes).then_some("audio/wav");
    }
    if at(0, b"FORM") && at(8, b"AIFF") {
        return Some("audio/aiff");
    }
    if at(0, b"fLaC") {
        return Some("audio/flac");
    }
    if at(0, b"OggS") {
        return Some("audio/ogg");
    }
    if at(0, b"ID3") {
        return Some("audio/mp3");
    }
    match bytes {
        // MPEG frame sync; the layer bits tell ADTS AAC (00) from MPEG-1/2 Layer III (01).
        [0xFF, second, ..] if second & 0xF0 == 0xF0 && (second >> 1) & 0b11 == 0b00 => Some("audio/aac"),
        [0xFF, second, ..] if second & 0xE0 == 0xE0 && (second >> 1) & 0b11 == 0b01 => Some("audio/mp3"),
        _ => None,
    }
}

/// Whether a WAV's fmt chunk says PCM or float samples (plain or extensible).
fn wav_is_pcm(bytes: &[u8]) -> bool {
    let mut at = 12;
    while let Some(header) = bytes.get(at..at + 8) {
        let size = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        if &header[..4] == b"fmt " {
            return bytes.get(at + 8..at + 10).is_some_and(|tag| matches!(u16::from_le_bytes([tag[0], tag[1]]), 0x0001 | 0x0003 | 0xFFFE));
        }
        at = at.saturating_add(8).saturating_add(size + size % 2);
    }
    false
}

/// The recording decoded by Callscope's own decoder and written as 16 kHz mono 16-bit WAV.
fn as_wav(path: &Path) -> Result<Vec<u8>, String> {
    let decoded = decode_file(path, &DecodeOptions::default(), &ignore_progress, &CancelToken::new())
        .map_err(|e| format!("it is in a format Gemini does not take and could not be converted to WAV: {e}"))?;
    let spec = hound::WavSpec { channels: 1, sample_rate: decoded.clip.sample_rate_hz, bits_per_sample: 16, sample_format: hound::SampleFormat::Int };
    let mut out = Cursor::new(Vec::new());
    let written = (|| {
        let mut writer = hound::WavWriter::new(&mut out, spec)?;
        for sample in decoded.clip.mixdown() {
            writer.write_sample((sample.clamp(-1.0, 1.0) * f32::from(i16::MAX)) as i16)?;
        }
        writer.finalize()
    })();
    written.map_err(|e| format!("converting it to WAV for Gemini failed ({e})"))?;
    Ok(out.into_inner())
}

fn base64_len(bytes: u64) -> u64 {
    bytes.div_ceil(3) * 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_gemini_takes_are_known_by_their_first_bytes_and_others_are_converted() {
        let mut wav = b"RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0".to_vec();
        wav.extend([0u8; 14]);
        assert_eq!(gemini_mime_type(&wav), Some("audio/wav"));
        let mut gsm = b"RIFF\0\0\0\0WAVEfmt \x14\0\0\0\x31\0".to_vec();
        gsm.extend([0u8; 18]);
        assert_eq!(gemini_mime_type(&gsm), None, "GSM in WAV is converted");
        assert_eq!(gemini_mime_type(b"fLaC\0\0\0\x22"), Some("audio/flac"));
        assert_eq!(gemini_mime_type(b"OggS\0\x02"), Some("audio/ogg"));
        assert_eq!(gemini_mime_type(b"ID3\x04\0\0"), Some("audio/mp3"));
        assert_eq!(gemini_mime_type(&[0xFF, 0xFB, 0x90, 0x64]), Some("audio/mp3"));
        assert_eq!(gemini_mime_type(&[0xFF, 0xF1, 0x50, 0x80]), Some("audio/aac"));
        assert_eq!(gemini_mime_type(b"FORM\0\0\0\0AIFF"), Some("audio/aiff"));
        assert_eq!(gemini_mime_type(b"\0\0\0\x20ftypM4A "), None, "m4a is converted");
    }
}
