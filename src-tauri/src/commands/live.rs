//! Live calls: the devices to pick from, start, stop, and the running call so far.

use std::sync::Arc;

use tauri::{AppHandle, Manager, State};

use callscope::config::ConfigStore;

use crate::error::CommandError;
use crate::live::LiveCalls;
use crate::views::{LiveEvent, LiveSetupView};

/// The microphones and system audio sources, the remembered choice and the shortcut.
#[tauri::command]
#[specta::specta]
pub async fn live_setup(live: State<'_, LiveCalls>, config: State<'_, Arc<ConfigStore>>) -> Result<LiveSetupView, CommandError> {
    live.setup(&config.get())
}

/// Start recording a call (device ids; either may be null, not both); updates arrive as
/// `live-event` events.
#[tauri::command]
#[specta::specta]
pub async fn start_live(microphone: Option<String>, system: Option<String>, app: AppHandle) -> Result<(), CommandError> {
    // Opening devices and the caption model takes a second or two.
    tauri::async_runtime::spawn_blocking(move || app.state::<LiveCalls>().start(&app, microphone, system))
        .await
        .map_err(|e| CommandError::new(format!("The call could not start: {e}")))?
}

/// Stop the call; its recording is analysed and stored (`stored` or `failed` follows).
#[tauri::command]
#[specta::specta]
pub async fn stop_live(app: AppHandle, live: State<'_, LiveCalls>) -> Result<bool, CommandError> {
    live.stop(&app)
}

/// The running call's events so far (empty when there is none), for a window opened mid-call.
#[tauri::command]
#[specta::specta]
pub async fn live_status(live: State<'_, LiveCalls>) -> Result<Vec<LiveEvent>, CommandError> {
    Ok(live.status())
}
