//! Speech to text: the `Transcriber` trait, transcript types, the local Whisper engine and the
//! cloud one (an OpenAI-compatible `audio/transcriptions` server).
//!
//! Speakers come from channels: in a stereo call each channel is transcribed on its own speech
//! only (silence cut out), so every word belongs to the channel it was spoken on. Mono
//! recordings get the same silence cutting, with speaker `unknown`.

mod activity;
mod answer;
mod assemble;
mod cloud;
mod hallucination;
mod splice;
pub mod stream;
mod subtitles;
mod transcript;
mod upload;
mod vad;
mod wer;
mod whisper;

use std::path::PathBuf;

pub use activity::{speech_regions, SpeechRegion};
pub use cloud::{CloudTranscriber, DEFAULT_TRANSCRIPTION_MODEL, MAX_UPLOAD_BYTES};
pub use subtitles::{to_srt, to_vtt};
pub use transcript::{Segment, Speaker, Transcript};
pub use wer::{normalise_words, word_edits, word_error_rate};
pub use vad::{SpeechFilter, LONG_REGION_MS};
pub use whisper::WhisperTranscriber;

use crate::audio::AudioClip;
use crate::progress::{CancelToken, ProgressSink};

/// How to transcribe a call.
#[derive(Debug, Clone)]
pub struct TranscribeOptions {
    /// Left channel is the customer and right the agent, instead of the default.
    pub swap_channels: bool,
    /// Spoken language as an ISO 639-1 code (`en`), or `auto` to detect it.
    pub language: String,
    /// Beam width; `None` or 1 decodes greedily (fastest).
    pub beam_size: Option<u32>,
    /// Silero VAD model; when set, stretches that sound continuous for longer than
    /// `LONG_REGION_MS` (music on hold, line noise) are checked and only their speech is kept.
    pub vad_model: Option<PathBuf>,
}

impl Default for TranscribeOptions {
    fn default() -> Self {
        TranscribeOptions { swap_channels: false, language: "en".into(), beam_size: None, vad_model: None }
    }
}

impl TranscribeOptions {
    fn validate(&self) -> Result<(), SttError> {
        let ok = self.language == "auto"
            || ((2..=3).contains(&self.language.len()) && self.language.chars().all(|c| c.is_ascii_lowercase()));
        if ok {
            Ok(())
        } else {
            Err(SttError::InvalidLanguage { language: self.language.clone() })
        }
    }
}

/// Turns decoded audio into a speaker-labelled transcript.
pub trait Transcriber: Send + Sync {
    /// Engine and model, for display and storage.
    fn name(&self) -> String;

    /// Transcribe a 16 kHz clip; stereo clips get agent/customer speakers from their channels.
    fn transcribe(
        &self,
        clip: &AudioClip,
        options: &TranscribeOptions,
        progress: ProgressSink<'_>,
        cancel: &CancelToken,
    ) -> Result<Transcript, SttError>;
}

/// Why transcription failed.
#[derive(Debug, thiserror::Error)]
pub enum SttError {
    #[error("the speech model file {path} is not there; install the model again")]
    ModelMissing { path: PathBuf },
    #[error("the speech model file {path} could not be loaded ({detail}); it may be damaged: install the model again")]
    ModelLoad { path: PathBuf, detail: String },
    #[error("the speech recogniser failed: {detail}")]
    Whisper { detail: String },
    #[error("audio must be 16 kHz for transcription, got {sample_rate_hz} Hz")]
    WrongSampleRate { sample_rate_hz: u32 },
    #[error("'{language}' is not a language code; use a two-letter code such as `en`, or `auto`")]
    InvalidLanguage { language: String },
    #[error("transcription was cancelled")]
    Cancelled,
    #[error("{provider} could not be reached to transcribe: {detail}. Check the network and the server address (setting openai_base_url), or set transcription to local")]
    CloudUnreachable { provider: String, detail: String },
    #[error("{provider} is limiting requests (HTTP 429) while transcribing: {detail}. Wait and try again, or use a key with a higher quota")]
    CloudRateLimited { provider: String, detail: String },
    #[error("{provider} rejected the API key while transcribing. Enter a valid key in Settings or with `callscope keys set openai`, or set OPENAI_API_KEY")]
    CloudUnauthorized { provider: String },
    #[error("{provider} refused to transcribe the audio: {detail}")]
    CloudRefused { provider: String, detail: String },
    #[error("{provider} returned a transcription Callscope could not read: {detail}. Check that the server speaks OpenAI's audio/transcriptions API")]
    CloudBadAnswer { provider: String, detail: String },
    #[error("{provider} cannot be used for transcription: {detail}")]
    CloudSetup { provider: String, detail: String },
}
