//! The `callscope` binary end to end: real files in, real output and exit codes out.
//!
//! Each test gets its own library (`CALLSCOPE_DATA`); models come from `$CALLSCOPE_MODELS`
//! (`make test` installs tiny.en and base there).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fixtures() -> PathBuf {
    std::env::var_os("CALLSCOPE_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/generated"))
}

fn callscope(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_callscope"))
        .args(args)
        .env("CALLSCOPE_DATA", data)
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A child's stderr, collected line by line as it comes (for messages on failure); each line
/// `pick` finds something in is also sent on the returned channel (a port, "recording").
fn collect_stderr(
    child: &mut std::process::Child,
    pick: fn(&str) -> Option<String>,
) -> (std::sync::Arc<std::sync::Mutex<String>>, std::sync::mpsc::Receiver<String>) {
    use std::io::BufRead;
    let stderr = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let (tx, picked) = std::sync::mpsc::channel();
    let lines = std::io::BufReader::new(child.stderr.take().expect("stderr is piped"));
    let collected = std::sync::Arc::clone(&stderr);
    std::thread::spawn(move || {
        for line in lines.lines().map_while(Result::ok) {
            if let Some(found) = pick(&line) {
                let _ = tx.send(found);
            }
            let mut all = collected.lock().expect("lock");
            all.push_str(&line);
            all.push('\n');
        }
    });
    (stderr, picked)
}

#[test]
fn transcribe_json_prints_agent_and_customer_segments_with_plausible_timings() {
    let data = tempfile::tempdir().unwrap();
    let call = fixtures().join("calls/call_12.wav");
    let out = callscope(data.path(), &["transcribe", call.to_str().unwrap(), "--model", "tiny.en", "--format", "json"]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let t: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let segments = t["segments"].as_array().expect("segments");
    assert!(segments.len() >= 6, "{} segments", segments.len());
    let speakers: Vec<&str> = segments.iter().filter_map(|s| s["speaker"].as_str()).collect();
    assert!(speakers.contains(&"agent") && speakers.contains(&"customer"), "{speakers:?}");
    assert_eq!(speakers[0], "agent", "the agent answers the call");
    let duration = t["duration_ms"].as_u64().unwrap();
    let mut last_start = 0;
    for s in segments {
        let (start, end) = (s["start_ms"].as_u64().unwrap(), s["end_ms"].as_u64().unwrap());
        assert!(start <= end && end <= duration, "segment {start}..{end} in a {duration} ms call");
        assert!(start >= last_start, "segments are in time order");
        last_start = start;
    }
    let all = segments.iter().filter_map(|s| s["text"].as_str()).collect::<Vec<_>>().join(" ").to_lowercase();
    assert!(all.contains("order"), "{all}");
}

#[test]
fn a_bad_file_fails_with_its_name_while_the_good_one_is_still_transcribed() {
    let data = tempfile::tempdir().unwrap();
    let bad = fixtures().join("malformed/random_bytes.wav");
    let good = fixtures().join("librivox/sense_and_sensibility_01_austen_64kb-0880.wav");
    let out = callscope(data.path(), &["transcribe", bad.to_str().unwrap(), good.to_str().unwrap(), "--model", "tiny.en"]);
    assert!(!out.status.success(), "a failed file makes the exit code non-zero");
    let stderr = text(&out.stderr);
    assert!(stderr.contains("random_bytes.wav") && stderr.contains("not a recognised audio file"), "{stderr}");
    assert!(text(&out.stdout).to_lowercase().contains("young man"), "the good file is still transcribed");
}

#[test]
fn srt_and_vtt_outputs_are_subtitles() {
    let data = tempfile::tempdir().unwrap();
    let clip = fixtures().join("librivox/sense_and_sensibility_01_austen_64kb-0930.wav");
    let srt = callscope(data.path(), &["transcribe", clip.to_str().unwrap(), "--model", "tiny.en", "--format", "srt"]);
    assert!(text(&srt.stdout).starts_with("1\n00:00:0"), "{}", text(&srt.stdout));
    let vtt = callscope(data.path(), &["transcribe", clip.to_str().unwrap(), "--model", "tiny.en", "--format", "vtt"]);
    assert!(text(&vtt.stdout).starts_with("WEBVTT\n\n00:00:0"), "{}", text(&vtt.stdout));
}

#[test]
fn analyze_stores_the_call_and_search_finds_it_by_a_transcript_word() {
    let data = tempfile::tempdir().unwrap();
    let call = fixtures().join("calls/call_12.wav");
    let out = callscope(data.path(), &["analyze", call.to_str().unwrap(), "--model", "tiny.en", "--json"]);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let a: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON result");
    for key in [
        "call_id", "file_name", "duration_ms", "domain", "category", "domain_confidence", "transcription",
        "domain_specific_data", "general", "metrics", "summary", "redactions", "token_usage", "provider", "model",
        "created_at",
    ] {
        assert!(a.get(key).is_some(), "result has no `{key}`");
    }
    assert_eq!(a["domain"], "retail");
    assert_eq!(a["provider"], "offline");
    for stage in ["stage1_transcription_and_detection", "stage2_combined_analysis", "prompt_generation", "total"] {
        assert!(a["token_usage"][stage]["total"].is_u64(), "token usage of {stage}");
    }
    let id = a["call_id"].as_i64().unwrap().to_string();

    let found = callscope(data.path(), &["calls", "search", "desk", "--json"]);
    assert!(found.status.success(), "{}", text(&found.stderr));
    assert!(text(&found.stdout).contains("call_12.wav"), "{}", text(&found.stdout));

    let shown = callscope(data.path(), &["calls", "show", &id, "--json"]);
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).expect("JSON call");
    assert_eq!(shown["call_id"], a["call_id"]);
    assert_eq!(shown["domain_specific_data"], a["domain_specific_data"]);

    let listed = callscope(data.path(), &["calls", "list", "--domain", "retail"]);
    assert!(text(&listed.stdout).contains("retail / order_status"), "{}", text(&listed.stdout));

    // Export: CSV to a file (a header and the call), JSON to standard output, filters applied.
    let csv_path = data.path().join("calls.csv");
    let exported = callscope(data.path(), &["calls", "export", "--format", "csv", "--out", csv_path.to_str().unwrap()]);
    assert!(exported.status.success(), "{}", text(&exported.stderr));
    assert!(text(&exported.stderr).contains("Exported 1 call(s)"), "{}", text(&exported.stderr));
    let csv = std::fs::read_to_string(&csv_path).expect("the CSV file");
    assert!(csv.starts_with("id,created_at,file_name,duration_ms,domain,category,"), "{csv}");
    assert!(csv.contains(&format!("\r\n{id},")) && csv.contains("call_12.wav,") && csv.contains(",retail,order_status,"), "{csv}");
    let json = callscope(data.path(), &["calls", "export", "--domain", "retail"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).expect("a JSON array");
    assert_eq!(json.as_array().map(Vec::len), Some(1));
    assert_eq!(json[0]["call_id"], a["call_id"]);
    let none = callscope(data.path(), &["calls", "export", "--domain", "travel"]);
    assert_eq!(text(&none.stdout), "[]\n");

    // Token stats: the offline call spent none, and the table says so per day and in total.
    let stats = callscope(data.path(), &["calls", "stats", "--by", "domain", "--json"]);
    assert!(stats.status.success(), "{}", text(&stats.stderr));
    let stats: serde_json::Value = serde_json::from_slice(&stats.stdout).expect("JSON report");
    assert_eq!(stats["rows"][0]["label"], "retail");
    assert_eq!((stats["total"]["calls"].as_u64(), stats["total"]["total_tokens"].as_u64()), (Some(1), Some(0)));
    let table = callscope(data.path(), &["calls", "stats"]);
    assert!(text(&table.stdout).lines().last().is_some_and(|l| l.starts_with("total") && l.ends_with("$0.0000")), "{}", text(&table.stdout));

    // Analysing again replaces the findings in place; a call that is not there changes nothing.
    let again = callscope(data.path(), &["calls", "reanalyze", &id, "--provider", "offline", "--json"]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    let again: serde_json::Value = serde_json::from_slice(&again.stdout).expect("JSON call");
    assert_eq!((&again["call_id"], &again["domain"], &again["analysis_error"]), (&a["call_id"], &a["domain"], &serde_json::Value::Null));
    let missing = callscope(data.path(), &["calls", "reanalyze", "999"]);
    assert!(!missing.status.success());
    assert!(text(&missing.stderr).contains("call 999") && text(&missing.stderr).contains("nothing was changed"), "{}", text(&missing.stderr));
    let listed = callscope(data.path(), &["calls", "list", "--json"]);
    let listed: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("JSON page");
    assert_eq!(listed["items"].as_array().map(Vec::len), Some(1), "replaced, not added");
}

#[test]
fn a_recorded_at_that_is_not_a_day_is_refused_with_the_expected_form() {
    let data = tempfile::tempdir().unwrap();
    let out = callscope(data.path(), &["analyze", "whatever.wav", "--recorded-at", "2025-13-40"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("like 2025-06-30"), "{}", text(&out.stderr));
}

#[test]
fn a_missing_model_says_how_to_install_it() {
    let data = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_callscope"))
        .args(["transcribe", "whatever.wav", "--model", "base"])
        .env("CALLSCOPE_DATA", data.path())
        .env("CALLSCOPE_MODELS", data.path().join("no-models"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("callscope models install base"), "{}", text(&out.stderr));
}

#[test]
fn config_set_is_what_config_get_and_list_show_and_a_bad_value_is_refused() {
    let data = tempfile::tempdir().unwrap();
    let set = callscope(data.path(), &["config", "set", "swap-channels", "true"]);
    assert!(set.status.success(), "{}", text(&set.stderr));
    assert_eq!(text(&callscope(data.path(), &["config", "get", "swap_channels"]).stdout), "true\n");
    let list = text(&callscope(data.path(), &["config", "list"]).stdout);
    assert!(list.contains("swap_channels = true") && list.contains("filter_music = true"), "{list}");
    let bad = callscope(data.path(), &["config", "set", "provider", "chatgpt"]);
    assert!(!bad.status.success());
    assert!(text(&bad.stderr).contains("offline"), "{}", text(&bad.stderr));
    let saved = std::fs::read_to_string(data.path().join("settings.json")).expect("settings.json");
    assert!(!saved.contains("chatgpt"), "{saved}");
}

#[test]
fn a_remote_provider_without_a_key_stops_analyze_before_any_file_and_stores_nothing() {
    let data = tempfile::tempdir().unwrap();
    let call = fixtures().join("calls/call_12.wav");
    // No key in the environment, and no keyring to find one in (no session bus).
    let out = Command::new(env!("CARGO_BIN_EXE_callscope"))
        .args(["analyze", call.to_str().unwrap(), "--model", "tiny.en", "--provider", "gemini"])
        .env("CALLSCOPE_DATA", data.path())
        .env("HOME", data.path())
        .env("XDG_RUNTIME_DIR", data.path())
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("GEMINI_API_KEY")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("Gemini API key") && stderr.contains("GEMINI_API_KEY") && stderr.contains("No file was analysed"), "{stderr}");
    assert!(!stderr.contains("call_12.wav"), "no file was started: {stderr}");
    let listed = callscope(data.path(), &["calls", "list", "--json"]);
    let page: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("JSON");
    assert_eq!(page["items"], serde_json::json!([]), "nothing was stored");
}

#[test]
fn gemini_audio_mode_says_the_audio_goes_to_google_and_stops_without_a_key_before_any_file() {
    let data = tempfile::tempdir().unwrap();
    let call = fixtures().join("calls/call_12.wav");
    let out = Command::new(env!("CARGO_BIN_EXE_callscope"))
        .args(["analyze", call.to_str().unwrap(), "--model", "tiny.en", "--provider", "gemini", "--gemini-mode", "audio"])
        .env("CALLSCOPE_DATA", data.path())
        .env("HOME", data.path())
        .env("XDG_RUNTIME_DIR", data.path())
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("GEMINI_API_KEY")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("note:") && stderr.contains("AUDIO is uploaded to Google"), "the upload is announced: {stderr}");
    assert!(stderr.contains("GEMINI_API_KEY") && stderr.contains("No file was analysed"), "{stderr}");
    assert!(!stderr.contains("call_12.wav"), "no file was started: {stderr}");
    let listed = callscope(data.path(), &["calls", "list", "--json"]);
    let page: serde_json::Value = serde_json::from_slice(&listed.stdout).expect("JSON");
    assert_eq!(page["items"], serde_json::json!([]), "nothing was stored");
    let wrong = callscope(data.path(), &["analyze", call.to_str().unwrap(), "--gemini-mode", "video"]);
    assert!(!wrong.status.success());
    assert!(text(&wrong.stderr).contains("text, audio"), "{}", text(&wrong.stderr));
}

#[test]
fn cloud_transcription_needs_no_speech_model_but_stops_without_its_key_before_any_file() {
    let data = tempfile::tempdir().unwrap();
    let call = fixtures().join("calls/call_12.wav");
    let out = Command::new(env!("CARGO_BIN_EXE_callscope"))
        .args(["transcribe", call.to_str().unwrap(), "--transcriber", "openai"])
        .env("CALLSCOPE_DATA", data.path())
        .env("CALLSCOPE_MODELS", data.path().join("no-models"))
        .env("HOME", data.path())
        .env("XDG_RUNTIME_DIR", data.path())
        .env_remove("DBUS_SESSION_BUS_ADDRESS")
        .env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("OpenAI-compatible transcriber") && stderr.contains("OPENAI_API_KEY") && stderr.contains("set transcription to local"), "{stderr}");
    assert!(!stderr.contains("models install"), "the local speech model is not needed: {stderr}");
    assert!(!stderr.contains("call_12.wav"), "no file was started: {stderr}");
}

#[test]
fn a_key_is_never_taken_from_the_command_line() {
    let data = tempfile::tempdir().unwrap();
    let out = callscope(data.path(), &["keys", "set", "gemini", "AIzaSyOnTheCommandLine"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("unexpected argument"), "{}", text(&out.stderr));
}

/// The desktop app's queue and `callscope analyze` read the same settings file and build
/// their job with the same engine function: the same file gives the same stored call.
#[test]
fn the_cli_and_the_desktop_queue_build_the_same_job_from_the_same_settings() {
    use callscope::config::ConfigStore;
    use callscope::jobs::{JobQueue, JobState, QueueOptions};
    use std::sync::{mpsc, Arc, Mutex};

    let data = tempfile::tempdir().unwrap();
    for (key, value) in [("model", "tiny.en"), ("filter_music", "true")] {
        let out = callscope(data.path(), &["config", "set", key, value]);
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let call = fixtures().join("calls/call_03.wav");
    let out = callscope(data.path(), &["analyze", call.to_str().unwrap(), "--json"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let from_cli: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");

    let config = Arc::new(ConfigStore::load(&data.path().join("settings.json")));
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let sink = Arc::new(move |u: callscope::jobs::JobUpdate| {
        let _ = tx.lock().unwrap().send(u);
    });
    let options = QueueOptions { library: data.path().join("callscope.sqlite3"), models: None, workers: 1, keys: callscope::secrets::Keyring::os() };
    let queue = JobQueue::start(options, config, sink);
    let id = queue.enqueue(call.clone()).job_id;
    let call_id = loop {
        let u = rx.recv_timeout(std::time::Duration::from_secs(300)).expect("the queue reports");
        match u.state {
            JobState::Done { call_id, .. } if u.job_id == id => break call_id,
            JobState::Failed { message, .. } => panic!("{message}"),
            _ => {}
        }
    };
    let shown = callscope(data.path(), &["calls", "show", &call_id.to_string(), "--json"]);
    let from_queue: serde_json::Value = serde_json::from_slice(&shown.stdout).expect("JSON");
    let transcriber = from_cli["transcriber"].as_str().unwrap_or_default();
    assert!(transcriber.contains("tiny.en") && transcriber.contains("Silero VAD"), "{transcriber}");
    for key in ["transcriber", "provider", "model", "domain", "category"] {
        assert_eq!(from_cli[key], from_queue[key], "{key} differs");
    }
    assert_eq!(from_cli["provider"], "offline", "the provider chosen in settings is the one used");
    assert_eq!(from_cli["transcription"]["text"], from_queue["transcription"]["text"]);
}

#[test]
fn analyze_fails_each_bad_file_by_name_under_a_memory_limit_and_still_stores_the_good_one() {
    let data = tempfile::tempdir().unwrap();
    let corpus = fixtures().join("malformed");
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(corpus.join("manifest.json")).unwrap()).unwrap();
    let bad: Vec<PathBuf> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["expected"] != "ok")
        .map(|c| corpus.join(c["path"].as_str().unwrap()))
        .collect();
    let good = fixtures().join("calls/call_12.wav");
    // 2 GB of data: a header that asks for more fails this test instead of the machine.
    let out = Command::new("prlimit")
        .arg("--data=2147483648")
        .arg(env!("CARGO_BIN_EXE_callscope"))
        .args(["analyze", "--model", "tiny.en", "--json"])
        .args(&bad)
        .arg(&good)
        .env("CALLSCOPE_DATA", data.path())
        .output()
        .expect("prlimit runs");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "a clean failure exit, not a crash: {stderr}");
    for path in &bad {
        let name = path.file_name().unwrap().to_string_lossy();
        assert!(stderr.contains(&*name), "{name} is not named: {stderr}");
    }
    assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"), "{stderr}");
    assert!(stderr.contains(&format!("{} of {} file(s) failed", bad.len(), bad.len() + 1)), "{stderr}");
    let call: serde_json::Value = serde_json::from_slice(&out.stdout).expect("the good call as JSON");
    assert_eq!(call["domain"], "retail");
}

#[path = "cli/live.rs"]
mod live;

#[path = "cli/serve/mod.rs"]
mod serve;
