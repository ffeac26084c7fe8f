//! Compiles the app's permissions: only the commands listed here can be called from the window,
//! and `capabilities/main.json` grants them to the main window alone.

const COMMANDS: &[&str] = &[
    "analyze_files",
    "cancel_job",
    "cancel_all_jobs",
    "list_calls",
    "count_calls",
    "search_calls",
    "list_domains",
    "export_calls",
    "get_call",
    "correct_field",
    "delete_call",
    "allow_call_audio",
    "call_waveform",
    "export_call",
    "get_settings",
    "save_settings",
    "remove_key",
    "choose_data_dir",
    "reset_data_dir",
    "usage_report",
    "reanalyze_call",
    "live_setup",
    "start_live",
    "stop_live",
    "live_status",
];

fn main() {
    if !std::path::Path::new("../ui/dist/index.html").is_file() {
        println!("cargo::warning=ui/dist is missing: run `make ui` (npm ci && npm run build in ui/) before building the desktop app");
    }
    let manifest = tauri_build::AppManifest::new().commands(COMMANDS);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))
        .unwrap_or_else(|e| panic!("tauri build step failed: {e:#}"));
}
