//! The values providers exchange with the pipeline, whatever the provider.

use crate::call::{Detection, ExtractionPrompt, Findings, TokenUsage};

/// A provider's answer together with what it cost.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion<T> {
    pub value: T,
    pub usage: TokenUsage,
}

/// The answer for the first call of a kind no prompt exists for: what kind it is, the prompt
/// designed for that kind (to be saved for every later call of it) and this call's findings.
#[derive(Debug, Clone, PartialEq)]
pub struct NewPairAnalysis {
    pub detection: Detection,
    pub prompt: ExtractionPrompt,
    pub findings: Findings,
}

/// The provider call a failure happened in, as errors name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LlmStage {
    /// Stage 1: the call's domain and category.
    Detection,
    /// Writing the extraction prompt of a new domain/category pair.
    PromptGeneration,
    /// Stage 2: fields, general facts and the summary.
    Analysis,
    /// Stages 1 and 2 in one request (a pair whose prompt is saved).
    Combined,
    /// Speech to text on a remote server (`audio/transcriptions`).
    Transcription,
    /// The first call of a kind without a prompt: detection, the kind's prompt and the
    /// findings in one request.
    NewPair,
    /// Stage 1 from the recording (Gemini's audio mode): the audio goes up, the
    /// transcription, domain and category come back.
    AudioDetection,
}

impl std::fmt::Display for LlmStage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            LlmStage::Detection => "detecting the call's domain",
            LlmStage::PromptGeneration => "writing the extraction prompt for a new kind of call",
            LlmStage::Analysis => "extracting the call's fields and summary",
            LlmStage::Combined => "analysing the call (domain, fields and summary in one request)",
            LlmStage::Transcription => "transcribing the call's audio",
            LlmStage::NewPair => "analysing the first call of a new kind (domain, its extraction prompt, fields and summary in one request)",
            LlmStage::AudioDetection => "sending the call's audio for stage 1 (transcription and domain)",
        })
    }
}

/// Why a provider call failed. Messages name the provider and the stage and never hold an
/// API key.
#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    #[error("{provider} could not be reached while {stage}: {detail}. Check the network or switch to the offline analyzer in settings")]
    Unreachable { provider: String, stage: LlmStage, detail: String },
    #[error("{provider} is limiting requests (HTTP 429) while {stage}: {detail}. Wait and try again, or use a key with a higher quota")]
    RateLimited { provider: String, stage: LlmStage, detail: String },
    #[error("{provider} rejected the API key while {stage}. Enter a valid key in settings or with `callscope keys set`")]
    Unauthorized { provider: String, stage: LlmStage },
    #[error("{provider} returned an answer Callscope could not use while {stage}: {detail}")]
    BadResponse { provider: String, stage: LlmStage, detail: String },
    #[error("{provider} refused the request while {stage}: {detail}")]
    Rejected { provider: String, stage: LlmStage, detail: String },
    #[error("{provider} cannot be sent this recording: {detail}")]
    Recording { provider: String, detail: String },
    #[error("{provider} cannot be used: {detail}")]
    Setup { provider: String, detail: String },
    #[error("the analysis was cancelled")]
    Cancelled,
}
