//! `make bench-desktop`: cold start and idle memory of the desktop app with 10,000 calls in its
//! library (targets: window usable ≤ 1.5 s, idle memory ≤ 200 MB). A measurement, not a test:
//! it prints the numbers and writes them to `target/bench-desktop.json`.
//!
//! Then it opens 20 calls one after another, playing every third, and measures memory again:
//! it should settle, not grow with every call.
//!
//! Memory is read against a reference measured in the same run: `webkit-reference`, a bare
//! WebKitGTK window with a static page, is what the platform costs before the app adds anything.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use callscope_e2e::{library, memory, reference, workspace_root, Desktop, Launch};
use fantoccini::Locator;

/// Calls in the library: 10,000 by default; `CALLSCOPE_BENCH_CALLS=100000` checks the list
/// still opens fast at 100,000.
fn calls() -> usize {
    std::env::var("CALLSCOPE_BENCH_CALLS").ok().and_then(|n| n.parse().ok()).unwrap_or(10_000)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark of the real desktop app; run with `make bench-desktop`"]
async fn cold_start_and_idle_memory_with_ten_thousand_calls() {
    let calls = calls();
    let root = workspace_root();
    let fixtures = root.join("tests/fixtures/generated/calls");
    let binary = std::env::var_os("CALLSCOPE_DESKTOP_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target/release/callscope-desktop"));
    let launch = Launch {
        binary: binary.clone(),
        models: root.join(".cache/models"),
        model: "tiny.en".into(),
        prepare: Some(Box::new(move |data| {
            let started = Instant::now();
            // The offline analyzer drives its own runtime, so it runs off this async test's threads.
            let library = data.join(callscope::config::LIBRARY_FILE);
            std::thread::scope(|s| s.spawn(|| library::seed(&library, &fixtures, calls)).join())
                .map_err(|_| "seeding the library panicked".to_string())??;
            eprintln!("seeded {calls} calls in {:?}", started.elapsed());
            Ok(())
        })),
        extra_env: Vec::new(),
    };
    let started = Instant::now();
    let desktop = Desktop::start(&launch).await.unwrap_or_else(|e| panic!("{e}"));
    desktop.find("[data-testid=nav-analyze]", Duration::from_secs(30)).await.unwrap_or_else(|e| panic!("{e}"));
    let window_ms = started.elapsed().as_millis();

    let clicked = Instant::now();
    desktop.click("[data-testid=nav-library]").await.unwrap_or_else(|e| panic!("{e}"));
    desktop.find("[data-testid=call-row]", Duration::from_secs(30)).await.unwrap_or_else(|e| panic!("{e}"));
    let library_ms = clicked.elapsed().as_millis();
    let count = desktop.text(".count").await.unwrap_or_default();
    let startup_ms = logged_startup_ms(&desktop.home.path().join("data/logs"));

    tokio::time::sleep(Duration::from_secs(5)).await;
    let processes = memory::find_process(&binary).map(memory::tree_pss).unwrap_or_default();
    let pss_mb = total_mb(&processes);

    // A supervisor's afternoon in small: open calls one after another, play every third one, and
    // come back to the list. Memory should settle, not grow with every call opened.
    for n in 0..BROWSED_CALLS {
        match tokio::time::timeout(Duration::from_secs(60), open_call_and_return(&desktop, n % 7, n % 3 == 0)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!("browsing call {n}: {e}"),
            Err(_) => panic!("browsing call {n}: no answer from the window within a minute"),
        }
    }
    tokio::time::sleep(Duration::from_secs(5)).await;
    let browsed = memory::find_process(&binary).map(memory::tree_pss).unwrap_or_default();
    desktop.stop().await;

    // After the app has stopped, so the two do not split the pages of the libraries they share.
    let floor = reference::webkit_floor(Path::new(env!("CARGO_BIN_EXE_webkit-reference")), Duration::from_secs(8))
        .unwrap_or_else(|e| panic!("measuring the WebKitGTK reference: {e}"));
    let floor_mb = total_mb(&floor);

    let report = serde_json::json!({
        "calls": calls,
        "list_shows": count,
        "cold_start_ms": startup_ms,
        "webdriver_session_to_window_ms": window_ms,
        "library_first_rows_ms": library_ms,
        "idle_memory_pss_mb": pss_mb,
        "idle_memory_by_process": per_process(&processes),
        "after_browsing_calls": BROWSED_CALLS,
        "after_browsing_pss_mb": total_mb(&browsed),
        "after_browsing_by_process": per_process(&browsed),
        "webkit_reference_pss_mb": floor_mb,
        "webkit_reference_by_process": per_process(&floor),
        "idle_memory_ratio_to_reference": (pss_mb as f64 / floor_mb.max(1) as f64 * 100.0).round() / 100.0,
        "idle_memory_above_reference_mb": pss_mb.saturating_sub(floor_mb),
        "targets": { "cold_start_ms": 1500, "idle_memory_mb": 200 },
        "binary": binary,
    });
    let out = root.join("target/bench-desktop.json");
    let _ = std::fs::write(&out, serde_json::to_string_pretty(&report).unwrap_or_default());
    eprintln!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
    assert!(pss_mb > 0, "the app's process was not found, so its memory could not be measured");
}

/// PSS of a process tree, in MB.
fn total_mb(processes: &[(u32, String, u64)]) -> u64 {
    processes.iter().map(|(_, _, bytes)| bytes).sum::<u64>() / 1_000_000
}

/// Each process of a tree with its PSS in MB, for the report.
fn per_process(processes: &[(u32, String, u64)]) -> Vec<serde_json::Value> {
    processes.iter().map(|(pid, name, bytes)| serde_json::json!({ "pid": pid, "name": name, "pss_mb": bytes / 1_000_000 })).collect()
}

/// Calls opened (every third one played) before memory is measured again.
const BROWSED_CALLS: usize = 20;

/// Open the `row`-th call of the list, wait for its transcript (and, with `play`, for its
/// recording to be loaded into the player), and go back.
async fn open_call_and_return(desktop: &Desktop, row: usize, play: bool) -> Result<(), String> {
    let rows = desktop.client.find_all(Locator::Css("[data-testid=call-row]")).await.map_err(|e| format!("the call list: {e}"))?;
    let target = rows.get(row).ok_or_else(|| format!("the list shows {} rows, not {}", rows.len(), row + 1))?;
    target.click().await.map_err(|e| format!("opening row {row}: {e}"))?;
    desktop.find("[data-testid=transcript]", Duration::from_secs(30)).await?;
    if play {
        desktop.click("[data-testid=play-recording]").await?;
        desktop.find("audio[src^='blob:']", Duration::from_secs(30)).await?;
    }
    desktop.click("[data-testid=back-to-library]").await?;
    desktop.find("[data-testid=call-row]", Duration::from_secs(30)).await?;
    Ok(())
}

/// The app's own measure of its start: `startup_ms` on the "window loaded" log line.
fn logged_startup_ms(logs: &std::path::Path) -> Option<u64> {
    let entries = std::fs::read_dir(logs).ok()?;
    entries
        .filter_map(Result::ok)
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .flat_map(|text| text.lines().filter(|l| l.contains("window loaded")).map(str::to_string).collect::<Vec<_>>())
        .find_map(|line| line.split("startup_ms=").nth(1)?.split_whitespace().next()?.parse().ok())
}
