//! The analysis queue: files wait in order and one worker thread analyses them one at a time.
//!
//! One job at a time is deliberate: Whisper already uses every core of the machine, so running
//! two calls side by side would only make both slower (and double the memory).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use callscope::llm::offline::OfflineProvider;
use callscope::models::{ModelFormat, ModelStore};
use callscope::pipeline::{analyze_file, AnalyzeJob};
use callscope::progress::{CancelToken, Progress, Stage};
use callscope::store::Store;
use callscope::stt::{TranscribeOptions, WhisperTranscriber};

use crate::settings::SettingsStore;
use crate::views::jobs::{JobState, JobUpdate, StageLabel};

/// Receives every job update (the app forwards them to the UI as events).
pub type UpdateSink = Box<dyn Fn(JobUpdate) + Send + Sync>;

/// Progress updates closer together than this are dropped unless the stage changes.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(150);

struct QueuedJob {
    id: u32,
    path: PathBuf,
    cancel: CancelToken,
}

/// Files waiting for analysis and the worker that analyses them.
pub struct AnalysisQueue {
    sender: Mutex<Sender<QueuedJob>>,
    tokens: Arc<Mutex<HashMap<u32, CancelToken>>>,
    next_id: AtomicU32,
}

impl AnalysisQueue {
    /// Start the worker; it writes calls into the library at `library` and reports to `sink`.
    pub fn start(library: PathBuf, settings: Arc<SettingsStore>, sink: UpdateSink) -> AnalysisQueue {
        let (sender, receiver) = channel();
        let tokens = Arc::new(Mutex::new(HashMap::new()));
        let worker = Worker { library, settings, sink, tokens: Arc::clone(&tokens), store: None };
        std::thread::Builder::new()
            .name("analysis".into())
            .spawn(move || worker.run(receiver))
            .map_err(|e| tracing::error!(error = %e, "could not start the analysis thread"))
            .ok();
        AnalysisQueue { sender: Mutex::new(sender), tokens, next_id: AtomicU32::new(1) }
    }

    /// Queue a file; returns its first update (`queued`, or `failed` if the worker is gone).
    pub fn enqueue(&self, path: PathBuf) -> JobUpdate {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let cancel = CancelToken::new();
        self.lock_tokens().insert(id, cancel.clone());
        let queued = update(id, &path, JobState::Queued);
        let sent = self.sender.lock().unwrap_or_else(|p| p.into_inner()).send(QueuedJob { id, path: path.clone(), cancel });
        match sent {
            Ok(()) => {
                tracing::info!(job = id, path = %path.display(), "queued");
                queued
            }
            Err(_) => {
                self.lock_tokens().remove(&id);
                let message = format!("{}: the analysis worker has stopped; restart Callscope", file_name(&path));
                update(id, &path, JobState::Failed { message })
            }
        }
    }

    /// Ask one job to stop; false when it already finished.
    pub fn cancel(&self, id: u32) -> bool {
        match self.lock_tokens().get(&id) {
            Some(token) => {
                token.cancel();
                tracing::info!(job = id, "cancel requested");
                true
            }
            None => false,
        }
    }

    /// Ask every queued and running job to stop; returns how many were asked.
    pub fn cancel_all(&self) -> u32 {
        let tokens = self.lock_tokens();
        tokens.values().for_each(CancelToken::cancel);
        tracing::info!(jobs = tokens.len(), "cancel all requested");
        u32::try_from(tokens.len()).unwrap_or(u32::MAX)
    }

    fn lock_tokens(&self) -> std::sync::MutexGuard<'_, HashMap<u32, CancelToken>> {
        self.tokens.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The worker thread's state: its own writer connection, opened on first use.
struct Worker {
    library: PathBuf,
    settings: Arc<SettingsStore>,
    sink: UpdateSink,
    tokens: Arc<Mutex<HashMap<u32, CancelToken>>>,
    store: Option<Store>,
}

impl Worker {
    fn run(mut self, receiver: Receiver<QueuedJob>) {
        while let Ok(job) = receiver.recv() {
            let state = if job.cancel.is_cancelled() {
                JobState::Cancelled
            } else {
                self.analyze(&job)
            };
            self.tokens.lock().unwrap_or_else(|p| p.into_inner()).remove(&job.id);
            match &state {
                JobState::Failed { message } => tracing::warn!(job = job.id, %message, "analysis failed"),
                other => tracing::info!(job = job.id, state = ?other, "analysis finished"),
            }
            (self.sink)(update(job.id, &job.path, state));
        }
    }

    fn analyze(&mut self, job: &QueuedJob) -> JobState {
        let name = file_name(&job.path);
        let settings = self.settings.get();
        let started = Instant::now();
        let model_path = match ModelStore::open_default().and_then(|m| m.path(&settings.model, ModelFormat::Q8_0)) {
            Ok(p) => p,
            Err(e) => return failed(&name, &e.to_string()),
        };
        let transcriber = match WhisperTranscriber::shared(&model_path) {
            Ok(t) => t,
            Err(e) => return failed(&name, &e.to_string()),
        };
        if self.store.is_none() {
            match Store::open(&self.library) {
                Ok(store) => self.store = Some(store),
                Err(e) => return failed(&name, &e.to_string()),
            }
        }
        let Some(store) = self.store.as_mut() else {
            return failed(&name, "the call library is not open");
        };
        let provider = OfflineProvider::new();
        let transcribe = TranscribeOptions { swap_channels: settings.swap_channels, ..TranscribeOptions::default() };
        let analyze_job = AnalyzeJob {
            transcriber: transcriber.as_ref(),
            transcribe: &transcribe,
            provider: &provider,
            keep_original_pii: settings.keep_original_pii,
        };
        let throttle = Mutex::new((Stage::Done, Instant::now() - PROGRESS_INTERVAL));
        let sink = &self.sink;
        let on_progress = |p: Progress| {
            let mut last = throttle.lock().unwrap_or_else(|e| e.into_inner());
            if p.stage != last.0 || last.1.elapsed() >= PROGRESS_INTERVAL {
                *last = (p.stage, Instant::now());
                let state = JobState::Running { stage: StageLabel::from(p.stage), fraction: p.fraction.clamp(0.0, 1.0) };
                sink(update(job.id, &job.path, state));
            }
        };
        tracing::info!(job = job.id, path = %job.path.display(), model = %settings.model, "analysis started");
        match analyze_file(&job.path, &analyze_job, store, &on_progress, &job.cancel) {
            Ok(call) => {
                tracing::info!(job = job.id, call = call.call_id, elapsed_ms = started.elapsed().as_millis() as u64, "analysed");
                JobState::Done { call_id: call.call_id, domain: call.domain, category: call.category }
            }
            Err(_) if job.cancel.is_cancelled() => JobState::Cancelled,
            Err(e) => failed(&name, &e.to_string()),
        }
    }
}

/// A failure whose message starts with the file name (unless it already names it).
fn failed(name: &str, detail: &str) -> JobState {
    let message = if detail.contains(name) { detail.to_string() } else { format!("{name}: {detail}") };
    JobState::Failed { message }
}

fn update(id: u32, path: &Path, state: JobState) -> JobUpdate {
    JobUpdate { job_id: id, file_name: file_name(path), path: path.display().to_string(), state }
}

/// The file's name for messages (the whole path when it has none).
pub fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    fn queue_in(dir: &Path) -> (AnalysisQueue, mpsc::Receiver<JobUpdate>) {
        let (tx, rx) = mpsc::channel();
        let tx = Mutex::new(tx);
        let settings = Arc::new(SettingsStore::load(&dir.join("settings.json")));
        let sink: UpdateSink = Box::new(move |u| {
            let _ = tx.lock().unwrap_or_else(|p| p.into_inner()).send(u);
        });
        (AnalysisQueue::start(dir.join("library.sqlite3"), settings, sink), rx)
    }

    fn final_state(rx: &mpsc::Receiver<JobUpdate>, job_id: u32) -> JobState {
        loop {
            let u = rx.recv_timeout(Duration::from_secs(60)).expect("a job update within a minute");
            if u.job_id == job_id && !matches!(u.state, JobState::Queued | JobState::Running { .. }) {
                return u.state;
            }
        }
    }

    #[test]
    fn a_file_that_does_not_exist_fails_with_its_name() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (queue, rx) = queue_in(dir.path());
        let queued = queue.enqueue(dir.path().join("missing_call.wav"));
        assert_eq!(queued.state, JobState::Queued);
        match final_state(&rx, queued.job_id) {
            JobState::Failed { message } => assert!(message.contains("missing_call.wav"), "{message}"),
            other => panic!("expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn a_job_cancelled_while_queued_is_reported_cancelled() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (queue, rx) = queue_in(dir.path());
        let first = queue.enqueue(dir.path().join("a.wav"));
        let second = queue.enqueue(dir.path().join("b.wav"));
        assert!(queue.cancel(second.job_id));
        assert!(matches!(final_state(&rx, first.job_id), JobState::Failed { .. }));
        assert_eq!(final_state(&rx, second.job_id), JobState::Cancelled);
        assert!(!queue.cancel(second.job_id), "a finished job cannot be cancelled again");
    }
}
