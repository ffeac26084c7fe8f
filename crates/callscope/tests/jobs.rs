//! The service layer as every shell uses it: jobs built from the settings, and the job queue
//! with real files, the real Whisper model and a real library. Bad files fail one by one with
//! their names, under a memory limit, and the queue goes on.
//!
//! Models come from `$CALLSCOPE_MODELS` (`make test` installs tiny.en and silero-vad there).

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use callscope::audio::recorder::{FinishedRecording, RecordingInfo};
use callscope::config::{ConfigStore, Settings};
use callscope::jobs::{JobQueue, JobState, JobUpdate, QueueOptions};
use callscope::models::ModelStore;
use callscope::pipeline::JobPlan;
use callscope::secrets::Keyring;
use callscope::store::Store;

fn fixtures() -> PathBuf {
    std::env::var_os("CALLSCOPE_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/generated"))
}

fn models() -> ModelStore {
    ModelStore::open_default().expect("model folder")
}

/// A queue over a fresh library in `dir` with `settings` saved there, and its updates.
fn queue_in(dir: &Path, settings: Settings) -> (JobQueue, mpsc::Receiver<JobUpdate>) {
    let config = Arc::new(ConfigStore::load(&dir.join("settings.json")));
    config.save(settings).expect("save settings");
    let (tx, rx) = mpsc::channel();
    let tx = std::sync::Mutex::new(tx);
    let sink = Arc::new(move |u: JobUpdate| {
        let _ = tx.lock().unwrap_or_else(|p| p.into_inner()).send(u);
    });
    let options = QueueOptions { library: dir.join("library.sqlite3"), models: None, workers: 1, keys: Keyring::os() };
    (JobQueue::start(options, config, sink), rx)
}

/// The final state of every job in `ids`, waiting at most `limit` for all of them.
fn final_states(rx: &mpsc::Receiver<JobUpdate>, ids: &[u32], limit: Duration) -> Vec<(u32, JobState)> {
    let deadline = std::time::Instant::now() + limit;
    let mut done = Vec::new();
    while done.len() < ids.len() {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let u = rx.recv_timeout(left).unwrap_or_else(|_| panic!("jobs unfinished after {limit:?}: done {done:?}"));
        if ids.contains(&u.job_id) && u.state.is_final() {
            done.push((u.job_id, u.state));
        }
    }
    done
}

fn tiny() -> Settings {
    Settings { model: "tiny.en".into(), ..Settings::default() }
}

#[test]
fn a_plan_follows_the_settings_music_filter_included() {
    let models = models();
    let with = JobPlan::from_settings(&Settings { filter_music: true, ..tiny() }, &models).expect("plan");
    assert_eq!(with.vad_model, Some(models.vad_path().expect("make test installs silero-vad")));
    assert_eq!(with.model, "tiny.en");
    assert_eq!(with.provider.name(), "offline");
    let without = JobPlan::from_settings(&Settings { filter_music: false, swap_channels: true, ..tiny() }, &models).expect("plan");
    assert_eq!(without.vad_model, None);
    assert!(without.transcribe_options().swap_channels);
}

#[test]
fn a_plan_for_a_model_that_is_not_installed_names_it() {
    let err = JobPlan::from_settings(&Settings { model: "small".into(), ..Settings::default() }, &models()).unwrap_err();
    assert_eq!(err.missing_model(), Some("small"), "{err}");
}

#[test]
fn a_queued_file_that_does_not_exist_fails_with_its_name() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (queue, rx) = queue_in(dir.path(), tiny());
    let queued = queue.enqueue(dir.path().join("missing_call.wav"));
    assert_eq!(queued.state, JobState::Queued);
    match &final_states(&rx, &[queued.job_id], Duration::from_secs(60))[0].1 {
        JobState::Failed { message, .. } => assert!(message.contains("missing_call.wav"), "{message}"),
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn a_job_cancelled_while_queued_is_reported_cancelled() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (queue, rx) = queue_in(dir.path(), tiny());
    let first = queue.enqueue(dir.path().join("a.wav"));
    let second = queue.enqueue(dir.path().join("b.wav"));
    assert!(queue.cancel(second.job_id));
    let states = final_states(&rx, &[first.job_id, second.job_id], Duration::from_secs(60));
    assert!(states.iter().any(|(id, s)| *id == first.job_id && matches!(s, JobState::Failed { .. })), "{states:?}");
    assert!(states.contains(&(second.job_id, JobState::Cancelled)), "{states:?}");
    assert!(!queue.cancel(second.job_id), "a finished job cannot be cancelled again");
}

#[derive(serde::Deserialize)]
struct Manifest {
    files: Vec<Case>,
}

#[derive(serde::Deserialize)]
struct Case {
    path: String,
    expected: String,
}

/// Run this test's body again in a child process limited to 2 GB of data, so an allocation a
/// damaged header asks for fails the test instead of taking the machine.
fn under_memory_limit(test: &str) -> bool {
    const VAR: &str = "CALLSCOPE_TEST_UNDER_LIMIT";
    if std::env::var_os(VAR).is_some() {
        return false;
    }
    let exe = std::env::current_exe().expect("test binary");
    let status = Command::new("prlimit")
        .arg("--data=2147483648")
        .arg(exe)
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(VAR, "1")
        .status()
        .expect("prlimit (util-linux) runs");
    assert!(status.success(), "{test} failed or was killed under the 2 GB limit: {status}");
    true
}

#[test]
fn the_queue_fails_each_bad_file_by_name_and_goes_on_with_the_next() {
    if under_memory_limit("the_queue_fails_each_bad_file_by_name_and_goes_on_with_the_next") {
        return;
    }
    let corpus = fixtures().join("malformed");
    let manifest: Manifest =
        serde_json::from_str(&std::fs::read_to_string(corpus.join("manifest.json")).expect("manifest")).expect("manifest parses");
    let dir = tempfile::tempdir().expect("temp dir");
    let (queue, rx) = queue_in(dir.path(), tiny());
    let mut jobs = Vec::new();
    for case in &manifest.files {
        jobs.push((queue.enqueue(corpus.join(&case.path)).job_id, case));
    }
    let good = queue.enqueue(fixtures().join("calls/call_12.wav")).job_id;
    let ids: Vec<u32> = jobs.iter().map(|(id, _)| *id).chain([good]).collect();
    let states = final_states(&rx, &ids, Duration::from_secs(900));
    let state_of = |id: u32| states.iter().find(|(i, _)| *i == id).map(|(_, s)| s.clone()).expect("a final state");

    let mut wrong = Vec::new();
    for (id, case) in &jobs {
        let name = Path::new(&case.path).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        match (case.expected.as_str(), state_of(*id)) {
            ("ok", _) => {}
            ("no_speech", JobState::Failed { message, .. }) if message.contains("no speech") && message.contains(&name) => {}
            (_, JobState::Failed { message, .. }) if case.expected != "no_speech" && message.contains(&name) => {}
            (expected, got) => wrong.push(format!("{}: expected {expected}, got {got:?}", case.path)),
        }
    }
    assert!(wrong.is_empty(), "not failed by name:\n{}", wrong.join("\n"));
    match state_of(good) {
        JobState::Done { domain, .. } => assert_eq!(domain, "retail"),
        other => panic!("the good call after the corpus did not analyse: {other:?}"),
    }
    let store = Store::open(&dir.path().join("library.sqlite3")).expect("library");
    let stored = store.list_calls(&Default::default(), Default::default()).expect("list").items;
    assert!(stored.iter().any(|c| c.file_name == "call_12.wav"), "{stored:?}");
    for row in &stored {
        let case = manifest.files.iter().find(|c| c.path.ends_with(&row.file_name));
        assert!(case.is_none_or(|c| c.expected == "ok"), "a bad file left a row: {}", row.file_name);
    }
}

#[test]
fn a_live_recording_waits_its_turn_in_the_queue_and_is_stored_as_recorded_live() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (queue, rx) = queue_in(dir.path(), tiny());
    let file = queue.enqueue(fixtures().join("calls/call_12.wav")).job_id;
    let wav = dir.path().join("call-2026-12-07T10-00-00Z.wav");
    std::fs::copy(fixtures().join("calls/call_06.wav"), &wav).expect("copy the recording");
    let recording = FinishedRecording {
        path: wav,
        info: RecordingInfo { started_at: "2026-12-07T10:00:00Z".into(), agent_device: Some("Headset".into()), customer_device: None },
        duration_ms: 136_000,
        recovered: true,
        cut_short: None,
    };
    let live = queue.enqueue_live(recording).job_id;

    // One worker: the live call starts only once the file before it has finished.
    let mut order = Vec::new();
    let deadline = std::time::Instant::now() + Duration::from_secs(600);
    let mut live_call = None;
    while live_call.is_none() {
        let u = rx.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now())).expect("both jobs finish");
        if matches!(u.state, JobState::Running { .. }) && order.last() != Some(&u.job_id) {
            order.push(u.job_id);
        }
        match u.state {
            JobState::Done { call_id, .. } if u.job_id == live => live_call = Some(call_id),
            JobState::Failed { message, .. } => panic!("job {} failed: {message}", u.job_id),
            _ => {}
        }
    }
    assert_eq!(order, [file, live], "the live call ran after the file queued before it, not beside it");
    let store = Store::open(&dir.path().join("library.sqlite3")).expect("library");
    let detail = store.call_detail(live_call.expect("stored")).expect("the live call is in the library");
    let capture = detail.live.expect("marked as recorded live");
    assert!(capture.recovered);
    assert_eq!(capture.started_at, "2026-12-07T10:00:00Z");
    assert_eq!(capture.agent_device.as_deref(), Some("Headset"));
    assert_eq!(detail.call.domain, "insurance");
}
