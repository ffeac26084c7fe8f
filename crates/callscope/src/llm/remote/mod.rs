//! What every remote provider does the same way: the three stages' questions and schemas,
//! reading the answers, and one repair attempt for an answer that does not follow its schema.
//! Gemini and OpenAI-compatible servers differ only in how a question travels (`ModelApi`).

mod call_text;
mod combined;
mod detect;
mod findings;
mod first;
mod heard;
mod prompt;
mod schema;

use std::future::Future;

use serde_json::Value;

use crate::call::{Detection, DomainCatalog, ExtractionPrompt, Findings, TokenUsage};

use super::{CallInput, Completion, LlmError, LlmStage, NewPairAnalysis};

pub(crate) use schema::{Schema, Shape};

/// One question to a model: what to do, the material, and the JSON shape of the answer.
#[derive(Debug, Clone)]
pub(crate) struct Ask {
    pub stage: LlmStage,
    /// The system instructions.
    pub instructions: String,
    /// The call (and whatever else the stage needs), as the user's message.
    pub question: String,
    pub schema: Schema,
    /// The schema's name where an API wants one (`[a-z_]+`).
    pub schema_name: &'static str,
}

/// The model's previous answer and what was wrong with it, for the one repair attempt.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Correction<'a> {
    pub answer: &'a str,
    pub problem: &'a str,
}

impl Correction<'_> {
    /// The message that asks the model to answer again.
    pub fn message(&self) -> String {
        format!(
            "Your answer could not be used: {}. Answer again with only the JSON object, following the schema exactly.",
            self.problem
        )
    }
}

/// A model's answer text and what it cost.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    pub text: String,
    pub usage: TokenUsage,
}

/// How one remote API is asked a question: the wire format, the key's header, token counts.
pub(crate) trait ModelApi: Send + Sync {
    /// The provider's name in messages.
    fn provider(&self) -> &str;

    /// Ask once (after retries of transient failures); with `correction`, the conversation
    /// goes on with the previous answer and what was wrong with it.
    fn complete(&self, ask: &Ask, correction: Option<Correction<'_>>) -> impl Future<Output = Result<Answer, LlmError>> + Send;
}

/// Stage 1 through `api`.
pub(crate) async fn detect(api: &impl ModelApi, call: CallInput<'_>, catalog: &DomainCatalog) -> Result<Completion<Detection>, LlmError> {
    answered(api, &detect::ask(call, catalog), detect::read).await
}

/// Stage 1 from the recording through `api`, which sends the audio along with the question.
pub(crate) async fn detect_heard(api: &impl ModelApi, catalog: &DomainCatalog) -> Result<Completion<Detection>, LlmError> {
    answered(api, &heard::ask(catalog), heard::read).await
}

/// Prompt generation for a new pair through `api`.
pub(crate) async fn generate_prompt(
    api: &impl ModelApi,
    domain: &str,
    category: &str,
    call: CallInput<'_>,
) -> Result<Completion<ExtractionPrompt>, LlmError> {
    answered(api, &prompt::ask(domain, category, call), |v| prompt::read(domain, category, v)).await
}

/// Stage 2 through `api`.
pub(crate) async fn analyze(api: &impl ModelApi, call: CallInput<'_>, extraction: &ExtractionPrompt) -> Result<Completion<Findings>, LlmError> {
    answered(api, &findings::ask(call, extraction), |v| findings::read(v, call.transcript, extraction)).await
}

/// Stages 1 and 2 in one request through `api`, extracting with `extraction` (the saved
/// prompt of the pair the call probably is).
pub(crate) async fn detect_and_analyze(
    api: &impl ModelApi,
    call: CallInput<'_>,
    catalog: &DomainCatalog,
    extraction: &ExtractionPrompt,
) -> Result<Completion<(Detection, Findings)>, LlmError> {
    answered(api, &combined::ask(call, catalog, extraction), |v| combined::read(v, call, extraction)).await
}

/// The first call of a kind no prompt exists for, in one request through `api`: detection,
/// the pair's new prompt (for the caller to save) and the findings extracted with it.
pub(crate) async fn detect_design_and_analyze(
    api: &impl ModelApi,
    call: CallInput<'_>,
    catalog: &DomainCatalog,
) -> Result<Completion<NewPairAnalysis>, LlmError> {
    answered(api, &first::ask(call, catalog), |v| {
        first::read(v, call).map(|(detection, prompt, findings)| NewPairAnalysis { detection, prompt, findings })
    })
    .await
}

/// Ask, check the answer against the schema and read it; an answer that cannot be used gets
/// one repair attempt with the problem, then fails naming the provider and the stage. Tokens
/// of both attempts count.
async fn answered<T>(
    api: &impl ModelApi,
    ask: &Ask,
    read: impl Fn(&Value) -> Result<T, String>,
) -> Result<Completion<T>, LlmError> {
    let first = api.complete(ask, None).await?;
    let problem = match usable(&first.text, ask, &read) {
        Ok(value) => return Ok(Completion { value, usage: first.usage }),
        Err(problem) => problem,
    };
    tracing::warn!(provider = api.provider(), stage = %ask.stage, %problem, "the answer did not follow its schema; asking once more");
    let second = api.complete(ask, Some(Correction { answer: &first.text, problem: &problem })).await?;
    let usage = first.usage + second.usage;
    match usable(&second.text, ask, &read) {
        Ok(value) => Ok(Completion { value, usage }),
        Err(again) => Err(LlmError::BadResponse {
            provider: api.provider().to_string(),
            stage: ask.stage,
            detail: format!("the answer did not follow the requested JSON schema, also when asked again ({again})"),
        }),
    }
}

/// The answer's value, or what is wrong with it.
fn usable<T>(text: &str, ask: &Ask, read: impl Fn(&Value) -> Result<T, String>) -> Result<T, String> {
    let value: Value = serde_json::from_str(without_fences(text)).map_err(|e| {
        if e.is_eof() {
            format!("the JSON ends too early, at line {} column {} (was the answer cut off?)", e.line(), e.column())
        } else {
            format!("it is not valid JSON ({e})")
        }
    })?;
    let problems = ask.schema.problems(&value);
    if !problems.is_empty() {
        return Err(problems.join("; "));
    }
    read(&value)
}

/// The JSON inside a Markdown code fence, which some servers add in JSON mode.
fn without_fences(text: &str) -> &str {
    let text = text.trim();
    let Some(inner) = text.strip_prefix("```") else {
        return text;
    };
    let inner = inner.strip_prefix("json").unwrap_or(inner);
    inner.strip_suffix("```").unwrap_or(inner).trim()
}

/// A name as a stable key: lowercase words joined by `_`.
fn snake_case(name: &str) -> String {
    name.to_lowercase().split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join("_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_fences_around_json_are_ignored() {
        assert_eq!(without_fences("```json\n{\"a\": 1}\n```"), "{\"a\": 1}");
        assert_eq!(without_fences(" {\"a\": 1} "), "{\"a\": 1}");
    }

    #[test]
    fn names_become_snake_case_keys() {
        assert_eq!(snake_case("Order Number"), "order_number");
        assert_eq!(snake_case("card-last-4"), "card_last_4");
    }
}
