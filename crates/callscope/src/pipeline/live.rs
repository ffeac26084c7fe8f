//! Live recordings into the library: a finished call at hang-up, and calls a crash cut short,
//! found at the next start. Both go through the same job as a dropped file.

use std::path::Path;

use crate::audio::recorder::{recover_unfinished, FinishedRecording};
use crate::call::CallAnalysis;
use crate::progress::CancelToken;
use crate::store::{LiveCapture, Store};

use super::{analyze_file, file_name, Job, PipelineError, SharedProgress};

/// Analyse and store a live call's recording with `job`, recording that it was live, when it
/// started, how long it ran, which devices were used and whether it was recovered.
pub async fn store_live_recording(
    recording: &FinishedRecording,
    job: &Job,
    store: &mut Store,
    progress: SharedProgress,
    cancel: &CancelToken,
) -> Result<CallAnalysis, PipelineError> {
    let call = analyze_file(&recording.path, job, store, progress, cancel).await?;
    let capture = LiveCapture {
        started_at: recording.info.started_at.clone(),
        duration_ms: recording.duration_ms,
        agent_device: recording.info.agent_device.clone(),
        customer_device: recording.info.customer_device.clone(),
        recovered: recording.recovered,
    };
    store
        .set_live_capture(call.call_id, &capture)
        .map_err(|source| PipelineError::Store {
            file: file_name(&recording.path),
            source,
        })?;
    Ok(call)
}

/// Repair every recording a crash left unfinished in `recordings` and analyse and store each,
/// marked recovered. Call at start-up, before a new live call; one result per recording found.
pub async fn recover_live_recordings(
    recordings: &Path,
    job: &Job,
    store: &mut Store,
    progress: SharedProgress,
    cancel: &CancelToken,
) -> Vec<Result<CallAnalysis, PipelineError>> {
    let mut results = Vec::new();
    for recovered in recover_unfinished(recordings) {
        let result = match recovered {
            Ok(recording) => {
                store_live_recording(&recording, job, store, progress.clone(), cancel).await
            }
            Err(e) => Err(e.into()),
        };
        results.push(result);
    }
    results
}

/// Whether `recordings` holds recordings a crash left unfinished (cheap: no repair).
pub fn has_unfinished_recordings(recordings: &Path) -> bool {
    std::fs::read_dir(recordings.join(crate::audio::recorder::IN_PROGRESS_DIR))
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.path().extension().is_some_and(|x| x == "wav"))
        })
        .unwrap_or(false)
}
