//! Queueing recordings for analysis and cancelling them.

use std::path::PathBuf;

use tauri::State;

use callscope::jobs::{JobQueue, JobUpdate};

use crate::error::CommandError;

/// Queue recordings for analysis, in order; progress arrives as `job-event` events.
#[tauri::command]
#[specta::specta]
pub async fn analyze_files(paths: Vec<String>, queue: State<'_, JobQueue>) -> Result<Vec<JobUpdate>, CommandError> {
    Ok(paths.into_iter().map(|p| queue.enqueue(PathBuf::from(p.trim()))).collect())
}

/// Stop one queued or running analysis; false when it had already finished.
#[tauri::command]
#[specta::specta]
pub async fn cancel_job(job_id: u32, queue: State<'_, JobQueue>) -> Result<bool, CommandError> {
    Ok(queue.cancel(job_id))
}

/// Stop every queued and running analysis; returns how many were stopped.
#[tauri::command]
#[specta::specta]
pub async fn cancel_all_jobs(queue: State<'_, JobQueue>) -> Result<u32, CommandError> {
    Ok(queue.cancel_all())
}
