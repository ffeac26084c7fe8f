//! Why one recording could not be processed; every message names the file.

use crate::audio::recorder::RecorderError;
use crate::audio::DecodeError;
use crate::llm::LlmError;
use crate::models::ModelError;
use crate::secrets::SecretError;
use crate::store::StoreError;
use crate::stt::SttError;

/// Why a job failed for one file. Nothing is stored when it does.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error("{file}: {source}")]
    Transcribe {
        file: String,
        #[source]
        source: SttError,
    },
    #[error("the speech model could not be prepared: {source}")]
    Model {
        #[source]
        source: ModelError,
    },
    #[error("{file}: no speech was found in its {seconds:.1} s of audio, so there is nothing to analyse; nothing was stored")]
    NoSpeech { file: String, seconds: f64 },
    #[error("{file}: {source}")]
    Provider {
        file: String,
        #[source]
        source: LlmError,
    },
    #[error("{file}: {source}")]
    Store {
        file: String,
        #[source]
        source: StoreError,
    },
    #[error("{file}: cancelled")]
    Cancelled { file: String },
    #[error("{file}: Callscope failed while {stage} this file ({detail}); nothing was stored. Other files are not affected; please report it with the file if you can")]
    Crashed { file: String, stage: &'static str, detail: String },
    #[error("the job could not run: {detail}")]
    Runtime { detail: String },
    /// A remote provider (or transcriber) is chosen but its key is neither in the environment
    /// nor the keyring.
    #[error("{provider} is chosen to {purpose}, but no {label} is stored: add it in Settings or with `callscope keys set {name}`, set {variable}, or {fallback}. No file was analysed")]
    MissingApiKey {
        provider: &'static str,
        purpose: &'static str,
        label: &'static str,
        variable: &'static str,
        name: &'static str,
        fallback: &'static str,
    },
    /// The keyring could not be asked for the chosen provider's (or transcriber's) key.
    #[error("the {label} for {provider} could not be read: {source}. Or set {variable}, or {fallback}. No file was analysed")]
    KeyUnreadable {
        provider: &'static str,
        label: &'static str,
        variable: &'static str,
        fallback: &'static str,
        #[source]
        source: SecretError,
    },
    /// The chosen provider could not be set up.
    #[error("{source}. No file was analysed")]
    ProviderSetup {
        #[source]
        source: LlmError,
    },
    /// A live recording cut short by a crash could not be repaired.
    #[error(transparent)]
    Recording(#[from] RecorderError),
    /// The chosen cloud transcriber could not be set up.
    #[error("{source}. No file was analysed")]
    TranscriberSetup {
        #[source]
        source: SttError,
    },
}

/// Whose problem a failed job is, so a shell can answer in kind (the HTTP server's status
/// code): the file's, the setup's, a remote service's, or Callscope's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FailureKind {
    /// The recording cannot be used (not audio, damaged, unsupported, too long).
    InvalidAudio,
    /// The recording decodes but holds no speech to analyse.
    NoSpeech,
    /// This machine is not set up for the job (a model not installed, a key missing).
    Setup,
    /// A remote provider or transcription server failed.
    Remote,
    /// The job was asked to stop.
    Cancelled,
    /// Anything else: the library, a crash, the runtime.
    #[default]
    Internal,
}

impl PipelineError {
    /// Whose problem this failure is.
    pub fn kind(&self) -> FailureKind {
        match self {
            _ if self.is_cancelled() => FailureKind::Cancelled,
            PipelineError::Decode(DecodeError::Conversion { .. }) => FailureKind::Internal,
            PipelineError::Decode(_) | PipelineError::Recording(_) => FailureKind::InvalidAudio,
            PipelineError::NoSpeech { .. } => FailureKind::NoSpeech,
            PipelineError::Model { .. }
            | PipelineError::MissingApiKey { .. }
            | PipelineError::KeyUnreadable { .. }
            | PipelineError::ProviderSetup { .. }
            | PipelineError::TranscriberSetup { .. } => FailureKind::Setup,
            PipelineError::Provider { .. } => FailureKind::Remote,
            PipelineError::Transcribe { source, .. } => match source {
                SttError::CloudUnreachable { .. }
                | SttError::CloudRateLimited { .. }
                | SttError::CloudUnauthorized { .. }
                | SttError::CloudRefused { .. }
                | SttError::CloudBadAnswer { .. } => FailureKind::Remote,
                SttError::ModelMissing { .. }
                | SttError::ModelLoad { .. }
                | SttError::InvalidLanguage { .. }
                | SttError::CloudSetup { .. } => FailureKind::Setup,
                SttError::Whisper { .. } | SttError::WrongSampleRate { .. } | SttError::Cancelled => FailureKind::Internal,
            },
            PipelineError::Store { .. }
            | PipelineError::Crashed { .. }
            | PipelineError::Runtime { .. }
            | PipelineError::Cancelled { .. } => FailureKind::Internal,
        }
    }

    /// The speech model that is not installed, when that is why the job failed, so a shell can
    /// say how to install it.
    pub fn missing_model(&self) -> Option<&str> {
        match self {
            PipelineError::Model { source: ModelError::NotInstalled { name, .. } } => Some(name),
            _ => None,
        }
    }

    /// Whether the job stopped because it was asked to.
    pub fn is_cancelled(&self) -> bool {
        matches!(
            self,
            PipelineError::Cancelled { .. }
                | PipelineError::Transcribe { source: SttError::Cancelled, .. }
                | PipelineError::Provider { source: LlmError::Cancelled, .. }
                | PipelineError::Decode(DecodeError::Cancelled { .. })
        )
    }
}
