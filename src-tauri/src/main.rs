//! The `callscope-desktop` binary; `--export-bindings PATH` writes the TypeScript bindings.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [flag, path] if flag == "--export-bindings" => callscope_desktop::api::export_bindings(std::path::Path::new(path)),
        _ => callscope_desktop::run(),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
