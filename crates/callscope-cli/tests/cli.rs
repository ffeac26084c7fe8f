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
