//! The desktop app end to end: analyse a rendered fixture call through the real UI, check the
//! call detail, find the call again through search, store an API key in the system keyring from
//! Settings, and save a screenshot of every screen under `target/e2e-screens/`.
//!
//! Needs a built app (`make ui` then `cargo build -p callscope-desktop`), tauri-driver, Xvfb,
//! dbus and WebKitWebDriver; `make e2e` prepares all of them. Ignored by a plain `cargo test`.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use callscope_e2e::{workspace_root, Desktop, Launch, Outcome};

#[path = "desktop/live.rs"]
mod live;

/// call_12: 39 s, retail/order_status, customer "Ethan Park", order 7741932, a standing desk.
const FIXTURE: &str = "tests/fixtures/generated/calls/call_12.wav";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real desktop app; run with `make e2e`"]
async fn a_dropped_call_is_analysed_shown_and_found_again() {
    let root = workspace_root();
    let launch = Launch {
        binary: std::env::var_os("CALLSCOPE_DESKTOP_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target/debug/callscope-desktop")),
        models: std::env::var_os("CALLSCOPE_MODELS").map(PathBuf::from).unwrap_or_else(|| root.join(".cache/models")),
        model: "tiny.en".into(),
        prepare: None,
        // Without a GPU the app switches WebKit to its shared-memory renderer (less memory), and
        // WebKitWebDriver's screenshots then never return; this journey takes screenshots, so it
        // keeps the DMA-BUF renderer. `make bench-desktop` runs with the app's own choice.
        extra_env: vec![("WEBKIT_DISABLE_DMABUF_RENDERER", "0".into())],
    };
    let screens = root.join("target/e2e-screens");
    let _ = std::fs::remove_dir_all(&screens);
    let desktop = Desktop::start(&launch).await.unwrap_or_else(|e| panic!("{e}"));
    let result = journey(&desktop, &root, &screens).await;
    if result.is_err() {
        let _ = desktop.screenshot(&screens, "failure").await;
    }
    desktop.stop().await;
    if let Err(e) = result {
        panic!("{e}");
    }
}

async fn journey(d: &Desktop, root: &std::path::Path, screens: &std::path::Path) -> Outcome<()> {
    let fixture = root.join(FIXTURE);
    if !fixture.is_file() {
        return Err(format!("{} is missing: run `make fixtures`", fixture.display()));
    }
    d.find("[data-testid=nav-analyze]", Duration::from_secs(30)).await?;
    d.screenshot(screens, "1-analyze").await?;

    // Analyse through the path field (the drop zone's and picker's entry point, reachable by WebDriver).
    let input = d.find("#path-input", Duration::from_secs(5)).await?;
    input.send_keys(&fixture.display().to_string()).await.map_err(|e| format!("typing the path: {e}"))?;
    d.click("[data-testid=analyze-path]").await?;

    // Progress: the job must be seen running with a stage, then finish.
    let started = Instant::now();
    let mut stages_seen = Vec::new();
    let mut progress_shot = false;
    loop {
        let job = d.find("[data-testid=job]", Duration::from_secs(10)).await?;
        let state = job.attr("data-state").await.map_err(|e| format!("job state: {e}"))?.unwrap_or_default();
        let stage = d.text("[data-testid=job-stage]").await.unwrap_or_default();
        if state == "running" && !stages_seen.contains(&stage) {
            stages_seen.push(stage.clone());
            if !progress_shot && stage.contains("Transcribing") {
                d.screenshot(screens, "2-analyze-progress").await?;
                progress_shot = true;
            }
        }
        match state.as_str() {
            "done" => break,
            "failed" | "cancelled" => {
                let message = d.text(".job .inline-error").await.unwrap_or_default();
                return Err(format!("the analysis ended {state}: {message}"));
            }
            _ => {}
        }
        if started.elapsed() > Duration::from_secs(600) {
            return Err(format!("analysis still {state} after 10 minutes (stages seen: {stages_seen:?})"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!("analysed in {:?}; stages seen: {stages_seen:?}", started.elapsed());
    if stages_seen.is_empty() {
        return Err("the job finished without any progress being shown".into());
    }
    d.screenshot(screens, "3-analyze-done").await?;

    // The call detail shows what the analysis found.
    d.click("[data-testid=open-call]").await?;
    let domain = d.text("[data-testid=call-domain]").await?;
    if domain != "Retail" {
        return Err(format!("domain shown is {domain:?}, expected \"Retail\""));
    }
    let order = d.text("[data-testid=field-order_number]").await?;
    if order != "7741932" {
        return Err(format!("order number shown is {order:?}, expected \"7741932\""));
    }
    let customer = d.text("[data-testid=customer-name]").await?;
    if customer != "Ethan Park" {
        return Err(format!("customer shown is {customer:?}, expected \"Ethan Park\""));
    }
    d.find(".waveform:not(.loading)", Duration::from_secs(20)).await?;
    d.screenshot(screens, "4-call-detail").await?;
    // The recording plays: it is read when asked for, loads (duration known) and its clock moves.
    d.click("[data-testid=play-recording]").await?;
    d.find("audio[src^='blob:']", Duration::from_secs(20)).await?;
    d.client
        .execute("const a = document.querySelector('audio'); a.muted = true; a.play().catch(() => {});", vec![])
        .await
        .map_err(|e| format!("starting playback: {e}"))?;
    // Loaded (duration known) and its clock moving, within 10 s; the player may read the
    // recording a second time when WebKit fails to open the first blob.
    let asked = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let audio = d
            .client
            .execute("const a = document.querySelector('audio'); return a ? [a.error ? a.error.code : 0, a.readyState, a.duration, a.currentTime, Number(a.dataset.attempt || 0)] : [];", vec![])
            .await
            .map_err(|e| format!("reading the audio element: {e}"))?;
        let state: Vec<f64> = audio.as_array().map(|v| v.iter().map(|x| x.as_f64().unwrap_or(f64::NAN)).collect()).unwrap_or_default();
        if let [error, ready, duration, time, attempt] = state.as_slice() {
            if *error == 0.0 && *ready >= 1.0 && *duration > 30.0 && *time > 0.2 {
                let again = if *attempt > 0.0 { " (the recording was read a second time)" } else { "" };
                eprintln!("audio plays: {duration:.1} s long, at {time:.2} s after {:?}{again}", asked.elapsed());
                break;
            }
        }
        if asked.elapsed() > Duration::from_secs(10) {
            let shown = d.text(".player .inline-error").await.unwrap_or_default();
            return Err(format!("the recording does not play within 10 s (error code, readyState, duration, currentTime, attempt): {audio}; the player says {shown:?}"));
        }
    }
    d.client
        .execute("document.querySelector('audio').pause();", vec![])
        .await
        .map_err(|e| format!("pausing playback: {e}"))?;
    d.client
        .execute("document.querySelector('.timeline').scrollIntoView({block: 'start'});", vec![])
        .await
        .map_err(|e| format!("scrolling to the charts: {e}"))?;
    d.screenshot(screens, "4b-call-charts").await?;

    // The library lists it and full-text search finds it by a word spoken in the call.
    d.click("[data-testid=nav-library]").await?;
    d.find("[data-testid=call-row]", Duration::from_secs(10)).await?;
    d.screenshot(screens, "5-library").await?;
    let search = d.find("[data-testid=search]", Duration::from_secs(5)).await?;
    search.send_keys("standing desk").await.map_err(|e| format!("typing the search: {e}"))?;
    d.find(".hits [data-testid=call-row]", Duration::from_secs(10)).await?;
    d.screenshot(screens, "6-library-search").await?;
    d.click(".hits [data-testid=call-row]").await?;
    let title = d.text("#call-title").await?;
    if title != "call_12.wav" {
        return Err(format!("search opened {title:?}, expected call_12.wav"));
    }

    // At 200 % zoom the call detail must still be usable (one column, nothing cut off).
    d.client
        .execute("document.documentElement.style.zoom = '2'; window.scrollTo(0, 0);", vec![])
        .await
        .map_err(|e| format!("zooming: {e}"))?;
    d.screenshot(screens, "8-call-detail-200pct").await?;
    d.client
        .execute("document.documentElement.style.zoom = '1';", vec![])
        .await
        .map_err(|e| format!("zooming back: {e}"))?;

    d.click("[data-testid=nav-settings]").await?;
    d.find("#model", Duration::from_secs(10)).await?;
    d.screenshot(screens, "7-settings").await?;
    keys_and_data_folder(d, screens).await?;
    keyboard_only(d).await
}

/// Tab and Enter alone reach the library from the navigation and open a call from the list.
async fn keyboard_only(d: &Desktop) -> Outcome<()> {
    d.client.execute("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);", vec![]).await.map_err(|e| format!("blurring: {e}"))?;
    tab_to(d, "nav-library", 15).await?;
    press(d, '\u{E007}').await?;
    d.find("[data-testid=call-row]", Duration::from_secs(10)).await?;
    tab_to(d, "call-row", 40).await?;
    press(d, '\u{E007}').await?;
    let title = d.text("#call-title").await?;
    if title != "call_12.wav" {
        return Err(format!("Enter on the focused row opened {title:?}, expected call_12.wav"));
    }
    Ok(())
}

/// Press Tab until the focused element has `data-testid` = `testid`, at most `limit` times.
async fn tab_to(d: &Desktop, testid: &str, limit: usize) -> Outcome<()> {
    let mut path = Vec::new();
    for _ in 0..limit {
        press(d, '\u{E004}').await?;
        let focused = d
            .client
            .execute("const e = document.activeElement; return e ? [e.getAttribute('data-testid'), e.tagName + (e.id ? '#' + e.id : '')] : null;", vec![])
            .await
            .map_err(|e| format!("reading the focus: {e}"))?;
        if focused[0].as_str() == Some(testid) {
            return Ok(());
        }
        path.push(focused[1].as_str().unwrap_or("-").to_string());
    }
    Err(format!("{limit} presses of Tab did not reach [data-testid={testid}]; focus went {}", path.join(" → ")))
}

/// Press and release one key as a keyboard would (WebDriver actions, not "send keys to an
/// element", which types into inputs instead of moving the focus).
async fn press(d: &Desktop, key: char) -> Outcome<()> {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let actions = KeyActions::new("keyboard".into()).then(KeyAction::Down { value: key }).then(KeyAction::Up { value: key });
    d.client.perform_actions(actions).await.map_err(|e| format!("pressing a key: {e}"))
}

/// A key typed in Settings lands in the system keyring (shown masked, never in settings.json),
/// and the data folder shown is the one in use.
async fn keys_and_data_folder(d: &Desktop, screens: &std::path::Path) -> Outcome<()> {
    const KEY: &str = "AIzaSyE2eTestKey0042";
    let state = d.text("[data-testid=key-state-gemini_api_key]").await?;
    if state != "Not stored" {
        return Err(format!("a fresh keyring shows the Gemini key as {state:?}"));
    }
    let field = d.find("#key-gemini_api_key", Duration::from_secs(5)).await?;
    field.send_keys(KEY).await.map_err(|e| format!("typing the key: {e}"))?;
    d.click("[data-testid=save-settings]").await?;
    let started = Instant::now();
    loop {
        let state = d.text("[data-testid=key-state-gemini_api_key]").await?;
        if state.contains("••••0042") {
            break;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let error = d.text(".settings .inline-error").await.unwrap_or_default();
            return Err(format!("the saved key shows as {state:?} ({error})"));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let data = d.home.path().join("data");
    let settings = std::fs::read_to_string(data.join("settings.json")).map_err(|e| format!("reading settings.json: {e}"))?;
    if settings.contains(KEY) || settings.contains("0042") {
        return Err(format!("settings.json holds the key: {settings}"));
    }
    let shown = d.text("[data-testid=data-dir]").await?;
    if shown != data.display().to_string() {
        return Err(format!("the data folder shown is {shown:?}, expected {}", data.display()));
    }
    d.client
        .execute("document.querySelector('.api-keys').scrollIntoView({block: 'start'});", vec![])
        .await
        .map_err(|e| format!("scrolling to the keys: {e}"))?;
    d.screenshot(screens, "7b-settings-keys").await?;
    d.client
        .execute("document.querySelector('.data-folder').scrollIntoView({block: 'center'});", vec![])
        .await
        .map_err(|e| format!("scrolling to the data folder: {e}"))?;
    d.screenshot(screens, "7c-settings-data-folder").await?;
    Ok(())
}
