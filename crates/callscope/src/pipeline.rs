//! The whole job for one recording: decode → transcribe (→ analyse → store, see `analyze_file`).
//!
//! Shells (CLI, desktop, HTTP) call these functions and nothing below them.

use std::path::Path;

use crate::audio::{decode_file, DecodeError, DecodeOptions};
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
