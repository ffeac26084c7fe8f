//! The analysis stages in order: redact → detect → validate → prompt → extract → measure →
//! redact the results, turning one transcript into a `CallAnalysis` (and storing it).

use std::collections::BTreeMap;
use std::future::Future;
use std::path::Path;
use std::time::Duration;

use crate::analysis::{measure, redact};
use crate::call::{CallAnalysis, Detection, ExtractionPrompt, FieldKind, Findings, StageTokenUsage, TokenUsage, Transcription};
use crate::llm::{CallInput, Completion, LlmError, LlmProvider, NewPairAnalysis};
use crate::progress::{CancelToken, Progress, ProgressSink, Stage};
use crate::store::{Store, StoreError};
use crate::stt::{Segment, Speaker, Transcript};

use super::extract::{choose_prompt, likely_prompt, without_extraction, ChosenPrompt};
use super::PipelineError;

/// What to analyse and how.
#[derive(Debug, Clone)]
pub struct AnalysisRequest<'a> {
    pub file_name: &'a str,
    pub transcript: &'a Transcript,
    /// Store transcripts and summaries as spoken instead of redacted (an explicit setting).
    pub keep_original_pii: bool,
    /// The speech engine and model that made the transcript (stored with the call).
    pub transcriber: &'a str,
    /// The day the call was recorded: dates said without a year are read near it.
    pub recorded_on: time::Date,
}

/// Run every stage on a transcript and return the result (not yet stored; see `analyze_and_store`).
pub async fn analyze(
    provider: &dyn LlmProvider,
    store: &mut Store,
    request: &AnalysisRequest<'_>,
    progress: ProgressSink<'_>,
    cancel: &CancelToken,
) -> Result<CallAnalysis, PipelineError> {
    analyze_recording(provider, store, request, None, progress, cancel).await
}

/// `analyze`, with the call's `recording` for a provider that hears stage 1 from the audio
/// (Gemini's audio mode); extraction still reads the local transcript, whose channels give
/// the speakers.
async fn analyze_recording(
    provider: &dyn LlmProvider,
    store: &mut Store,
    request: &AnalysisRequest<'_>,
    recording: Option<&Path>,
    progress: ProgressSink<'_>,
    cancel: &CancelToken,
) -> Result<CallAnalysis, PipelineError> {
    let file = request.file_name;
    let stage = |stage: Stage, fraction: f32| -> Result<(), PipelineError> {
        if cancel.is_cancelled() {
            return Err(PipelineError::Cancelled { file: file.to_string() });
        }
        progress(Progress { stage, fraction });
        Ok(())
    };
    let provider_err = |source: LlmError| match source {
        LlmError::Cancelled => PipelineError::Cancelled { file: file.to_string() },
        source => PipelineError::Provider { file: file.to_string(), source },
    };
    let store_err = |source: StoreError| PipelineError::Store { file: file.to_string(), source };

    // Redaction runs first so nothing personal reaches a provider that is not on this machine.
    stage(Stage::Redacting, 0.0)?;
    let redacted = redact::redact_transcript(request.transcript);
    let provider_view = if provider.runs_locally() { request.transcript } else { &redacted.transcript };
    let call = CallInput { transcript: provider_view, recorded_on: request.recorded_on };
    stage(Stage::Redacting, 1.0)?;

    stage(Stage::Detecting, 0.0)?;
    let catalog = store.catalog().map_err(store_err)?;
    let heard = match recording {
        Some(path) => until_cancelled(cancel, provider.detect_from_audio(path, &catalog)).await.map_err(provider_err)?,
        None => None,
    };
    // A remote provider answers in one request: with the saved prompt of the pair the local
    // analyzer takes the call for, or, when none is saved, designing that pair's prompt too.
    // An answer that cannot be used falls back to asking stage by stage. In audio mode the
    // recording was stage 1, and stage 2 follows as the original pipeline had it.
    let likely = likely_prompt(provider, store, request.transcript, &catalog).filter(|_| heard.is_none());
    let one_request_for_a_new_pair = likely.is_none() && heard.is_none();
    let combined = match likely {
        Some(prompt) => stepwise_when_unusable(file, until_cancelled(cancel, provider.detect_and_analyze(call, &catalog, &prompt)).await)
            .map_err(provider_err)?
            .map(|answer| (prompt, answer)),
        None => None,
    };
    let (detection, detect_usage, extracted) = match combined {
        Some((prompt, Completion { value: (detection, findings), usage })) => {
            let detection = validated(detection);
            if detection.domain == prompt.domain && detection.category == prompt.category {
                (detection, TokenUsage::default(), Some((prompt, findings, usage, false)))
            } else {
                // The model took the call for another pair: its answer counts as the
                // detection, and that pair's prompt extracts below.
                (detection, usage, None)
            }
        }
        None => {
            let designed = if one_request_for_a_new_pair {
                stepwise_when_unusable(file, until_cancelled(cancel, provider.detect_design_and_analyze(call, &catalog)).await)
                    .map_err(provider_err)?
            } else {
                None
            };
            match (designed, heard) {
                (Some(Completion { value, usage }), _) => new_pair(store, value, usage),
                (None, Some(Completion { value, usage })) => (validated(value), usage, None),
                (None, None) => {
                    let Completion { value, usage } = until_cancelled(cancel, provider.detect(call, &catalog)).await.map_err(provider_err)?;
                    (validated(value), usage, None)
                }
            }
        }
    };
    stage(Stage::Detecting, 1.0)?;

    stage(Stage::Extracting, 0.0)?;
    let (chosen, findings, analysis_usage, analysis_error) = match extracted {
        Some((prompt, findings, usage, generic)) => (ChosenPrompt { prompt, usage: TokenUsage::default(), generic }, findings, usage, None),
        None => {
            let chosen = choose_prompt(provider, store, &detection.domain, &detection.category, call, request.transcript, cancel)
                .await
                .map_err(provider_err)?;
            stage(Stage::Extracting, 0.4)?;
            // A failed extraction keeps the call (transcript, detection, metrics) with the
            // error, to be analysed again; only a cancelled one is dropped.
            match until_cancelled(cancel, provider.analyze(call, &chosen.prompt)).await {
                Ok(Completion { value, usage }) => (chosen, value, usage, None),
                Err(LlmError::Cancelled) => return Err(PipelineError::Cancelled { file: file.to_string() }),
                Err(e) => {
                    tracing::warn!(file, error = %e, "extraction failed; the call is kept without its fields");
                    let (findings, error) = without_extraction(request.transcript, &chosen.prompt, &e);
                    (chosen, findings, TokenUsage::default(), Some(error))
                }
            }
        }
    };
    let prompt = &chosen.prompt;
    // A remote provider saw placeholders; the library keeps the values, as the offline
    // analyzer's results do (cards are cut to their last four digits below).
    let remote_answer = !provider.runs_locally() && analysis_error.is_none();
    let findings = if remote_answer { rehydrated(findings, &redacted, request.keep_original_pii) } else { findings };
    stage(Stage::Extracting, 1.0)?;

    stage(Stage::Measuring, 0.0)?;
    let metrics = measure(request.transcript);
    stage(Stage::Measuring, 1.0)?;

    // The provider's summary may repeat what the transcript's redaction hid.
    stage(Stage::Redacting, 0.0)?;
    let (segments, summary) = if request.keep_original_pii {
        (request.transcript.segments.clone(), findings.summary.clone())
    } else {
        (redacted.transcript.segments.clone(), redact_text(&findings.summary))
    };
    let transcription = Transcription {
        text: segments.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join(" "),
        segments,
    };
    let fields = only_last_four_of_cards(findings.fields, prompt);
    stage(Stage::Redacting, 1.0)?;

    Ok(CallAnalysis {
        call_id: 0,
        file_name: request.file_name.to_string(),
        duration_ms: request.transcript.duration_ms,
        domain: detection.domain,
        category: detection.category,
        domain_confidence: detection.confidence,
        transcription,
        domain_specific_data: fields,
        general: findings.general,
        metrics,
        turn_sentiments: findings.turn_sentiments,
        summary,
        redactions: redacted.redactions,
        token_usage: StageTokenUsage::from_stages(detect_usage, analysis_usage, chosen.usage),
        provider: provider.name().to_string(),
        model: provider.model().to_string(),
        transcriber: request.transcriber.to_string(),
        created_at: String::new(),
        analysis_error,
        generic_prompt: chosen.generic,
    })
}

/// Analyse and save in one go; returns the stored call with its id. `audio_path`, the call's
/// recording, is kept with it, and a provider in audio mode hears stage 1 from it.
pub async fn analyze_and_store(
    provider: &dyn LlmProvider,
    store: &mut Store,
    request: &AnalysisRequest<'_>,
    audio_path: Option<&std::path::Path>,
    progress: ProgressSink<'_>,
    cancel: &CancelToken,
) -> Result<CallAnalysis, PipelineError> {
    let analysis = analyze_recording(provider, store, request, audio_path, progress, cancel).await?;
    if cancel.is_cancelled() {
        return Err(PipelineError::Cancelled { file: request.file_name.to_string() });
    }
    progress(Progress { stage: Stage::Saving, fraction: 0.0 });
    let store_err = |source| PipelineError::Store { file: request.file_name.to_string(), source };
    let id = store.insert_call(&analysis, audio_path).map_err(store_err)?;
    let saved = store.call(id).map_err(store_err)?.unwrap_or(CallAnalysis { call_id: id, ..analysis });
    progress(Progress { stage: Stage::Done, fraction: 1.0 });
    Ok(saved)
}

/// How often a provider call checks whether its job was cancelled.
const CANCEL_POLL: Duration = Duration::from_millis(50);

/// Run a provider call until it ends or the job is cancelled; a cancelled call is dropped,
/// which aborts its request in flight.
pub(crate) async fn until_cancelled<T>(cancel: &CancelToken, call: impl Future<Output = Result<T, LlmError>>) -> Result<T, LlmError> {
    let cancelled = async {
        while !cancel.is_cancelled() {
            tokio::time::sleep(CANCEL_POLL).await;
        }
    };
    // The call goes first: a local provider answers at its first poll and never needs a timer.
    tokio::select! {
        biased;
        result = call => result,
        () = cancelled => Err(LlmError::Cancelled),
    }
}

/// Findings with the placeholders a remote provider answered put back: field values get the
/// normalised value (digits, ISO date); the summary gets the words said only when the library
/// keeps personal data, else it keeps the placeholders the stored transcript has too.
fn rehydrated(findings: Findings, redacted: &redact::RedactedTranscript, keep_original_pii: bool) -> Findings {
    let fields = findings
        .fields
        .into_iter()
        .map(|(name, value)| match value {
            serde_json::Value::String(text) => (name, serde_json::Value::String(redact::rehydrate(&text, &redacted.values))),
            other => (name, other),
        })
        .collect();
    let summary = if keep_original_pii { redact::rehydrate(&findings.summary, &redacted.originals) } else { findings.summary };
    Findings { fields, summary, ..findings }
}

/// Free text with the same placeholders a transcript gets.
fn redact_text(text: &str) -> String {
    let one = Transcript {
        segments: vec![Segment { start_ms: 0, end_ms: 0, speaker: Speaker::Unknown, text: text.to_string(), confidence: 1.0 }],
        duration_ms: 0,
    };
    redact::redact_transcript(&one).transcript.segments.into_iter().next().map(|s| s.text).unwrap_or_default()
}

/// A one-request answer, or `None` (ask stage by stage) when the model answered but its
/// answer could not be used even after a repair: the smaller questions may succeed, and a
/// failed extraction then keeps the call with its error. A provider that cannot be reached
/// fails the file here, as a failed detection does.
fn stepwise_when_unusable<T>(file: &str, result: Result<Option<T>, LlmError>) -> Result<Option<T>, LlmError> {
    match result {
        Err(e @ (LlmError::BadResponse { .. } | LlmError::Rejected { .. })) => {
            tracing::warn!(file, error = %e, "the one-request answer could not be used; asking stage by stage");
            Ok(None)
        }
        other => other,
    }
}

/// What the answer for the first call of a kind gives: the detection, and the designed prompt
/// (saved for every later call of the pair) with its findings, and whether the pair's saved
/// prompt could not be read (the new one then extracts, is not saved over it, and the call
/// records that its pair's prompt was not used). When the pair the model named has a saved
/// prompt after all (the local guess was another pair), that prompt, perhaps edited by a
/// user, extracts instead and the answer counts as the detection.
fn new_pair(store: &mut Store, answer: NewPairAnalysis, usage: TokenUsage) -> (Detection, TokenUsage, Option<Extracted>) {
    let detection = validated(answer.detection);
    let (domain, category) = (detection.domain.clone(), detection.category.clone());
    let prompt = ExtractionPrompt { domain: domain.clone(), category: category.clone(), ..answer.prompt };
    match store.prompt(&domain, &category) {
        Ok(Some(_)) => return (detection, usage, None),
        Ok(None) => {}
        Err(e) => {
            tracing::warn!(%domain, %category, error = %e, "the saved prompt could not be read; the new one extracts this call and is not saved over it");
            return (detection, TokenUsage::default(), Some((prompt, answer.findings, usage, true)));
        }
    }
    match store.save_prompt(&prompt) {
        Ok(()) => tracing::info!(%domain, %category, "saved a new extraction prompt"),
        // It still extracts this call; the next call of the pair designs one again.
        Err(e) => tracing::warn!(%domain, %category, error = %e, "the new prompt could not be saved"),
    }
    (detection, TokenUsage::default(), Some((prompt, answer.findings, usage, false)))
}

/// Findings a one-request answer gave: the prompt they were extracted with, what the request
/// cost, and whether that prompt stood in for a saved one that could not be read.
type Extracted = (ExtractionPrompt, Findings, TokenUsage, bool);

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

/// Card numbers are never kept beyond their last four digits, whatever a provider returned; a
/// value with fewer digits is no card number (a placeholder a stored, redacted transcript left)
/// and is dropped.
fn only_last_four_of_cards(
    mut fields: BTreeMap<String, serde_json::Value>,
    prompt: &ExtractionPrompt,
) -> BTreeMap<String, serde_json::Value> {
    for spec in prompt.fields.iter().filter(|f| f.kind == FieldKind::CardLastFour) {
        let Some(value) = fields.get(&spec.name) else { continue };
        let digits: String = value.to_string().chars().filter(char::is_ascii_digit).collect();
        if digits.len() < 4 {
            fields.remove(&spec.name);
        } else {
            let last4 = digits[digits.len() - 4..].to_string();
            fields.insert(spec.name.clone(), serde_json::Value::String(last4));
        }
    }
    fields
}
