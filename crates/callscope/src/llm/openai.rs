//! OpenAI-compatible servers (OpenAI, Ollama, llama.cpp's server, vLLM):
//! `POST {base}/chat/completions` with `Authorization: Bearer KEY` (no header when there is no
//! key, as local servers need none), the answer constrained by a strict `json_schema`
//! `response_format`, tokens from `usage`.
//!
//! A server that refuses `json_schema` (a 400 about `response_format`) is asked again with
//! `json_object` and the schema written into the instructions; that is remembered per base URL
//! for the rest of the process, so the refusal costs one request once.

use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};

use async_trait::async_trait;
use reqwest::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::call::{Detection, DomainCatalog, ExtractionPrompt, Findings, TokenUsage};

use super::http::{HttpClient, HttpOptions, KeyHeader, Reply};
use super::remote::{self, Answer, Ask, Correction, ModelApi};
use super::{CallInput, Completion, Endpoint, LlmError, LlmProvider, LlmStage, NewPairAnalysis};

/// OpenAI's own endpoint.
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";

/// Base URLs whose server refused `json_schema` in this process.
static JSON_OBJECT_ONLY: LazyLock<Mutex<HashSet<String>>> = LazyLock::new(Mutex::default);

/// A chat-completions server speaking OpenAI's API.
pub struct OpenAiProvider {
    http: HttpClient,
    base_url: String,
    model: String,
}

impl std::fmt::Debug for OpenAiProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAiProvider").field("base_url", &self.base_url).field("model", &self.model).finish()
    }
}

impl OpenAiProvider {
    /// A provider for `endpoint`; an empty key sends no `Authorization` header.
    pub fn new(endpoint: Endpoint, http: HttpOptions) -> Result<OpenAiProvider, LlmError> {
        let base_url = endpoint.base_url.trim().trim_end_matches('/').to_string();
        let client = HttpClient::new(&server_name(&base_url), &endpoint.key, KeyHeader { name: "authorization", prefix: "Bearer " }, http)?;
        Ok(OpenAiProvider { http: client, base_url, model: endpoint.model.trim().to_string() })
    }

    fn body(&self, ask: &Ask, correction: Option<Correction<'_>>, strict_schema: bool) -> Value {
        let (instructions, response_format) = if strict_schema {
            let format = json!({"type": "json_schema", "json_schema": {"name": ask.schema_name, "strict": true, "schema": ask.schema.to_openai()}});
            (ask.instructions.clone(), format)
        } else {
            // `json_object` only promises JSON: the shape goes into the instructions, which
            // must say "JSON" for OpenAI to accept the mode.
            let text = format!("{}\nThe JSON object must follow this JSON schema:\n{}", ask.instructions, ask.schema.to_openai());
            (text, json!({"type": "json_object"}))
        };
        let mut messages = vec![json!({"role": "system", "content": instructions}), json!({"role": "user", "content": ask.question})];
        if let Some(c) = correction {
            messages.push(json!({"role": "assistant", "content": c.answer}));
            messages.push(json!({"role": "user", "content": c.message()}));
        }
        json!({"model": self.model, "messages": messages, "response_format": response_format})
    }

    async fn send(&self, ask: &Ask, correction: Option<Correction<'_>>, strict_schema: bool) -> Result<Reply, LlmError> {
        let url = format!("{}/chat/completions", self.base_url);
        self.http.post_json(ask.stage, &url, &self.body(ask, correction, strict_schema)).await
    }

    fn answer(&self, stage: LlmStage, reply: &Reply) -> Result<Answer, LlmError> {
        let response: Response = serde_json::from_slice(&reply.body)
            .map_err(|e| self.http.bad_response(stage, format!("the response is not chat-completions JSON ({e})")))?;
        let usage = response.usage.map(TokenUsage::from).unwrap_or_default();
        let Some(choice) = response.choices.into_iter().next() else {
            return Err(self.http.bad_response(stage, "the response has no choices"));
        };
        if let Some(refusal) = choice.message.refusal.filter(|r| !r.trim().is_empty()) {
            return Err(LlmError::Rejected { provider: self.provider().to_string(), stage, detail: format!("the model refused: {refusal}") });
        }
        let text = choice.message.content.unwrap_or_default();
        if text.trim().is_empty() {
            let reason = choice.finish_reason.unwrap_or_else(|| "no reason given".into());
            return Err(LlmError::Rejected { provider: self.provider().to_string(), stage, detail: format!("the answer was empty ({reason})") });
        }
        Ok(Answer { text, usage })
    }
}

#[async_trait]
impl LlmProvider for OpenAiProvider {
    fn name(&self) -> &str {
        "openai"
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
}

impl ModelApi for OpenAiProvider {
    fn provider(&self) -> &str {
        self.http.provider()
    }

    async fn complete(&self, ask: &Ask, correction: Option<Correction<'_>>) -> Result<Answer, LlmError> {
        let strict = !lock().contains(&self.base_url);
        let mut reply = self.send(ask, correction, strict).await?;
        if strict && refuses_json_schema(&reply) {
            tracing::info!(server = %self.base_url, "the server refuses json_schema; asking with json_object from now on");
            lock().insert(self.base_url.clone());
            reply = self.send(ask, correction, false).await?;
        }
        if !reply.status.is_success() {
            return Err(self.http.refusal(ask.stage, &reply));
        }
        self.answer(ask.stage, &reply)
    }
}

fn lock() -> std::sync::MutexGuard<'static, HashSet<String>> {
    JSON_OBJECT_ONLY.lock().unwrap_or_else(|p| p.into_inner())
}

/// A 400 whose message is about `response_format` or `json_schema`.
fn refuses_json_schema(reply: &Reply) -> bool {
    let text = reply.text().to_lowercase();
    reply.status == StatusCode::BAD_REQUEST && (text.contains("response_format") || text.contains("json_schema"))
}

/// How messages name the server: OpenAI, or the host of a compatible one.
pub(crate) fn server_name(base_url: &str) -> String {
    let host = reqwest::Url::parse(base_url).ok().and_then(|u| u.host_str().map(|h| match u.port() {
        Some(port) => format!("{h}:{port}"),
        None => h.to_string(),
    }));
    match host {
        Some(h) if h == "api.openai.com" => "OpenAI".to_string(),
        Some(h) => format!("the OpenAI-compatible server at {h}"),
        None => "the OpenAI-compatible server".to_string(),
    }
}

#[derive(Deserialize)]
struct Response {
    #[serde(default)]
    choices: Vec<Choice>,
    usage: Option<Usage>,
}

#[derive(Deserialize)]
struct Choice {
    message: Message,
    finish_reason: Option<String>,
}

#[derive(Deserialize)]
struct Message {
    content: Option<String>,
    refusal: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Usage {
    prompt_tokens: u64,
    completion_tokens: u64,
}

impl From<Usage> for TokenUsage {
    fn from(u: Usage) -> TokenUsage {
        TokenUsage { input: u.prompt_tokens, output: u.completion_tokens }
    }
}
