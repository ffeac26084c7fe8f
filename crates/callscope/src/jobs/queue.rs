//! Files wait in order; `workers` threads take them one at a time each and run them through
//! the service layer with a job built from the settings in force when the file starts.
//!
//! One worker is the default on purpose: Whisper already uses every core, so two calls side
//! by side would only make both slower (and double the memory).

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use crate::audio::recorder::FinishedRecording;
use crate::config::{ConfigStore, SettingsOverrides};
use crate::models::ModelStore;
use crate::pipeline::{self, file_name, FailureKind, Job, PipelineError, SharedProgress};
use crate::progress::{CancelToken, Progress, Stage};
use crate::secrets::Keyring;
use crate::store::Store;

use super::{JobState, JobUpdate};

/// Receives every job update; must be cheap and must not block.
pub type UpdateSink = Arc<dyn Fn(JobUpdate) + Send + Sync>;

/// Progress updates closer together than this are dropped unless the stage changes.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(150);

/// Where the queue stores calls, where API keys are, and how many files it analyses at once.
#[derive(Debug, Clone)]
pub struct QueueOptions {
    /// The call library the workers write to (each through its own connection).
    pub library: PathBuf,
    /// The folder of speech models; `None` for the default (`$CALLSCOPE_MODELS` or the platform's).
    pub models: Option<PathBuf>,
    /// Files analysed at once (at least 1).
    pub workers: usize,
    /// Where a remote provider's API key is kept (the environment's wins); read when a job
    /// for such a provider is built, never for the offline analyzer.
    pub keys: Keyring,
}

struct QueuedJob {
    id: u32,
    path: PathBuf,
    overrides: SettingsOverrides,
    /// A live call's recording (`path` is its WAV): stored with when and how it was captured.
    live: Option<FinishedRecording>,
    cancel: CancelToken,
}

type Tokens = Arc<Mutex<HashMap<u32, CancelToken>>>;

/// Files waiting for analysis and the workers that analyse them.
pub struct JobQueue {
    sender: Mutex<Sender<QueuedJob>>,
    tokens: Tokens,
    next_id: AtomicU32,
}

impl JobQueue {
    /// Start the workers; they read the settings from `config` for each file and report to `sink`.
    pub fn start(options: QueueOptions, config: Arc<ConfigStore>, sink: UpdateSink) -> JobQueue {
        let (sender, receiver) = channel();
        let receiver = Arc::new(Mutex::new(receiver));
        let tokens: Tokens = Arc::new(Mutex::new(HashMap::new()));
        for n in 0..options.workers.max(1) {
            let worker = Worker {
                options: options.clone(),
                config: Arc::clone(&config),
                sink: Arc::clone(&sink),
                tokens: Arc::clone(&tokens),
                store: None,
            };
            let receiver = Arc::clone(&receiver);
            let started = std::thread::Builder::new().name(format!("analysis-{n}")).spawn(move || worker.run(&receiver));
            if let Err(e) = started {
                tracing::error!(error = %e, "could not start an analysis worker");
            }
        }
        JobQueue { sender: Mutex::new(sender), tokens, next_id: AtomicU32::new(1) }
    }

    /// Queue a file; returns its first update (`queued`, or `failed` if no worker is left).
    pub fn enqueue(&self, path: PathBuf) -> JobUpdate {
        self.enqueue_with(path, SettingsOverrides::default())
    }

    /// Queue a file to be analysed with `overrides` applied to the settings in force when it
    /// starts (an upload that names its model or provider); returns its first update.
    pub fn enqueue_with(&self, path: PathBuf, overrides: SettingsOverrides) -> JobUpdate {
        self.push(path, overrides, None)
    }

    /// Queue a live call's finished (or recovered) recording behind the files already waiting,
    /// so its analysis never runs beside another one; stored like a file, plus how it was
    /// captured.
    pub fn enqueue_live(&self, recording: FinishedRecording) -> JobUpdate {
        self.push(recording.path.clone(), SettingsOverrides::default(), Some(recording))
    }

    fn push(&self, path: PathBuf, overrides: SettingsOverrides, live: Option<FinishedRecording>) -> JobUpdate {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let cancel = CancelToken::new();
        lock(&self.tokens).insert(id, cancel.clone());
        let queued = JobUpdate::new(id, &path, JobState::Queued);
        let sent = self.sender.lock().unwrap_or_else(|p| p.into_inner()).send(QueuedJob { id, path: path.clone(), overrides, live, cancel });
        match sent {
            Ok(()) => {
                tracing::info!(job = id, path = %path.display(), "queued");
                queued
            }
            Err(_) => {
                lock(&self.tokens).remove(&id);
                let message = format!("{}: the analysis workers have stopped; restart Callscope", file_name(&path));
                JobUpdate::new(id, &path, JobState::Failed { message, missing_model: None, kind: FailureKind::Internal })
            }
        }
    }

    /// Ask one job to stop; false when it already finished.
    pub fn cancel(&self, id: u32) -> bool {
        match lock(&self.tokens).get(&id) {
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
        let tokens = lock(&self.tokens);
        tokens.values().for_each(CancelToken::cancel);
        tracing::info!(jobs = tokens.len(), "cancel all requested");
        u32::try_from(tokens.len()).unwrap_or(u32::MAX)
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// One worker thread's state: its own writer connection, opened on first use.
struct Worker {
    options: QueueOptions,
    config: Arc<ConfigStore>,
    sink: UpdateSink,
    tokens: Tokens,
    store: Option<Store>,
}

impl Worker {
    fn run(mut self, receiver: &Mutex<Receiver<QueuedJob>>) {
        loop {
            // Hold the receiver only while taking the next job, so other workers can take theirs.
            let Ok(job) = lock(receiver).recv() else { return };
            let state = if job.cancel.is_cancelled() {
                JobState::Cancelled
            } else {
                // Nothing a file does may end the worker: a panic outside the guarded stages
                // (there should be none) still fails only this file.
                catch_unwind(AssertUnwindSafe(|| self.analyze(&job))).unwrap_or_else(|payload| {
                    self.store = None;
                    JobState::from_error(&pipeline_crash(&job, payload.as_ref()))
                })
            };
            lock(&self.tokens).remove(&job.id);
            match &state {
                JobState::Failed { message, .. } => tracing::warn!(job = job.id, %message, "analysis failed"),
                other => tracing::info!(job = job.id, state = ?other, "analysis finished"),
            }
            (self.sink)(JobUpdate::new(job.id, &job.path, state));
        }
    }

    fn analyze(&mut self, job: &QueuedJob) -> JobState {
        let started = Instant::now();
        match self.analyze_file(job) {
            Ok((call_id, domain, category)) => {
                tracing::info!(job = job.id, call = call_id, elapsed_ms = started.elapsed().as_millis() as u64, "analysed");
                JobState::Done { call_id, domain, category }
            }
            Err(_) if job.cancel.is_cancelled() => JobState::Cancelled,
            Err(e) => JobState::from_error(&e),
        }
    }

    fn analyze_file(&mut self, queued: &QueuedJob) -> Result<(i64, String, String), PipelineError> {
        let models = match &self.options.models {
            Some(dir) => ModelStore::at(dir.clone()),
            None => ModelStore::open_default().map_err(|source| PipelineError::Model { source })?,
        };
        let settings = queued.overrides.apply(self.config.get()).map_err(|e| PipelineError::Runtime { detail: e.to_string() })?;
        let job = Job::from_settings(&settings, &models, &self.options.keys)?;
        if self.store.is_none() {
            let store = Store::open(&self.options.library)
                .map_err(|source| PipelineError::Store { file: file_name(&queued.path), source })?;
            self.store = Some(store);
        }
        let Some(store) = self.store.as_mut() else {
            return Err(PipelineError::Runtime { detail: "the call library is not open".into() });
        };
        tracing::info!(job = queued.id, path = %queued.path.display(), model = %job.plan().model, "analysis started");
        let progress = throttled(queued, Arc::clone(&self.sink));
        let call = match &queued.live {
            Some(recording) => pipeline::block_on(pipeline::store_live_recording(recording, &job, store, progress, &queued.cancel))?,
            None => pipeline::block_on(pipeline::analyze_file(&queued.path, &job, store, progress, &queued.cancel))?,
        };
        Ok((call.call_id, call.domain, call.category))
    }
}

/// Progress for one job, sent as `Running` updates at most every `PROGRESS_INTERVAL` per stage.
fn throttled(job: &QueuedJob, sink: UpdateSink) -> SharedProgress {
    let (id, path) = (job.id, job.path.clone());
    let last = Mutex::new((Stage::Done, Instant::now().checked_sub(PROGRESS_INTERVAL).unwrap_or_else(Instant::now)));
    Arc::new(move |p: Progress| {
        let mut last = lock(&last);
        if p.stage != last.0 || last.1.elapsed() >= PROGRESS_INTERVAL {
            *last = (p.stage, Instant::now());
            sink(JobUpdate::new(id, &path, JobState::Running { stage: p.stage, fraction: p.fraction.clamp(0.0, 1.0) }));
        }
    })
}

fn pipeline_crash(job: &QueuedJob, payload: &(dyn std::any::Any + Send)) -> PipelineError {
    crate::pipeline::crashed(&file_name(&job.path), "analysing", payload)
}
