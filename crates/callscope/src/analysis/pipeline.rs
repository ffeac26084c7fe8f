//! The analysis stages in order: detect → validate → prompt → extract → measure → redact →
//! summarize, turning one transcript into a `CallAnalysis`.
//!
//! The pipeline is a blocking job (shells run it on a worker thread, like transcription); the
//! provider's async calls are driven to completion on the caller's Tokio runtime if there is
//! one, or on a small private one.

use std::future::Future;
use std::sync::OnceLock;

use crate::analysis::{measure, redact, CallAnalysis, StageTokenUsage, Transcription};
use crate::llm::{Completion, Detection, ExtractionPrompt, FieldKind, LlmError, LlmProvider, TokenUsage};
use crate::progress::{CancelToken, Progress, ProgressSink, Stage};
use crate::store::{Store, StoreError};
use crate::stt::{Segment, Speaker, Transcript};

/// What to analyse and how.
#[derive(Debug, Clone)]
pub struct AnalysisRequest<'a> {
    pub file_name: &'a str,
    pub transcript: &'a Transcript,
    /// Store transcripts and summaries as spoken instead of redacted (an explicit setting).
    pub keep_original_pii: bool,
}

/// Why an analysis failed; nothing is stored when it does.
#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
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
    #[error("{file}: analysis was cancelled")]
    Cancelled { file: String },
}

/// Run every stage on a transcript and return the result (not yet stored; see `analyze_and_store`).
pub fn analyze(
    provider: &dyn LlmProvider,
    store: &mut Store,
    request: &AnalysisRequest<'_>,
    progress: ProgressSink<'_>,
    cancel: &CancelToken,
) -> Result<CallAnalysis, AnalysisError> {
    let file = request.file_name.to_string();
    let step = |stage: Stage, fraction: f32| -> Result<(), AnalysisError> {
        if cancel.is_cancelled() {
            return Err(AnalysisError::Cancelled { file: file.clone() });
        }
        progress(Progress { stage, fraction });
        Ok(())
    };
    let provider_err = |source: LlmError| AnalysisError::Provider { file: file.clone(), source };
    let store_err = |source: StoreError| AnalysisError::Store { file: file.clone(), source };

    // Redaction runs first so nothing personal reaches a provider that is not on this machine.
    step(Stage::Redacting, 0.0)?;
    let redacted = redact::redact_transcript(request.transcript);
    let provider_view = if provider.runs_locally() { request.transcript } else { &redacted.transcript };

    step(Stage::Detecting, 0.0)?;
    let catalog = store.catalog().map_err(store_err)?;
    let Completion { value: detection, usage: detect_usage } =
        run(provider.detect(provider_view, &catalog)).map_err(provider_err)?;
    let detection = validated(detection);

    step(Stage::Extracting, 0.0)?;
    let (prompt, prompt_usage) = match store.prompt(&detection.domain, &detection.category).map_err(store_err)? {
        Some(saved) => (saved, TokenUsage::default()),
        None => {
            let generated = run(provider.generate_prompt(&detection.domain, &detection.category, provider_view))
                .map_err(provider_err)?;
            let prompt = ExtractionPrompt {
                domain: detection.domain.clone(),
                category: detection.category.clone(),
                ..generated.value
            };
            store.save_prompt(&prompt).map_err(store_err)?;
            tracing::info!(domain = %prompt.domain, category = %prompt.category, "saved a new extraction prompt");
            (prompt, generated.usage)
        }
    };
    let Completion { value: analysis, usage: analysis_usage } =
        run(provider.analyze(provider_view, &prompt)).map_err(provider_err)?;

    step(Stage::Measuring, 0.0)?;
    let metrics = measure(request.transcript);

    step(Stage::Summarizing, 0.0)?;
    let (segments, summary) = if request.keep_original_pii {
        (request.transcript.segments.clone(), analysis.summary.clone())
    } else {
        (redacted.transcript.segments.clone(), redact_text(&analysis.summary))
    };
    let transcription = Transcription {
        text: segments.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join(" "),
        segments,
    };
    let fields = only_last_four_of_cards(analysis.fields, &prompt);

    Ok(CallAnalysis {
        call_id: 0,
        file_name: request.file_name.to_string(),
        duration_ms: request.transcript.duration_ms,
        domain: detection.domain,
        category: detection.category,
        domain_confidence: detection.confidence,
        transcription,
        domain_specific_data: fields,
        general: analysis.general,
        metrics,
        turn_sentiments: analysis.turn_sentiments,
        summary,
        redactions: redacted.redactions,
        token_usage: StageTokenUsage::from_stages(detect_usage, analysis_usage, prompt_usage),
        provider: provider.name().to_string(),
        model: provider.model().to_string(),
        created_at: String::new(),
    })
}

/// Analyse and save in one go; returns the stored call with its id.
pub fn analyze_and_store(
    provider: &dyn LlmProvider,
    store: &mut Store,
    request: &AnalysisRequest<'_>,
    audio_path: Option<&std::path::Path>,
    progress: ProgressSink<'_>,
    cancel: &CancelToken,
) -> Result<CallAnalysis, AnalysisError> {
    let analysis = analyze(provider, store, request, progress, cancel)?;
    progress(Progress { stage: Stage::Saving, fraction: 0.0 });
    let store_err = |source| AnalysisError::Store { file: request.file_name.to_string(), source };
    let id = store.insert_call(&analysis, audio_path).map_err(store_err)?;
    let saved = store.call(id).map_err(store_err)?.unwrap_or(CallAnalysis { call_id: id, ..analysis });
    progress(Progress { stage: Stage::Done, fraction: 1.0 });
    Ok(saved)
}

/// Free text with the same placeholders a transcript gets.
fn redact_text(text: &str) -> String {
    let one = Transcript {
        segments: vec![Segment { start_ms: 0, end_ms: 0, speaker: Speaker::Unknown, text: text.to_string(), confidence: 1.0 }],
        duration_ms: 0,
    };
    redact::redact_transcript(&one).transcript.segments.into_iter().next().map(|s| s.text).unwrap_or_default()
}

/// Domain and category as stable keys: lowercase words joined by `_`, never empty.
fn validated(d: Detection) -> Detection {
    let key = |s: &str, fallback: &str| {
        let k = s
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join("_");
        if k.is_empty() { fallback.to_string() } else { k }
    };
    Detection {
        domain: key(&d.domain, "general"),
        category: key(&d.category, "inquiry"),
        confidence: if d.confidence.is_finite() { d.confidence.clamp(0.0, 1.0) } else { 0.0 },
    }
}

/// Card numbers are never kept beyond their last four digits, whatever a provider returned.
fn only_last_four_of_cards(
    mut fields: std::collections::BTreeMap<String, serde_json::Value>,
    prompt: &ExtractionPrompt,
) -> std::collections::BTreeMap<String, serde_json::Value> {
    for spec in prompt.fields.iter().filter(|f| f.kind == FieldKind::CardLastFour) {
        if let Some(v) = fields.get_mut(&spec.name) {
            let digits: String = v.to_string().chars().filter(char::is_ascii_digit).collect();
            let last4 = &digits[digits.len().saturating_sub(4)..];
            *v = serde_json::Value::String(last4.to_string());
        }
    }
    fields
}

/// Drive a provider future to completion from this blocking job: on the caller's runtime when
/// the job runs on one of its blocking threads, else on a private one.
fn run<T>(future: impl Future<Output = Result<T, LlmError>>) -> Result<T, LlmError> {
    static PRIVATE: OnceLock<Result<tokio::runtime::Runtime, String>> = OnceLock::new();
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        return handle.block_on(future);
    }
    let runtime = PRIVATE.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())
    });
    match runtime {
        Ok(rt) => rt.block_on(future),
        Err(detail) => Err(LlmError::Unreachable { provider: "the async runtime".into(), detail: detail.clone() }),
    }
}
