//! Queueing recordings for analysis and cancelling them.

use std::path::PathBuf;

use tauri::State;

use crate::error::CommandError;
use crate::queue::AnalysisQueue;
use crate::views::jobs::JobUpdate;

/// Queue recordings for analysis, in order; progress arrives as `job-update` events.
#[tauri::command]
#[specta::specta]
pub async fn analyze_files(paths: Vec<String>, queue: State<'_, AnalysisQueue>) -> Result<Vec<JobUpdate>, CommandError> {
    Ok(paths.into_iter().map(|p| queue.enqueue(PathBuf::from(p.trim()))).collect())
}

/// Stop one queued or running analysis; false when it had already finished.
#[tauri::command]
#[specta::specta]
pub async fn cancel_job(job_id: u32, queue: State<'_, AnalysisQueue>) -> Result<bool, CommandError> {
    Ok(queue.cancel(job_id))
}

/// Stop every queued and running analysis; returns how many were stopped.
#[tauri::command]
#[specta::specta]
pub async fn cancel_all_jobs(queue: State<'_, AnalysisQueue>) -> Result<u32, CommandError> {
    Ok(queue.cancel_all())
}
