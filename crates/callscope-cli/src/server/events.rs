//! What WebSocket clients hear: typed JSON messages about jobs, the same changes the desktop
//! app receives as `JobUpdate`s, keyed by the server's job id.

use std::sync::Arc;

use callscope::progress::Stage;
use serde::Serialize;
use tokio::sync::broadcast;

/// Messages kept for a client that has not read them yet; one that falls further behind is
/// disconnected (`ws`), so a slow client never makes the server buffer without bound.
pub const CLIENT_BUFFER: usize = 256;

/// One message, by its `type`.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerEvent<'a> {
    /// A job moved on: its stage and how far through it (0…1).
    Progress { job_id: &'a str, file_name: &'a str, stage: Stage, fraction: f32 },
    /// A job's call is in the library.
    Stored { job_id: &'a str, file_name: &'a str, call_id: i64, domain: &'a str, category: &'a str },
    /// A job failed or was stopped; `detail` names the file and says why.
    Error { job_id: &'a str, file_name: &'a str, code: &'a str, detail: &'a str },
}

/// A message ready to send, with the job it concerns for clients that follow one job.
#[derive(Debug)]
pub struct Event {
    pub job_id: String,
    pub json: String,
}

/// Where job messages are published.
pub type Events = broadcast::Sender<Arc<Event>>;

/// A channel for job messages.
pub fn channel() -> Events {
    broadcast::channel(CLIENT_BUFFER).0
}

/// Publish `event` to every connected client (none connected is fine).
pub fn publish(events: &Events, event: &ServerEvent<'_>) {
    let job_id = match event {
        ServerEvent::Progress { job_id, .. } | ServerEvent::Stored { job_id, .. } | ServerEvent::Error { job_id, .. } => job_id.to_string(),
    };
    match serde_json::to_string(event) {
        Ok(json) => {
            let _ = events.send(Arc::new(Event { job_id, json }));
        }
        Err(e) => tracing::error!(error = %e, "a job message could not be written as JSON"),
    }
}
