//! The desktop-wide shortcut that starts and stops a live call (setting `live_shortcut`).

use tauri::{AppHandle, Manager};
use tauri_plugin_global_shortcut::{GlobalShortcutExt, Shortcut, ShortcutState};

use crate::live::LiveCalls;

/// Make `accelerator` ("CommandOrControl+Shift+L") start and stop live calls, replacing any
/// shortcut registered before; an empty one registers none. A shortcut that cannot be parsed
/// or is taken by another program is logged and returned as a message.
pub fn register(app: &AppHandle, accelerator: &str) -> Option<String> {
    if let Err(e) = app.global_shortcut().unregister_all() {
        tracing::warn!(error = %e, "could not release the previous live call shortcut");
    }
    let accelerator = accelerator.trim();
    if accelerator.is_empty() {
        return None;
    }
    let shortcut: Shortcut = match accelerator.parse() {
        Ok(s) => s,
        Err(e) => return Some(problem(accelerator, &e.to_string())),
    };
    let registered = app.global_shortcut().on_shortcut(shortcut, |app, _, event| {
        if event.state == ShortcutState::Pressed {
            // Opening devices takes a second or two: not on the event loop's thread.
            let app = app.clone();
            let spawned = std::thread::Builder::new().name("live-shortcut".into()).spawn(move || app.state::<LiveCalls>().toggle(&app));
            if let Err(e) = spawned {
                tracing::warn!(error = %e, "the live call shortcut could not act");
            }
        }
    });
    match registered {
        Ok(()) => {
            tracing::info!(shortcut = accelerator, "live call shortcut registered");
            None
        }
        Err(e) => Some(problem(accelerator, &e.to_string())),
    }
}

fn problem(accelerator: &str, detail: &str) -> String {
    let message = format!("The shortcut {accelerator} cannot start and stop calls ({detail}); choose another one in Settings.");
    tracing::warn!(%message, "live call shortcut");
    message
}
