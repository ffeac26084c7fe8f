//! The whole job for one recording: decode → transcribe → analyse → store.
//!
//! Shells (CLI, desktop, HTTP) call these functions and nothing below them.

use std::path::Path;

use crate::analysis::{analyze_and_store, AnalysisError, AnalysisRequest, CallAnalysis};
use crate::audio::{decode_file, DecodeError, DecodeOptions};
use crate::llm::LlmProvider;
use crate::store::Store;
use crate::progress::{CancelToken, ProgressSink};
use crate::stt::{SttError, TranscribeOptions, Transcriber, Transcript};

/// Why a recording could not be processed.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error(transparent)]
    Decode(#[from] DecodeError),
    #[error("{path}: {source}")]
    Transcribe {
        path: String,
        #[source]
        source: SttError,
    },
    #[error(transparent)]
    Analysis(#[from] AnalysisError),
}

/// Decode a recording and transcribe it with speakers from its channels.
pub fn transcribe_file(
    path: &Path,
    transcriber: &dyn Transcriber,
    options: &TranscribeOptions,
    progress: ProgressSink<'_>,
    cancel: &CancelToken,
) -> Result<Transcript, PipelineError> {
    let decoded = decode_file(path, &DecodeOptions::default(), progress, cancel)?;
    tracing::info!(
        path = %path.display(),
        codec = %decoded.source.codec,
        channels = decoded.source.channels,
        duration_ms = decoded.clip.duration_ms(),
        "decoded"
    );
    transcriber
        .transcribe(&decoded.clip, options, progress, cancel)
        .map_err(|source| PipelineError::Transcribe { path: path.display().to_string(), source })
}

/// Everything `analyze_file` needs besides the file.
pub struct AnalyzeJob<'a> {
    pub transcriber: &'a dyn Transcriber,
    pub transcribe: &'a TranscribeOptions,
    pub provider: &'a dyn LlmProvider,
    pub keep_original_pii: bool,
}

/// Decode, transcribe, analyse and store one recording; returns the stored call.
///
/// Blocking: run it on a worker thread (it drives the provider on the caller's Tokio runtime
/// when called from one of its blocking threads).
pub fn analyze_file(
    path: &Path,
    job: &AnalyzeJob<'_>,
    store: &mut Store,
    progress: ProgressSink<'_>,
    cancel: &CancelToken,
) -> Result<CallAnalysis, PipelineError> {
    let transcript = transcribe_file(path, job.transcriber, job.transcribe, progress, cancel)?;
    let file_name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let request = AnalysisRequest { file_name: &file_name, transcript: &transcript, keep_original_pii: job.keep_original_pii };
    Ok(analyze_and_store(job.provider, store, &request, Some(path), progress, cancel)?)
}
