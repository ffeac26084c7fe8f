//! Google Gemini over REST: `POST {base}/v1beta/models/{model}:generateContent` with the key in
//! the `x-goog-api-key` header only, the answer constrained by `generationConfig`
//! (`responseMimeType: application/json` and a `responseSchema`), tokens from `usageMetadata`.
//!
//! Text mode (the default): the local, redacted transcript goes out, never audio. Audio mode
//! (`with_audio`, see `gemini_audio`): stage 1 sends the recording itself.

use std::path::Path;

use async_trait::async_trait;
use serde::Deserialize;
use serde_json::json;

use crate::call::{Detection, DomainCatalog, ExtractionPrompt, Findings, TokenUsage};

use super::gemini_audio::{self, AudioMode};
use super::http::{HttpClient, HttpOptions, KeyHeader, Reply};
use super::remote::{self, Answer, Ask, Correction, ModelApi};
use super::{CallInput, Completion, Endpoint, LlmError, LlmProvider, LlmStage, NewPairAnalysis};

/// Google's endpoint for the Gemini API.
pub const DEFAULT_BASE_URL: &str = "https://generativelanguage.googleapis.com";

/// Gemini models through the Gemini API.
pub struct GeminiProvider {
    pub(super) http: HttpClient,
    pub(super) base_url: String,
    model: String,
    /// Set in audio mode: stage 1 hears the recording.
    audio: Option<AudioMode>,
}

impl std::fmt::Debug for GeminiProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeminiProvider").field("base_url", &self.base_url).field("model", &self.model).field("audio", &self.audio).finish()
    }
}

impl GeminiProvider {
    /// A provider for `endpoint` (the key is required: Gemini refuses requests without one).
    pub fn new(endpoint: Endpoint, http: HttpOptions) -> Result<GeminiProvider, LlmError> {
        let model = endpoint.model.trim().trim_start_matches("models/").to_string();
        // The model is part of the URL's path.
        if model.is_empty() || !model.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')) {
            return Err(LlmError::Setup { provider: "Gemini".into(), detail: format!("{model:?} is not a Gemini model name such as gemini-2.5-flash") });
        }
        let client = HttpClient::new("Gemini", &endpoint.key, KeyHeader { name: "x-goog-api-key", prefix: "" }, http)?;
        Ok(GeminiProvider { http: client, base_url: endpoint.base_url.trim_end_matches('/').to_string(), model, audio: None })
    }

    /// This provider in audio mode: stage 1 sends each call's recording to Google (inside the
    /// request, or through the Files API when it is larger than `mode` allows inline).
    pub fn with_audio(self, mode: AudioMode) -> GeminiProvider {
        GeminiProvider { audio: Some(mode), ..self }
    }

    fn url(&self) -> String {
        format!("{}/v1beta/models/{}:generateContent", self.base_url, self.model)
    }
}

#[async_trait]
impl LlmProvider for GeminiProvider {
    fn name(&self) -> &str {
        "gemini"
    }

    fn model(&self) -> &str {
        &self.model
    }

    async fn detect(&self, call: CallInput<'_>, catalog: &DomainCatalog) -> Result<Completion<Detection>, LlmError> {
        remote::detect(self, call, catalog).await
    }

    async fn generate_prompt(&self, domain: &str, category: &str, call: CallInput<'_>) -> Result<Completion<ExtractionPrompt>, LlmError> {
        remote::generate_prompt(self, domain, category, call).await
    }

    async fn analyze(&self, call: CallInput<'_>, prompt: &ExtractionPrompt) -> Result<Completion<Findings>, LlmError> {
        remote::analyze(self, call, prompt).await
    }

    async fn detect_and_analyze(
        &self,
        call: CallInput<'_>,
        catalog: &DomainCatalog,
        prompt: &ExtractionPrompt,
    ) -> Result<Option<Completion<(Detection, Findings)>>, LlmError> {
        remote::detect_and_analyze(self, call, catalog, prompt).await.map(Some)
    }

    async fn detect_design_and_analyze(&self, call: CallInput<'_>, catalog: &DomainCatalog) -> Result<Option<Completion<NewPairAnalysis>>, LlmError> {
        remote::detect_design_and_analyze(self, call, catalog).await.map(Some)
    }

    async fn detect_from_audio(&self, recording: &Path, catalog: &DomainCatalog) -> Result<Option<Completion<Detection>>, LlmError> {
        match &self.audio {
            Some(mode) => gemini_audio::detect(self, mode, recording, catalog).await.map(Some),
            None => Ok(None),
        }
    }
}

impl ModelApi for GeminiProvider {
    fn provider(&self) -> &str {
        self.http.provider()
    }

    async fn complete(&self, ask: &Ask, correction: Option<Correction<'_>>) -> Result<Answer, LlmError> {
        self.generate(ask, correction, None).await
    }
}

impl GeminiProvider {
    /// Ask `generateContent`; `audio` (an `inline_data` or `file_data` part) goes with the
    /// question.
    pub(super) async fn generate(&self, ask: &Ask, correction: Option<Correction<'_>>, audio: Option<&serde_json::Value>) -> Result<Answer, LlmError> {
        let mut question = vec![json!({"text": ask.question})];
        question.extend(audio.cloned());
        let mut contents = vec![json!({"role": "user", "parts": question})];
        if let Some(c) = correction {
            contents.push(json!({"role": "model", "parts": [{"text": c.answer}]}));
            contents.push(json!({"role": "user", "parts": [{"text": c.message()}]}));
        }
        let body = json!({
            "systemInstruction": {"parts": [{"text": ask.instructions}]},
            "contents": contents,
            "generationConfig": {"responseMimeType": "application/json", "responseSchema": ask.schema.to_gemini()},
        });
        let reply = self.http.post_json(ask.stage, &self.url(), &body).await?;
        if !reply.status.is_success() {
            return Err(self.refused(ask.stage, &reply));
        }
        let response: Response = serde_json::from_slice(&reply.body)
            .map_err(|e| self.http.bad_response(ask.stage, format!("the response is not generateContent JSON ({e})")))?;
        self.answer(ask.stage, response)
    }

    /// The error for a final status that is not a success.
    pub(super) fn refused(&self, stage: LlmStage, reply: &Reply) -> LlmError {
        // Gemini answers a wrong key with 400 INVALID_ARGUMENT, not 401.
        let text = reply.text();
        if text.contains("API_KEY_INVALID") || text.contains("API key not valid") {
            return LlmError::Unauthorized { provider: self.provider().to_string(), stage };
        }
        self.http.refusal(stage, reply)
    }

    fn answer(&self, stage: LlmStage, response: Response) -> Result<Answer, LlmError> {
        let usage = response.usage_metadata.map(TokenUsage::from).unwrap_or_default();
        let Some(candidate) = response.candidates.into_iter().next() else {
            let reason = response.prompt_feedback.and_then(|f| f.block_reason).unwrap_or_else(|| "no reason given".into());
            return Err(LlmError::Rejected { provider: self.provider().to_string(), stage, detail: format!("no answer came back ({reason})") });
        };
        // Thought summaries are not the answer.
        let text: String = candidate.content.map(|c| c.parts).unwrap_or_default().into_iter().filter(|p| !p.thought).filter_map(|p| p.text).collect();
        if text.trim().is_empty() {
            let reason = candidate.finish_reason.unwrap_or_else(|| "no reason given".into());
            return Err(LlmError::Rejected { provider: self.provider().to_string(), stage, detail: format!("the answer was empty ({reason})") });
        }
        Ok(Answer { text, usage })
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Response {
    #[serde(default)]
    candidates: Vec<Candidate>,
    usage_metadata: Option<Usage>,
    prompt_feedback: Option<Feedback>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Candidate {
    content: Option<Content>,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Content {
    #[serde(default)]
    parts: Vec<Part>,
}

#[derive(Deserialize)]
struct Part {
    text: Option<String>,
    #[serde(default)]
    thought: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Feedback {
    block_reason: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Usage {
    prompt_token_count: u64,
    candidates_token_count: u64,
    thoughts_token_count: u64,
}

impl From<Usage> for TokenUsage {
    /// Thinking is billed as output, so it counts as output here too.
    fn from(u: Usage) -> TokenUsage {
        TokenUsage { input: u.prompt_token_count, output: u.candidates_token_count + u.thoughts_token_count }
    }
}
