//! The `callscope-desktop` binary; `--export-bindings PATH` writes the TypeScript bindings.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

use std::process::ExitCode;

fn main() -> ExitCode {
    return_large_blocks_to_the_system();
    software_rendering_defaults();
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

/// Without a GPU (no DRM render node: a VM, a remote session, CI), WebKitGTK's DMA-BUF renderer
/// draws through Mesa's software rasteriser into extra GBM buffers, which roughly doubled the
/// web process's memory (196 → 102 MB measured under Xvfb) for no visible gain; WebKit's
/// shared-memory path is the one meant for software rendering. A user's own setting wins.
fn software_rendering_defaults() {
    #[cfg(target_os = "linux")]
    {
        const VAR: &str = "WEBKIT_DISABLE_DMABUF_RENDERER";
        let has_gpu = std::fs::read_dir("/dev/dri")
            .map(|entries| entries.filter_map(Result::ok).any(|e| e.file_name().to_string_lossy().starts_with("renderD")))
            .unwrap_or(false);
        if !has_gpu && std::env::var_os(VAR).is_none() {
            // Called first thing in `main`, before any other thread exists.
            std::env::set_var(VAR, "1");
        }
    }
}

/// glibc raises its mmap threshold each time it frees a large block (up to 32 MiB), so later
/// blocks of that size (the decoded audio behind a waveform, a recording read for the player)
/// come from the heap and stay there once freed: opening ten calls with their recordings left
/// the app process 90 MB larger for good. A fixed threshold keeps blocks over 1 MiB in their own
/// mappings, which go back to the system when they are freed.
fn return_large_blocks_to_the_system() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only changes allocator settings; called first in `main`, before any
    // other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}
