//! One job builder for every shell: the settings and the installed models decide the
//! transcriber, the speech-activity filter, the provider and the options, here and only here.

use std::path::PathBuf;
use std::sync::Arc;

use crate::config::{Settings, TranscriptionChoice};
use crate::llm::LlmProvider;
use crate::models::ModelStore;
use crate::secrets::Keyring;
use crate::stt::{TranscribeOptions, Transcriber};

use super::{PipelineError, ProviderPlan, TranscriberPlan};

/// What a job will use, decided from the settings and the installed models.
#[derive(Debug, Clone, PartialEq)]
pub struct JobPlan {
    /// The speech model's name (`base`, `tiny.en`, …; `whisper-1` on a cloud transcriber).
    pub model: String,
    /// Who transcribes: the local model's file, or the cloud server.
    pub transcriber: TranscriberPlan,
    /// The speech-activity model that checks music on hold, when it is wanted and installed.
    pub vad_model: Option<PathBuf>,
    pub swap_channels: bool,
    pub language: String,
    pub provider: ProviderPlan,
    pub keep_original_pii: bool,
}

impl JobPlan {
    /// The plan for `settings` with the models installed in `models`; fails when the chosen
    /// local speech model is not installed (a cloud transcriber needs none). A missing
    /// speech-activity model only means music is not filtered (logged), never a failed job.
    pub fn from_settings(settings: &Settings, models: &ModelStore) -> Result<JobPlan, PipelineError> {
        let settings = settings.clone().checked().map_err(|e| PipelineError::Runtime { detail: e.to_string() })?;
        let transcriber = TranscriberPlan::from_settings(&settings, models)?;
        let model = match settings.transcription {
            TranscriptionChoice::Local => settings.model.clone(),
            TranscriptionChoice::Openai => settings.openai_transcription_model.clone(),
        };
        let vad_model = if settings.filter_music {
            models
                .vad_path()
                .map_err(|e| tracing::info!(reason = %e, "music on hold is not filtered: the speech-activity model is not installed"))
                .ok()
        } else {
            None
        };
        let provider = ProviderPlan::from_settings(&settings);
        Ok(JobPlan {
            model,
            transcriber,
            vad_model,
            swap_channels: settings.swap_channels,
            language: settings.language,
            provider,
            keep_original_pii: settings.keep_original_pii,
        })
    }

    /// The transcription options this plan asks for.
    pub fn transcribe_options(&self) -> TranscribeOptions {
        TranscribeOptions {
            swap_channels: self.swap_channels,
            language: self.language.clone(),
            beam_size: None,
            vad_model: self.vad_model.clone(),
        }
    }
}

/// A plan with its transcriber and provider loaded: what every file of a batch runs through.
#[derive(Clone)]
pub struct Job {
    plan: JobPlan,
    transcriber: Arc<dyn Transcriber>,
    provider: Arc<dyn LlmProvider>,
    /// The day every call of this job was recorded, when the user says so (`with_recorded_on`).
    recorded_on: Option<time::Date>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("plan", &self.plan).field("provider", &self.provider.name()).finish()
    }
}

impl Job {
    /// Load what `plan` names: the provider, with its API key from the environment or `keys`
    /// (a remote provider without a key fails here, before the speech model is loaded), and
    /// the transcriber: the local speech model (shared with other jobs of the process), or the
    /// cloud server with its key (none fails here too).
    pub fn build(plan: JobPlan, keys: &Keyring) -> Result<Job, PipelineError> {
        let provider = plan.provider.build(keys)?;
        let transcriber = plan.transcriber.build(keys)?;
        if plan.provider.uploads_audio() {
            tracing::warn!(provider = %provider.name(), model = %provider.model(), "Gemini audio mode: each call's audio is uploaded to Google for stage 1");
        }
        if plan.transcriber.uploads_audio() {
            tracing::warn!(transcriber = %transcriber.name(), "cloud transcription: each call's audio is uploaded to the transcription server");
        }
        tracing::info!(model = %plan.model, vad = plan.vad_model.is_some(), provider = provider.name(), "job built");
        Ok(Job { plan, transcriber, provider, recorded_on: None })
    }

    /// The job for `settings` with the models in `models` and API keys from the environment
    /// or `keys` (`JobPlan::from_settings`, then `build`).
    pub fn from_settings(settings: &Settings, models: &ModelStore, keys: &Keyring) -> Result<Job, PipelineError> {
        Job::build(JobPlan::from_settings(settings, models)?, keys)
    }

    /// A job that runs `plan` with a transcriber and provider the caller already has (an
    /// accuracy harness that pins the reference year, a cloud transcriber).
    pub fn with_parts(plan: JobPlan, transcriber: Arc<dyn Transcriber>, provider: Arc<dyn LlmProvider>) -> Job {
        Job { plan, transcriber, provider, recorded_on: None }
    }

    /// This job with every call taken as recorded on `date` (dates said without a year are
    /// read against it) instead of the day the file tells.
    pub fn with_recorded_on(self, date: time::Date) -> Job {
        Job { recorded_on: Some(date), ..self }
    }

    /// The day the recording at `path` was made: the one given to `recorded_on`, else the
    /// file's own (`pipeline::recorded_on`).
    pub fn recording_day(&self, path: &std::path::Path) -> time::Date {
        self.recorded_on.unwrap_or_else(|| super::file::recorded_on(path))
    }

    /// What this job was built from.
    pub fn plan(&self) -> &JobPlan {
        &self.plan
    }

    /// The speech engine.
    pub fn transcriber(&self) -> Arc<dyn Transcriber> {
        Arc::clone(&self.transcriber)
    }

    /// The provider that analyses transcripts.
    pub fn provider(&self) -> Arc<dyn LlmProvider> {
        Arc::clone(&self.provider)
    }

    /// The transcription options.
    pub fn transcribe_options(&self) -> TranscribeOptions {
        self.plan.transcribe_options()
    }

    /// The speech engine, model and filter, as stored with each call.
    pub fn transcriber_name(&self) -> String {
        match &self.plan.vad_model {
            Some(_) => format!("{} + Silero VAD", self.transcriber.name()),
            None => self.transcriber.name(),
        }
    }
}
