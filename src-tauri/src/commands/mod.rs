//! Tauri commands: each parses its input, calls one engine function and maps the error.
//! They are `async` so Tauri runs them off the UI thread.

pub mod analyze;
pub mod call;
pub mod library;
pub mod live;
pub mod settings;
