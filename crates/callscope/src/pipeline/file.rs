//! The whole job for one recording: decode → transcribe → analyse → store.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::audio::{decode_file, DecodeOptions};
use crate::call::CallAnalysis;
use crate::progress::{CancelToken, Progress, ProgressSink};
use crate::store::Store;
use crate::stt::{TranscribeOptions, Transcriber, Transcript};

use super::guard::{guarded, guarded_async};
use super::stages::{analyze_and_store, AnalysisRequest};
use super::{Job, PipelineError};

/// A progress receiver that can move to the thread doing the work.
pub type SharedProgress = Arc<dyn Fn(Progress) + Send + Sync>;

/// The file's name for messages (the whole path when it has none).
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

/// The day `path` was recorded, as far as the file tells: the date its container's tags give,
/// else its modification time, else today.
pub fn recorded_on(path: &Path) -> time::Date {
    if let Some(day) = crate::audio::recording_date(path) {
        return day;
    }
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    modified.map_or_else(time::OffsetDateTime::now_utc, time::OffsetDateTime::from).date()
}

/// Decode a recording and transcribe it with speakers from its channels. Blocking and
/// CPU-bound: async callers get here through `analyze_file`, which runs it on a blocking thread.
pub fn transcribe_file(
    path: &Path,
    transcriber: &dyn Transcriber,
    options: &TranscribeOptions,
    progress: ProgressSink<'_>,
    cancel: &CancelToken,
) -> Result<Transcript, PipelineError> {
    let file = file_name(path);
    let decoded = guarded(&file, "decoding", || Ok(decode_file(path, &DecodeOptions::default(), progress, cancel)?))?;
    tracing::info!(
        path = %path.display(),
        codec = %decoded.source.codec,
        channels = decoded.source.channels,
        duration_ms = decoded.clip.duration_ms(),
        "decoded"
    );
    guarded(&file, "transcribing", || {
        transcriber
            .transcribe(&decoded.clip, options, progress, cancel)
            .map_err(|source| PipelineError::Transcribe { file: file.clone(), source })
    })
}

/// Decode, transcribe, analyse and store one recording with `job`; returns the stored call.
/// A recording without speech is refused (nothing stored), as is one that was cancelled.
pub async fn analyze_file(
    path: &Path,
    job: &Job,
    store: &mut Store,
    progress: SharedProgress,
    cancel: &CancelToken,
) -> Result<CallAnalysis, PipelineError> {
    let file = file_name(path);
    let transcript = transcribe_on_blocking_thread(path.to_path_buf(), job, Arc::clone(&progress), cancel.clone()).await?;
    if transcript.segments.iter().all(|s| s.text.trim().is_empty()) {
        return Err(PipelineError::NoSpeech { file, seconds: transcript.duration_ms as f64 / 1000.0 });
    }
    let request = AnalysisRequest {
        file_name: &file,
        transcript: &transcript,
        keep_original_pii: job.plan().keep_original_pii,
        transcriber: &job.transcriber_name(),
        recorded_on: job.recording_day(path),
    };
    let provider = job.provider();
    guarded_async(&file, "analysing", analyze_and_store(provider.as_ref(), store, &request, Some(path), &*progress, cancel)).await
}

async fn transcribe_on_blocking_thread(
    path: PathBuf,
    job: &Job,
    progress: SharedProgress,
    cancel: CancelToken,
) -> Result<Transcript, PipelineError> {
    let transcriber = job.transcriber();
    let options = job.transcribe_options();
    let file = file_name(&path);
    tokio::task::spawn_blocking(move || transcribe_file(&path, transcriber.as_ref(), &options, &*progress, &cancel))
        .await
        .unwrap_or_else(|e| Err(PipelineError::Runtime { detail: format!("{file}: the transcription thread stopped: {e}") }))
}
