//! Callscope desktop: a Tauri shell over the engine. Commands in `commands/` are thin; the
//! analysis queue runs on its own thread and reports progress as typed events.

pub mod api;
mod commands;
mod error;
mod library;
mod logging;
mod paths;
mod queue;
mod settings;
mod views;

use std::sync::Arc;
use std::time::Instant;

use tauri::webview::PageLoadEvent;
use tauri::Manager;
use tauri_specta::Event;

use callscope::secrets::Keyring;

use crate::library::Library;
use crate::paths::AppPaths;
use crate::queue::AnalysisQueue;
use crate::settings::SettingsStore;

/// Start the app; returns when the last window closes.
pub fn run() -> Result<(), String> {
    let launched = Instant::now();
    let paths = AppPaths::resolve().map_err(|e| e.to_string())?;
    let _log_guard = logging::init(&paths.logs);
    tracing::info!(data = %paths.data_dir.display(), version = env!("CARGO_PKG_VERSION"), "Callscope starting");
    let settings = Arc::new(SettingsStore::load(&paths.settings));
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
            let sink = Box::new(move |update: views::jobs::JobUpdate| {
                if let Err(e) = update.emit(&handle) {
                    tracing::warn!(error = %e, "could not send a job update to the window");
                }
            });
            app.manage(AnalysisQueue::start(paths.library.clone(), Arc::clone(&settings), sink));
            app.manage(Library::new(paths.library.clone()));
            app.manage(Arc::clone(&settings));
            // API keys: the OS keyring, contacted only when the settings screen asks.
            app.manage(Keyring::os());
            app.manage(paths.clone());
            Ok(())
        })
        .run(tauri::generate_context!())
        .map_err(|e| format!("Callscope could not start: {e}"))
}
