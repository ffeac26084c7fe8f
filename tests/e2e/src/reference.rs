//! The platform's own share of the app's memory: `webkit-reference`, a bare WebKitGTK window
//! with a static page, run alone on a private X server and measured like the app (PSS of its
//! process and of the web and network processes WebKit starts for it).

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::{memory, start_xvfb, terminate, Outcome};

/// Each process of the reference window after it has been idle for `settle`: its id, command
/// name and PSS in bytes. Run it after the app has stopped, or the two split their shared pages.
pub fn webkit_floor(binary: &Path, settle: Duration) -> Outcome<Vec<(u32, String, u64)>> {
    if !binary.is_file() {
        return Err(format!(
            "{} is missing: build it with `cargo build --release -p callscope-e2e`",
            binary.display()
        ));
    }
    let home = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let (display, mut xvfb) = start_xvfb()?;
    let window = Command::new(binary)
        .env("DISPLAY", format!(":{display}"))
        .env("HOME", home.path())
        .env("XDG_CACHE_HOME", home.path().join("cache"))
        .env("XDG_DATA_HOME", home.path().join("share"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn();
    let mut window = match window {
        Ok(child) => child,
        Err(e) => {
            terminate("Xvfb", &mut xvfb);
            return Err(format!("starting {}: {e}", binary.display()));
        }
    };
    std::thread::sleep(settle);
    let processes = memory::tree_pss(window.id());
    let exited = window.try_wait().ok().flatten();
    terminate("webkit-reference", &mut window);
    terminate("Xvfb", &mut xvfb);
    match exited {
        Some(status) => Err(format!(
            "{} exited early ({status}); run it under a display to see why",
            binary.display()
        )),
        None if processes.len() < 2 => {
            Err("the reference window started no WebKit processes".to_string())
        }
        None => Ok(processes),
    }
}
