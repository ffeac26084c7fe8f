//! Live calls on the server's own devices (a headless box beside the softphone): `POST
//! /api/live` starts one, its captions reach WebSocket clients as `partial` and `final`
//! messages, `DELETE /api/live` stops it and answers with the analysed call (`stored`
//! follows on the WebSocket). One call at a time, as in the desktop app and `listen`; the
//! engine's `LiveSession` does the capturing, recording and captioning.

use std::path::PathBuf;
use std::sync::{mpsc, Arc, Mutex};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use callscope::audio::capture::{find_device, CaptureDevice, DeviceKind};
use callscope::audio::live::LiveEvent;
use callscope::call::ServiceResponse;
use callscope::live::{self, LiveSession, LiveSetup, LiveUpdate};
use callscope::models::ModelStore;
use callscope::pipeline::{self, Job, PipelineError};
use callscope::progress::CancelToken;
use callscope::secrets::Keyring;
use callscope::store::Store;
use callscope::stt::stream::StreamEvent;
use callscope::stt::Segment;
use serde::{Deserialize, Serialize};

use super::error::{failure_status, ApiError};
use super::events::{publish, Caption, Events, ServerEvent};
use super::state::AppState;

/// The call being recorded, if any.
pub struct LiveCalls {
    running: Mutex<Option<(String, LiveSession)>>,
    recordings: PathBuf,
}

impl LiveCalls {
    /// Live calls recorded into `recordings` (the data folder's `recordings/`).
    pub fn new(recordings: PathBuf) -> LiveCalls {
        LiveCalls { running: Mutex::new(None), recordings }
    }
}

/// `POST /api/live` body: the devices, as `callscope devices` lists them (id or name, or
/// `default`); both left out, the ones the settings remember (or the defaults).
#[derive(Debug, Default, Deserialize)]
pub struct StartLive {
    microphone: Option<String>,
    system: Option<String>,
}

/// A live call that started.
#[derive(Debug, Serialize)]
pub struct Started {
    live_id: String,
    /// The devices captured (names), `None` for a side left out.
    microphone: Option<String>,
    system: Option<String>,
    /// Why there are no live captions, when there are none (the call is still recorded).
    #[serde(skip_serializing_if = "Option::is_none")]
    notice: Option<String>,
}

/// `POST /api/live`: start recording and captioning a call; 409 while one is running.
pub async fn start(State(state): State<AppState>, body: Bytes) -> Result<(StatusCode, Json<Started>), ApiError> {
    let request: StartLive = if body.iter().all(u8::is_ascii_whitespace) {
        StartLive::default()
    } else {
        serde_json::from_slice(&body)
            .map_err(|e| ApiError::bad_request("invalid_body", format!("the body is not {{\"microphone\": ID, \"system\": ID}} ({e}); send that, or nothing for the remembered devices")))?
    };
    let settings = state.config.get();
    let live = Arc::clone(&state.live);
    let events = state.events.clone();
    let started = tokio::task::spawn_blocking(move || {
        let mut running = live.running.lock().unwrap_or_else(|p| p.into_inner());
        if running.is_some() {
            return Err(ApiError::new(StatusCode::CONFLICT, "live_running", "a call is already being recorded: stop it with DELETE /api/live first"));
        }
        let (microphone, system) = devices(&request, &settings)?;
        let (captions, notice) = match live::caption_model(&settings.live_model, &settings.language) {
            Ok(model) => (Some(model), None),
            Err(why) => (None, Some(why)),
        };
        let names = (microphone.as_ref().map(|d| d.name.clone()), system.as_ref().map(|d| d.name.clone()));
        let (updates_tx, updates) = mpsc::channel();
        let setup = LiveSetup { microphone, system, recordings: live.recordings.clone(), captions };
        let session = LiveSession::start(setup, updates_tx).map_err(|e| ApiError::bad_request("live_failed", format!("the call could not start: {e}")))?;
        let live_id = uuid::Uuid::new_v4().simple().to_string();
        relay(live_id.clone(), updates, events);
        *running = Some((live_id.clone(), session));
        tracing::info!(live = %live_id, "live call started");
        Ok(Started { live_id, microphone: names.0, system: names.1, notice })
    })
    .await
    .map_err(|e| ApiError::internal(format!("the live call could not start: {e}")))??;
    Ok((StatusCode::CREATED, Json(started)))
}

/// `DELETE /api/live`: stop the call, then analyse and store its recording; answers with
/// the call in the shape `POST /api/transcribe/` answers (404 when no call is running).
pub async fn stop(State(state): State<AppState>) -> Result<Json<ServiceResponse>, ApiError> {
    let taken = state.live.running.lock().unwrap_or_else(|p| p.into_inner()).take();
    let Some((live_id, session)) = taken else {
        return Err(ApiError::new(StatusCode::NOT_FOUND, "no_live_call", "no call is being recorded; start one with POST /api/live"));
    };
    let outcome = tokio::task::spawn_blocking(move || session.stop())
        .await
        .map_err(|e| ApiError::internal(format!("the live call could not be stopped: {e}")))?
        .map_err(|e| ApiError::internal(format!("the recording could not be finished: {e}")))?;
    let recording = outcome.recording;
    let file_name = pipeline::file_name(&recording.path);
    tracing::info!(live = %live_id, path = %recording.path.display(), duration_ms = recording.duration_ms, "live call stopped");
    let (settings, library) = (state.config.get(), state.library_path.clone());
    let (sender, analysed) = tokio::sync::oneshot::channel();
    let kept = recording.clone();
    // Analysed like a dropped file, on a thread of its own (the engine's synchronous entry),
    // as the desktop app does when its call ends.
    std::thread::Builder::new()
        .name("live-analysis".into())
        .spawn(move || {
            let file = pipeline::file_name(&recording.path);
            let result = ModelStore::open_default()
                .map_err(|source| PipelineError::Model { source })
                .and_then(|models| Job::from_settings(&settings, &models, &Keyring::os()))
                .and_then(|job| {
                    let mut store = Store::open(&library).map_err(|source| PipelineError::Store { file, source })?;
                    pipeline::block_on(pipeline::store_live_recording(&recording, &job, &mut store, Arc::new(|_| {}), &CancelToken::new()))
                });
            let _ = sender.send(result);
        })
        .map_err(|e| ApiError::internal(format!("the call could not be analysed: {e}")))?;
    let recording = kept;
    let analysed = analysed.await.unwrap_or_else(|_| Err(PipelineError::Runtime { detail: "the analysis thread stopped".into() }));
    match analysed {
        Ok(call) => {
            let event = ServerEvent::Stored { job_id: &live_id, file_name: &call.file_name, call_id: call.call_id, domain: &call.domain, category: &call.category };
            publish(&state.events, &event);
            Ok(Json(ServiceResponse::from(call)))
        }
        Err(e) => {
            let (status, code) = failure_status(e.kind());
            let detail = format!("{e}; the recording is kept at {}: analyse it with `callscope analyze`", recording.path.display());
            publish(&state.events, &ServerEvent::Error { job_id: &live_id, file_name: &file_name, code, detail: &detail });
            Err(ApiError::new(status, code, detail).about(&file_name))
        }
    }
}

/// The devices asked for; with none asked for, the ones the settings remember, else the
/// defaults (either side may be missing, not both).
fn devices(request: &StartLive, settings: &callscope::config::Settings) -> Result<(Option<CaptureDevice>, Option<CaptureDevice>), ApiError> {
    let find = |query: &str, kind| find_device(query, kind).map_err(|e| ApiError::bad_request("no_device", e.to_string()));
    if request.microphone.is_some() || request.system.is_some() {
        let microphone = request.microphone.as_deref().map(|q| find(q, DeviceKind::Microphone)).transpose()?;
        let system = request.system.as_deref().map(|q| find(q, DeviceKind::System)).transpose()?;
        return Ok((microphone, system));
    }
    let chosen = |id: &str| if id.is_empty() { "default".to_string() } else { id.to_string() };
    let microphone = find(&chosen(&settings.live_microphone), DeviceKind::Microphone).ok();
    let system = find(&chosen(&settings.live_system), DeviceKind::System).ok();
    if microphone.is_none() && system.is_none() {
        return Err(ApiError::bad_request("no_device", "this machine has no default microphone or system audio source; name them as {\"microphone\": ID, \"system\": ID} (`callscope devices` lists them)"));
    }
    Ok((microphone, system))
}

fn caption<'a>(live_id: &'a str, segment: &'a Segment) -> Caption<'a> {
    Caption { live_id, speaker: segment.speaker, start_ms: segment.start_ms, end_ms: segment.end_ms, text: &segment.text }
}

/// Pass the call's captions (and a failed recording) on to WebSocket clients until it stops.
fn relay(live_id: String, updates: mpsc::Receiver<LiveUpdate>, events: Events) {
    let spawned = std::thread::Builder::new().name("live-relay".into()).spawn(move || {
        for update in updates {
            match update {
                LiveUpdate::Caption(StreamEvent::Partial(s)) => publish(&events, &ServerEvent::Partial(caption(&live_id, &s))),
                LiveUpdate::Caption(StreamEvent::Final(s)) => publish(&events, &ServerEvent::Final(caption(&live_id, &s))),
                LiveUpdate::Audio(LiveEvent::RecordingFailed { path, reason }) => {
                    let detail = format!("recording to {path} stopped: {reason}; what was recorded is kept");
                    publish(&events, &ServerEvent::Error { job_id: &live_id, file_name: &path, code: "recording_failed", detail: &detail });
                }
                _ => {}
            }
        }
    });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "live captions will not reach WebSocket clients; the call is still recorded");
    }
}
