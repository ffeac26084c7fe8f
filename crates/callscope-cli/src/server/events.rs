//! What WebSocket clients hear: typed JSON messages about jobs (the changes the desktop app
//! receives as `JobUpdate`s, keyed by the server's job id) and a live call's captions.

use std::sync::Arc;

use callscope::progress::Stage;
use callscope::stt::Speaker;
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
    /// A job (or a live call's analysis or recording) failed or was stopped; `detail` names
    /// the file and says why.
    Error { job_id: &'a str, file_name: &'a str, code: &'a str, detail: &'a str },
    /// A live call's caption still being revised: replaces the speaker's previous partial.
    Partial(Caption<'a>),
    /// A live call's settled words: never changed; clears the speaker's partial.
    Final(Caption<'a>),
}

/// Words of one speaker in a live call.
#[derive(Debug, Serialize)]
pub struct Caption<'a> {
    pub live_id: &'a str,
    pub speaker: Speaker,
    pub start_ms: u64,
    pub end_ms: u64,
    pub text: &'a str,
}

/// A message ready to send, with the job (or live call) it concerns for clients that follow one.
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
        ServerEvent::Progress { job_id, .. }
        | ServerEvent::Stored { job_id, .. }
        | ServerEvent::Error { job_id, .. }
        | ServerEvent::Partial(Caption { live_id: job_id, .. })
        | ServerEvent::Final(Caption { live_id: job_id, .. }) => job_id.to_string(),
    };
    match serde_json::to_string(event) {
        Ok(json) => {
            let _ = events.send(Arc::new(Event { job_id, json }));
        }
        Err(e) => tracing::error!(error = %e, "a job message could not be written as JSON"),
    }
}
