//! What the settings screen shows (composed from engine types, which carry their own
//! TypeScript types), and the job event. Every call, library and job type the UI sees is the
//! engine's own.

use callscope::audio::capture::CaptureDevice;
use callscope::audio::live::CallSide;
use callscope::config::{DataDirOrigin, Settings};
use callscope::jobs::JobUpdate;
use callscope::secrets::{SecretKind, SecretStatus};
use serde::{Deserialize, Serialize};
use specta::Type;

/// A change in one analysis job's state, sent to the window as the `job-event` event.
#[derive(Debug, Clone, Serialize, Type, tauri_specta::Event)]
pub struct JobEvent(pub JobUpdate);

/// A speech model the user can pick.
#[derive(Debug, Clone, Serialize, Type)]
pub struct ModelChoice {
    pub name: String,
    pub installed: bool,
    pub size_bytes: Option<u64>,
    /// What it is good for, with a speed hint.
    pub description: String,
}

/// A key as the settings screen shows it: never the key, at most its last four characters.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SecretView {
    pub kind: SecretKind,
    pub label: String,
    pub status: SecretStatus,
    /// A warning about the stored key (a Supabase key that bypasses row-level security).
    pub warning: Option<String>,
    /// What will use it.
    pub used_by: String,
}

/// A key the user typed, to be stored in the keyring. Its `Debug` never shows the key.
#[derive(Clone, Deserialize, Type)]
pub struct NewSecret {
    pub kind: SecretKind,
    pub value: String,
}

impl std::fmt::Debug for NewSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSecret").field("kind", &self.kind).field("value", &"<hidden>").finish()
    }
}

/// The settings screen's content: the settings and what they can be set to.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SettingsView {
    /// The settings as saved (what the screen edits).
    pub settings: Settings,
    /// Settings an environment variable overrides, with the variable's name.
    pub overridden: Vec<(String, String)>,
    /// Speech models in the default (q8_0) format, installed ones first.
    pub models: Vec<ModelChoice>,
    /// The keys the app can keep, in the OS keyring.
    pub secrets: Vec<SecretView>,
    /// The data folder in use: library, settings and logs.
    pub data_dir: String,
    pub data_dir_source: DataDirOrigin,
    /// The folder the next start will use, when it differs from `data_dir`.
    pub next_data_dir: Option<String>,
    pub models_dir: String,
    pub log_dir: String,
}

impl SecretView {
    /// The view of a key of `kind` in `status`.
    pub fn new(kind: SecretKind, status: SecretStatus, warning: Option<String>) -> SecretView {
        let used_by = match kind {
            SecretKind::GeminiApiKey => "Used when Gemini analyses calls (GEMINI_API_KEY overrides it).",
            SecretKind::OpenAiApiKey => "Used when an OpenAI-compatible server analyses or transcribes calls; a server on this computer (Ollama, llama.cpp) needs none (OPENAI_API_KEY overrides it).",
            SecretKind::SupabaseKey => "Used by team sync when it is enabled (not built yet). Use the publishable (anon) key.",
        };
        SecretView { kind, label: kind.label().to_string(), status, warning, used_by: used_by.to_string() }
    }
}

/// Where a live call is and what it hears, sent to the window as the `live-event` event.
#[derive(Debug, Clone, Serialize, Type, tauri_specta::Event)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LiveEvent {
    /// Recording has begun on these devices (names); `notice` says what is missing (captions).
    Started { started_at: String, microphone: Option<String>, system: Option<String>, notice: Option<String> },
    /// About ten times a second: each side's level in percent (0 at −60 dBFS and below, 100
    /// at full scale) and how long the call has run.
    Levels { agent: u8, customer: u8, elapsed_ms: u64 },
    /// Words heard: revisable until `is_final`, never changed after.
    Caption { speaker: CallSide, start_ms: u64, end_ms: u64, text: String, is_final: bool },
    /// Audio the captions skipped to keep up (the recording keeps it).
    Skipped { speaker: CallSide, start_ms: u64, end_ms: u64 },
    /// A side's device went away; the call goes on with silence on that side.
    DeviceLost { speaker: CallSide, device: String, at_ms: u64 },
    /// The call ended; its recording is being analysed (by the queue's job `job_id` when set).
    Stopped { duration_ms: u64, job_id: Option<u32> },
    /// The analysed call is in the library.
    Stored { call_id: i64 },
    /// Something stopped the call or its analysis; the message says what is kept.
    Failed { message: String },
}

/// What the Live screen offers: the devices, the ones to preselect (remembered, else the
/// defaults), why system audio is unavailable here (if it is) and the start/stop shortcut.
#[derive(Debug, Clone, Serialize, Type)]
#[serde(rename = "LiveSetup")]
pub struct LiveSetupView {
    pub devices: Vec<CaptureDevice>,
    pub system_unsupported: Option<String>,
    pub microphone: Option<String>,
    pub system: Option<String>,
    pub shortcut: Option<String>,
}
