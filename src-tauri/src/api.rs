//! The typed bridge to the UI: every command and event, and the TypeScript module generated
//! from them (`ui/src/api/bindings.ts`, checked by a test to match these Rust types).

use specta_typescript::Typescript;
use tauri_specta::{collect_commands, collect_events, Builder};

use crate::commands::{analyze, call, library, live, settings};
use crate::views::{JobEvent, LiveEvent};

/// Where the generated TypeScript lives, relative to this crate.
pub const BINDINGS_PATH: &str = "../ui/src/api/bindings.ts";

/// Every command and event the UI may use.
pub fn builder() -> Builder<tauri::Wry> {
    Builder::<tauri::Wry>::new()
        .commands(collect_commands![
            analyze::analyze_files,
            analyze::cancel_job,
            analyze::cancel_all_jobs,
            library::list_calls,
            library::count_calls,
            library::search_calls,
            library::list_domains,
            library::usage_report,
            library::export_calls,
            call::get_call,
            call::correct_field,
            call::reanalyze_call,
            call::delete_call,
            call::allow_call_audio,
            call::call_waveform,
            call::export_call,
            settings::get_settings,
            settings::save_settings,
            settings::remove_key,
            settings::choose_data_dir,
            settings::reset_data_dir,
            live::live_setup,
            live::start_live,
            live::stop_live,
            live::live_status,
        ])
        .events(collect_events![JobEvent, LiveEvent])
        // Ids, durations and token counts stay far below 2^53.
        .dangerously_cast_bigints_to_number()
        // One TypeScript type per Rust type (every view is either only sent or only received).
        .disable_serde_phases()
}

/// Write the TypeScript bindings to `path`.
pub fn export_bindings(path: &std::path::Path) -> Result<(), String> {
    builder()
        .export(Typescript::default().header("// Generated from src-tauri by `make bindings`; do not edit.\n"), path)
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed bindings are what the Rust types generate (run `make bindings` after
    /// changing a command or a view).
    #[test]
    fn typescript_bindings_match_the_rust_types() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fresh = dir.path().join("bindings.ts");
        export_bindings(&fresh).expect("export bindings");
        let fresh = std::fs::read_to_string(&fresh).expect("read fresh bindings");
        let committed_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(BINDINGS_PATH);
        let committed = std::fs::read_to_string(&committed_path).unwrap_or_default();
        assert!(fresh == committed, "{} is stale: run `make bindings`", committed_path.display());
    }

    /// Every command the UI can invoke is granted to the window (build.rs and the main
    /// capability); a command missing there fails in the app with a bare "not allowed" string.
    #[test]
    fn every_command_is_allowed_for_the_window() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fresh = dir.path().join("bindings.ts");
        export_bindings(&fresh).expect("export bindings");
        let bindings = std::fs::read_to_string(&fresh).expect("read bindings");
        let build = include_str!("../build.rs");
        let capability = include_str!("../capabilities/main.json");
        let invoked: Vec<&str> = bindings.split("__TAURI_INVOKE(\"").skip(1).filter_map(|rest| rest.split('"').next()).collect();
        assert!(invoked.len() > 20, "commands found in the bindings: {invoked:?}");
        for name in invoked {
            assert!(build.contains(&format!("\"{name}\"")), "{name} is not in build.rs's COMMANDS");
            let permission = format!("\"allow-{}\"", name.replace('_', "-"));
            assert!(capability.contains(&permission), "{permission} is not in capabilities/main.json");
        }
    }
}
