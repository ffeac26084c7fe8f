//! Callscope desktop: a Tauri shell over the engine. Commands in `commands/` are thin; the
//! engine's job queue analyses files on its own thread and its updates become typed events.

pub mod api;
mod commands;
mod error;
mod live;
mod logging;
mod shortcut;
mod views;

use std::sync::Arc;
use std::time::Instant;

use tauri::webview::PageLoadEvent;
use tauri::Manager;
use tauri_specta::Event;

use callscope::config::{data_location, ConfigStore};
use callscope::jobs::{JobQueue, QueueOptions, UpdateSink};
use callscope::secrets::Keyring;

use callscope::store::Library;
use crate::live::LiveCalls;
use crate::views::JobEvent;

/// Start the app; returns when the last window closes.
pub fn run() -> Result<(), String> {
    let launched = Instant::now();
    let location = data_location().map_err(|e| e.to_string())?;
    let _log_guard = logging::init(&location.logs());
    tracing::info!(data = %location.dir.display(), version = env!("CARGO_PKG_VERSION"), "Callscope starting");
    let config = Arc::new(ConfigStore::load(&location.settings()));
    let bridge = api::builder();
    let invoke_handler = bridge.invoke_handler();
    tauri::Builder::default()
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window("main") {
                let _ = window.unminimize();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_global_shortcut::Builder::new().build())
        .invoke_handler(invoke_handler)
        .on_page_load(move |webview, payload| {
            if payload.event() == PageLoadEvent::Finished {
                // `make bench-desktop` reads this line to measure cold start.
                tracing::info!(window = webview.label(), startup_ms = launched.elapsed().as_millis() as u64, "window loaded");
            }
        })
        .setup(move |app| {
            bridge.mount_events(app);
            let handle = app.handle().clone();
            let sink: UpdateSink = Arc::new(move |update| {
                if let Some(live) = handle.try_state::<LiveCalls>() {
                    live.job_update(&handle, &update);
                }
                if let Err(e) = JobEvent(update).emit(&handle) {
                    tracing::warn!(error = %e, "could not send a job update to the window");
                }
            });
            // API keys: the OS keyring, contacted only when the settings screen asks or a job
            // for a remote provider is built.
            let options = QueueOptions { library: location.library(), models: None, workers: 1, keys: Keyring::os() };
            app.manage(JobQueue::start(options, Arc::clone(&config), sink));
            app.manage(Library::new(location.library()));
            let live = LiveCalls::new(location.recordings());
            live.recover_in_background(app.handle());
            app.manage(live);
            let _ = shortcut::register(app.handle(), &config.get().live_shortcut);
            app.manage(config);
            app.manage(Keyring::os());
            app.manage(location);
            Ok(())
        })
        .run(tauri::generate_context!())
        .map_err(|e| format!("Callscope could not start: {e}"))
}
