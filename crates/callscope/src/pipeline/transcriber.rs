//! Which transcriber a job uses, decided here only: Whisper on this machine from an installed
//! model, or an OpenAI-compatible `audio/transcriptions` server with its key from the
//! environment or the OS keyring. A cloud transcriber that needs a key and has none fails the
//! job build, before any file is touched; it never needs the local speech model.

use std::path::PathBuf;
use std::sync::Arc;

use crate::config::{Settings, TranscriptionChoice};
use crate::llm::{Endpoint, HttpOptions};
use crate::models::{ModelFormat, ModelStore};
use crate::secrets::{Keyring, SecretKind};
use crate::stt::{CloudTranscriber, Transcriber, WhisperTranscriber};

use super::provider::{find_key, on_this_machine, KeyUser};
use super::{file_name, PipelineError};

/// The transcriber a job uses and where it is (never its key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TranscriberPlan {
    /// Whisper on this machine, from this model file.
    Local { model_path: PathBuf },
    /// An OpenAI-compatible server: each channel's speech is uploaded to it.
    OpenAiCompatible { base_url: String, model: String },
}

impl TranscriberPlan {
    /// The transcriber `settings` (already checked) choose; the local one needs its speech
    /// model installed in `models`.
    pub fn from_settings(settings: &Settings, models: &ModelStore) -> Result<TranscriberPlan, PipelineError> {
        Ok(match settings.transcription {
            TranscriptionChoice::Local => {
                let model_path = models.path(&settings.model, ModelFormat::Q8_0).map_err(|source| PipelineError::Model { source })?;
                TranscriberPlan::Local { model_path }
            }
            TranscriptionChoice::Openai => TranscriberPlan::OpenAiCompatible {
                base_url: settings.openai_base_url.clone(),
                model: settings.openai_transcription_model.clone(),
            },
        })
    }

    /// Whether the call's audio leaves this machine.
    pub fn uploads_audio(&self) -> bool {
        match self {
            TranscriberPlan::Local { .. } => false,
            TranscriberPlan::OpenAiCompatible { base_url, .. } => !on_this_machine(base_url),
        }
    }

    /// The transcriber: the local model (shared with other jobs of the process), or the cloud
    /// one with its key from the environment or else `keys`.
    pub fn build(&self, keys: &Keyring) -> Result<Arc<dyn Transcriber>, PipelineError> {
        match self {
            TranscriberPlan::Local { model_path } => {
                let whisper = WhisperTranscriber::shared(model_path)
                    .map_err(|source| PipelineError::Transcribe { file: file_name(model_path), source })?;
                Ok(whisper)
            }
            TranscriberPlan::OpenAiCompatible { base_url, model } => {
                let user = KeyUser {
                    label: "the OpenAI-compatible transcriber",
                    name: "openai",
                    needs_key: !on_this_machine(base_url),
                    purpose: "transcribe calls",
                    fallback: "set transcription to local",
                };
                let key = find_key(SecretKind::OpenAiApiKey, keys, &user)?;
                let endpoint = Endpoint { base_url: base_url.clone(), model: model.clone(), key };
                let http = HttpOptions { timeout: UPLOAD_TIMEOUT, ..HttpOptions::default() };
                let cloud = CloudTranscriber::new(endpoint, http).map_err(|source| PipelineError::TranscriberSetup { source })?;
                Ok(Arc::new(cloud))
            }
        }
    }
}

/// Longest wait for one transcription answer: uploading 24 MB on a slow line and transcribing
/// thirteen minutes of speech both take minutes.
const UPLOAD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(600);
