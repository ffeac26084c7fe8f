//! Analysing a stored call again (after a failed extraction, or with another provider): its
//! stored transcript goes through the analysis stages and the result replaces its findings.

use crate::call::CallAnalysis;
use crate::llm::LlmProvider;
use crate::progress::{CancelToken, Progress, ProgressSink, Stage};
use crate::store::{Store, StoreError};
use crate::stt::Transcript;

use super::{analyze, AnalysisRequest, PipelineError};

/// Analyse call `id` again with `provider` and save the result in its place; returns the call
/// as stored. The transcript is the stored one (redacted unless the library keeps personal
/// data, so a remote provider sees what it would have seen); dates without a year are read
/// near the day the call was first analysed. Nothing changes when any stage fails.
pub async fn reanalyze(
    provider: &dyn LlmProvider,
    store: &mut Store,
    id: i64,
    keep_original_pii: bool,
    progress: ProgressSink<'_>,
    cancel: &CancelToken,
) -> Result<CallAnalysis, PipelineError> {
    let label = format!("call {id}");
    let store_err = |file: &str, source: StoreError| PipelineError::Store { file: file.to_string(), source };
    let stored = store.call(id).map_err(|e| store_err(&label, e))?.ok_or_else(|| store_err(&label, StoreError::CallNotFound { id }))?;
    let file = stored.file_name.clone();
    if stored.transcription.segments.is_empty() {
        return Err(PipelineError::NoSpeech { file, seconds: stored.duration_ms as f64 / 1000.0 });
    }
    let transcript = Transcript { segments: stored.transcription.segments.clone(), duration_ms: stored.duration_ms };
    let recorded_on = crate::store::parse_date(stored.created_at.get(..10).unwrap_or_default())
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc().date());
    let request = AnalysisRequest {
        file_name: &file,
        transcript: &transcript,
        keep_original_pii,
        transcriber: &stored.transcriber,
        recorded_on,
    };
    let analysis = analyze(provider, store, &request, progress, cancel).await?;
    if cancel.is_cancelled() {
        return Err(PipelineError::Cancelled { file });
    }
    progress(Progress { stage: Stage::Saving, fraction: 0.0 });
    store.replace_analysis(id, &analysis).map_err(|e| store_err(&file, e))?;
    let saved = store.call(id).map_err(|e| store_err(&file, e))?.unwrap_or(analysis);
    progress(Progress { stage: Stage::Done, fraction: 1.0 });
    Ok(saved)
}
