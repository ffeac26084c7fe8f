//! The desktop's live call: at most one at a time, started and stopped from the Live screen or
//! the global shortcut, its updates sent to the window as `live-event`s (and kept, so a window
//! reloaded mid-call catches up), its recording analysed and stored when it ends. The window
//! title says when a call is being recorded.

use std::path::PathBuf;
use std::sync::{mpsc, Arc, Mutex};

use tauri::{AppHandle, Manager};
use tauri_specta::Event;

use callscope::audio::capture::{find_device, list_devices, system_audio_unsupported, DeviceKind};
use callscope::audio::live::{CallSide, ChannelLevel, LiveEvent as AudioEvent};
use callscope::config::{ConfigStore, Settings};
use callscope::live::{self, LiveOutcome, LiveSession, LiveSetup, LiveUpdate};
use callscope::audio::recorder::recover_unfinished;
use callscope::jobs::{JobQueue, JobState, JobUpdate};
use callscope::pipeline;
use callscope::stt::stream::StreamEvent;
use callscope::stt::{Segment, Speaker};

use crate::error::CommandError;
use crate::views::{LiveEvent, LiveSetupView};

const TITLE: &str = "Callscope";
const RECORDING_TITLE: &str = "● Recording — Callscope";
/// Events kept for a window that reloads mid-call (levels and partials only as their latest).
const HISTORY: usize = 1_000;

/// The running call, if any, and what it has said so far.
pub struct LiveCalls {
    running: Mutex<Option<LiveSession>>,
    history: Arc<Mutex<Vec<LiveEvent>>>,
    recordings: PathBuf,
}

impl LiveCalls {
    pub fn new(recordings: PathBuf) -> LiveCalls {
        LiveCalls { running: Mutex::new(None), history: Arc::new(Mutex::new(Vec::new())), recordings }
    }

    /// The devices, what the user chose last time and the shortcut.
    pub fn setup(&self, settings: &Settings) -> Result<LiveSetupView, CommandError> {
        let devices = list_devices()?;
        let remembered = |id: &str, kind: DeviceKind| {
            let of_kind = || devices.iter().filter(|d| d.kind == kind);
            of_kind().find(|d| !id.is_empty() && d.id == id).or_else(|| of_kind().find(|d| d.is_default)).map(|d| d.id.clone())
        };
        Ok(LiveSetupView {
            microphone: remembered(&settings.live_microphone, DeviceKind::Microphone),
            system: remembered(&settings.live_system, DeviceKind::System),
            system_unsupported: system_audio_unsupported().map(str::to_string),
            shortcut: Some(settings.live_shortcut.clone()).filter(|s| !s.is_empty()),
            devices,
        })
    }

    pub fn is_running(&self) -> bool {
        self.running.lock().unwrap_or_else(|p| p.into_inner()).is_some()
    }

    /// The call so far as events (empty when none is running or analysing).
    pub fn status(&self) -> Vec<LiveEvent> {
        self.history.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Start a call on the chosen devices (ids; `None` leaves that side out) and remember them.
    pub fn start(&self, app: &AppHandle, microphone: Option<String>, system: Option<String>) -> Result<(), CommandError> {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        if running.is_some() {
            return Err(CommandError::new("A call is already being recorded: stop it before starting another."));
        }
        let config = app.state::<Arc<ConfigStore>>();
        let microphone = microphone.map(|id| find_device(&id, DeviceKind::Microphone)).transpose()?;
        let system = system.map(|id| find_device(&id, DeviceKind::System)).transpose()?;
        let mut settings = config.stored();
        settings.live_microphone = microphone.as_ref().map_or_else(String::new, |d| d.id.clone());
        settings.live_system = system.as_ref().map_or_else(String::new, |d| d.id.clone());
        if let Err(e) = config.save(settings) {
            tracing::warn!(error = %e, "the chosen live devices could not be remembered");
        }
        let settings = config.get();
        let (captions, notice) = match live::caption_model(&settings.live_model, &settings.language) {
            Ok(model) => (Some(model), None),
            Err(why) => (None, Some(why)),
        };
        let names = (microphone.as_ref().map(|d| d.name.clone()), system.as_ref().map(|d| d.name.clone()));
        let (updates_tx, updates) = mpsc::channel();
        let session = LiveSession::start(LiveSetup { microphone, system, recordings: self.recordings.clone(), captions }, updates_tx)
            .map_err(|e| CommandError::new(format!("The call could not start: {e}")))?;
        *running = Some(session);
        self.history.lock().unwrap_or_else(|p| p.into_inner()).clear();
        let started = LiveEvent::Started { started_at: now_rfc3339(), microphone: names.0, system: names.1, notice };
        send(app, &self.history, started);
        set_title(app, RECORDING_TITLE);
        let (app, history) = (app.clone(), Arc::clone(&self.history));
        let spawned = std::thread::Builder::new().name("live-events".into()).spawn(move || {
            let mut elapsed_ms = 0;
            for update in updates {
                for event in view(update, &mut elapsed_ms) {
                    send(&app, &history, event);
                }
            }
        });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "live updates will not reach the window; the call is still recorded");
        }
        tracing::info!("live call started");
        Ok(())
    }

    /// End the call; the recording is analysed in the background and `stored` (or `failed`)
    /// follows. False when no call was running.
    pub fn stop(&self, app: &AppHandle) -> Result<bool, CommandError> {
        let Some(session) = self.running.lock().unwrap_or_else(|p| p.into_inner()).take() else { return Ok(false) };
        set_title(app, TITLE);
        let (app, history) = (app.clone(), Arc::clone(&self.history));
        std::thread::Builder::new()
            .name("live-stop".into())
            .spawn(move || finish(&app, &history, session))
            .map_err(|e| CommandError::new(format!("The call could not be stopped cleanly: {e}")))?;
        Ok(true)
    }

    /// Recordings a crash cut short (the app or `callscope listen` killed mid-call): repaired
    /// and queued for analysis, to be stored marked "recovered", once at start.
    pub fn recover_in_background(&self, app: &AppHandle) {
        if !pipeline::has_unfinished_recordings(&self.recordings) {
            return;
        }
        let (app, recordings) = (app.clone(), self.recordings.clone());
        let spawned = std::thread::Builder::new().name("live-recover".into()).spawn(move || {
            for recovered in recover_unfinished(&recordings) {
                match recovered {
                    Ok(recording) => {
                        tracing::info!(file = %recording.path.display(), duration_ms = recording.duration_ms, "queued a call a crash cut short");
                        app.state::<JobQueue>().enqueue_live(recording);
                    }
                    Err(e) => tracing::error!(error = %e, folder = %recordings.display(), "a recording a crash cut short was not recovered; it is kept where it was"),
                }
            }
        });
        if let Err(e) = spawned {
            tracing::warn!(error = %e, "recordings a crash cut short will be recovered at the next start");
        }
    }

    /// A job of the analysis queue changed: when it is the ended call's, its outcome ends the
    /// call's history too (a window reloaded after that no longer shows it as analysing).
    pub fn job_update(&self, app: &AppHandle, update: &JobUpdate) {
        let ours = self.history.lock().unwrap_or_else(|p| p.into_inner()).iter().rev().find_map(|e| match e {
            LiveEvent::Stopped { job_id, .. } => Some(*job_id == Some(update.job_id)),
            LiveEvent::Stored { .. } | LiveEvent::Failed { .. } | LiveEvent::Started { .. } => Some(false),
            _ => None,
        });
        if ours != Some(true) {
            return;
        }
        match &update.state {
            JobState::Done { call_id, .. } => send(app, &self.history, LiveEvent::Stored { call_id: *call_id }),
            JobState::Failed { message, .. } => send(app, &self.history, LiveEvent::Failed { message: format!("The call was recorded but not analysed: {message}") }),
            JobState::Cancelled => send(app, &self.history, LiveEvent::Failed { message: "The analysis was cancelled; the recording is kept in the recordings folder and can be analysed again.".into() }),
            _ => {}
        }
    }

    /// Start with the remembered devices, or stop (the global shortcut).
    pub fn toggle(&self, app: &AppHandle) {
        let result = if self.is_running() {
            self.stop(app).map(|_| ())
        } else {
            let settings = app.state::<Arc<ConfigStore>>().get();
            self.setup(&settings).and_then(|s| self.start(app, s.microphone, s.system))
        };
        if let Err(e) = result {
            send(app, &self.history, LiveEvent::Failed { message: e.message });
        }
    }
}

/// Stop the devices and captions, then queue the recording for analysis like a dropped file.
fn finish(app: &AppHandle, history: &Mutex<Vec<LiveEvent>>, session: LiveSession) {
    let outcome = match session.stop() {
        Ok(outcome) => outcome,
        Err(e) => return send(app, history, LiveEvent::Failed { message: format!("The recording could not be finished: {e}") }),
    };
    let LiveOutcome { recording, captions } = outcome;
    if let Some(stats) = captions {
        tracing::info!(audio_ms = stats.audio_ms, max_backlog_ms = stats.max_backlog_ms, skipped_ms = stats.skipped_ms, "live captions finished");
    }
    let duration_ms = recording.duration_ms;
    let queued = app.state::<JobQueue>().enqueue_live(recording);
    match queued.state {
        JobState::Failed { message, .. } => send(app, history, LiveEvent::Failed { message: format!("The call was recorded but not analysed: {message}") }),
        _ => send(app, history, LiveEvent::Stopped { duration_ms, job_id: Some(queued.job_id) }),
    }
}

/// The window's events for one update; `elapsed_ms` is how far the call is, as last heard.
fn view(update: LiveUpdate, elapsed_ms: &mut u64) -> Vec<LiveEvent> {
    match update {
        LiveUpdate::Audio(AudioEvent::Levels { elapsed_ms: now, agent, customer }) => {
            *elapsed_ms = now;
            vec![LiveEvent::Levels { agent: level(agent), customer: level(customer), elapsed_ms: now }]
        }
        LiveUpdate::Audio(AudioEvent::DeviceLost { side, device, reason }) => {
            tracing::warn!(%side, %device, %reason, "live device lost");
            vec![LiveEvent::DeviceLost { speaker: side, device, at_ms: *elapsed_ms }]
        }
        LiveUpdate::Audio(AudioEvent::RecordingFailed { path, reason }) => vec![LiveEvent::Failed { message: format!("Recording to {path} stopped: {reason}. What was recorded is kept.") }],
        LiveUpdate::Audio(_) => Vec::new(),
        LiveUpdate::Caption(StreamEvent::Partial(s)) => caption(s, false),
        LiveUpdate::Caption(StreamEvent::Final(s)) => caption(s, true),
        LiveUpdate::Caption(StreamEvent::Skipped { speaker, start_ms, end_ms }) => side(speaker).map(|speaker| LiveEvent::Skipped { speaker, start_ms, end_ms }).into_iter().collect(),
    }
}

fn caption(segment: Segment, is_final: bool) -> Vec<LiveEvent> {
    side(segment.speaker)
        .map(|speaker| LiveEvent::Caption { speaker, start_ms: segment.start_ms, end_ms: segment.end_ms, text: segment.text, is_final })
        .into_iter()
        .collect()
}

fn side(speaker: Speaker) -> Option<CallSide> {
    match speaker {
        Speaker::Agent => Some(CallSide::Agent),
        Speaker::Customer => Some(CallSide::Customer),
        Speaker::Unknown => None,
    }
}

/// A level as a meter shows it, in percent: −60 dBFS and below empty, 0 dBFS full.
fn level(l: ChannelLevel) -> u8 {
    (((l.rms_db + 60.0) / 60.0).clamp(0.0, 1.0) * 100.0).round() as u8
}

/// Send an event to the window and keep it for `status`.
fn send(app: &AppHandle, history: &Mutex<Vec<LiveEvent>>, event: LiveEvent) {
    if let Err(e) = event.clone().emit(app) {
        tracing::warn!(error = %e, "could not send a live call update to the window");
    }
    let mut kept = history.lock().unwrap_or_else(|p| p.into_inner());
    // Only the latest levels and partial of a side matter to a window catching up.
    let replaces = |old: &LiveEvent| match (old, &event) {
        (LiveEvent::Levels { .. }, LiveEvent::Levels { .. }) => true,
        (LiveEvent::Caption { speaker: a, is_final: false, .. }, LiveEvent::Caption { speaker: b, .. }) => a == b,
        _ => false,
    };
    kept.retain(|old| !replaces(old));
    if kept.len() >= HISTORY {
        // Keep `started` (the first); drop the oldest after it.
        let oldest = 1.min(kept.len() - 1);
        kept.remove(oldest);
    }
    kept.push(event);
}

fn set_title(app: &AppHandle, title: &str) {
    if let Some(window) = app.get_webview_window("main") {
        if let Err(e) = window.set_title(title) {
            tracing::warn!(error = %e, "could not set the window title");
        }
    }
}

fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    now.replace_nanosecond(0).unwrap_or(now).format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}
