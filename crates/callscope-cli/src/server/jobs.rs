//! Uploaded recordings as jobs: a bounded number accepted at once (503 beyond it), each
//! analysed through the engine's `JobQueue` (one at a time, like the desktop app), each
//! written down (`spool`) so a restart loses none, and each change published to WebSocket
//! clients and to the request waiting for it.
//!
//! An upload first takes a `Slot` (so a full server refuses before reading the body) and
//! writes into `uploads/.incoming/<id>/`; only a submitted job's folder moves to
//! `uploads/<id>/`, where its recording stays as the call's audio. Whatever a failed upload
//! or job leaves is removed, so nothing partial remains.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use callscope::config::{ConfigStore, SettingsOverrides};
use callscope::jobs::{JobQueue, JobState, JobUpdate, QueueOptions, UpdateSink};
use callscope::pipeline::FailureKind;
use callscope::progress::Stage;
use callscope::secrets::Keyring;
use tokio::sync::{mpsc, watch};

use super::error::{failure_status, ApiError};
use super::events::{publish, Events, ServerEvent};
use super::spool::{now_rfc3339, JobRecord, Outcome, Spool};

/// Until a job has been timed, how long one is expected to take (for Retry-After).
const FIRST_GUESS_S: f64 = 30.0;
/// The folder of uploads still arriving, inside the uploads folder.
const INCOMING: &str = ".incoming";

/// A job as clients see it: its record and, while it runs, its progress.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub record: JobRecord,
    pub progress: Option<(Stage, f32)>,
    started: Option<Instant>,
}

/// Jobs accepted and not yet finished.
struct Registry {
    by_queue_id: HashMap<u32, String>,
    jobs: HashMap<String, Arc<watch::Sender<Snapshot>>>,
    /// Uploads under way that hold a place.
    reserved: usize,
    /// Jobs queued or running.
    in_flight: usize,
    mean_job_s: f64,
}

/// The server's jobs.
pub struct Jobs {
    queue: JobQueue,
    registry: Mutex<Registry>,
    spool: Spool,
    uploads: PathBuf,
    capacity: usize,
    events: Events,
    stopping: AtomicBool,
}

/// Where the jobs keep their files and how many they take.
pub struct JobsOptions {
    pub library: PathBuf,
    pub data_dir: PathBuf,
    pub capacity: usize,
    pub config: Arc<ConfigStore>,
    pub events: Events,
}

impl Jobs {
    /// Start the analysis worker and run again every accepted job a previous run left.
    pub fn start(options: JobsOptions) -> anyhow::Result<Arc<Jobs>> {
        let spool = Spool::open(options.data_dir.join("server-jobs"))?;
        let uploads = options.data_dir.join("uploads");
        // Uploads that never became jobs (the server stopped while they arrived).
        let _ = std::fs::remove_dir_all(uploads.join(INCOMING));
        let (sender, updates) = mpsc::unbounded_channel();
        let sink: UpdateSink = Arc::new(move |update| {
            let _ = sender.send(update);
        });
        let queue_options = QueueOptions { library: options.library, models: None, workers: 1, keys: Keyring::os() };
        let jobs = Arc::new(Jobs {
            queue: JobQueue::start(queue_options, options.config, sink),
            registry: Mutex::new(Registry {
                by_queue_id: HashMap::new(),
                jobs: HashMap::new(),
                reserved: 0,
                in_flight: 0,
                mean_job_s: FIRST_GUESS_S,
            }),
            spool,
            uploads,
            capacity: options.capacity,
            events: options.events,
            stopping: AtomicBool::new(false),
        });
        tokio::spawn(dispatch(Arc::clone(&jobs), updates));
        jobs.recover();
        Ok(jobs)
    }

    fn lock(&self) -> MutexGuard<'_, Registry> {
        self.registry.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Hold a place for an upload, or say when to come back (503).
    pub fn reserve(self: &Arc<Self>) -> Result<Slot, ApiError> {
        if self.stopping.load(Ordering::SeqCst) {
            return Err(ApiError::unavailable("stopping", "the server is stopping; send the recording again in a moment", 30));
        }
        let mut registry = self.lock();
        let taken = registry.reserved + registry.in_flight;
        if taken >= self.capacity {
            let wait_s = (registry.mean_job_s * registry.in_flight.max(1) as f64).ceil().clamp(1.0, 3600.0) as u64;
            return Err(ApiError::unavailable(
                "busy",
                format!("the server is busy with {taken} recordings (it takes {} at once); send this one again in about {wait_s} s", self.capacity),
                wait_s,
            ));
        }
        registry.reserved += 1;
        let job_id = uuid::Uuid::new_v4().simple().to_string();
        let dir = self.uploads.join(INCOMING).join(&job_id);
        Ok(Slot { jobs: Arc::clone(self), job_id, dir, submitted: false })
    }

    /// Accept the recording uploaded into `slot`: move it to its lasting place, write the job
    /// down, queue it; returns a receiver that sees every change of the job.
    pub fn submit(
        &self,
        mut slot: Slot,
        file_name: &str,
        overrides: SettingsOverrides,
        asynchronous: bool,
    ) -> Result<watch::Receiver<Snapshot>, ApiError> {
        // An upload that finished arriving after the stop began: the queue no longer runs.
        if self.stopping.load(Ordering::SeqCst) {
            return Err(ApiError::unavailable("stopping", format!("{file_name}: the server is stopping; send it again in a moment"), 30));
        }
        let dir = self.uploads.join(&slot.job_id);
        std::fs::rename(&slot.dir, &dir).map_err(|e| ApiError::internal(format!("cannot keep the upload in {}: {e}", dir.display())))?;
        slot.dir = dir.clone();
        let record = JobRecord {
            job_id: slot.job_id.clone(),
            file_name: file_name.to_string(),
            audio: dir.join(file_name),
            overrides,
            asynchronous,
            accepted_at: now_rfc3339(),
            outcome: Outcome::Queued,
        };
        self.spool
            .save(&record)
            .map_err(|e| ApiError::internal(format!("cannot write the job down in the data folder: {e}; check the disk space")))?;
        slot.submitted = true;
        let (receiver, failed) = {
            let mut registry = self.lock();
            registry.reserved -= 1;
            self.enqueue(&mut registry, record)
        };
        if let Some(failed) = failed {
            self.finish(failed);
        }
        Ok(receiver)
    }

    /// Queue `record`'s recording; the registry stays locked until the job is known, so the
    /// worker's first update always finds it. When no worker is left the job has already
    /// failed: that end is returned, to be `finish`ed once the registry is unlocked.
    fn enqueue(&self, registry: &mut Registry, record: JobRecord) -> (watch::Receiver<Snapshot>, Option<Finished>) {
        let update = self.queue.enqueue_with(record.audio.clone(), record.overrides.clone());
        let job_id = record.job_id.clone();
        tracing::info!(job = %job_id, file = %record.file_name, asynchronous = record.asynchronous, "job accepted");
        let (sender, receiver) = watch::channel(Snapshot { record, progress: None, started: None });
        registry.jobs.insert(job_id.clone(), Arc::new(sender));
        registry.by_queue_id.insert(update.job_id, job_id);
        registry.in_flight += 1;
        let mut failed = None;
        if update.state.is_final() {
            let queue_id = update.job_id;
            failed = self.apply_locked(registry, update);
            registry.by_queue_id.remove(&queue_id);
        }
        (receiver, failed)
    }

    /// The job `job_id`: in memory while it is queued or running, from its record once done.
    pub fn get(&self, job_id: &str) -> Option<Snapshot> {
        if let Some(sender) = self.lock().jobs.get(job_id) {
            return Some(sender.borrow().clone());
        }
        self.spool.load(job_id).map(|record| Snapshot { record, progress: None, started: None })
    }

    /// Stop taking uploads, stop the jobs queued and running, and wait (at most `limit`) until
    /// each has ended; asynchronous ones stay written down as queued for the next start.
    pub async fn stop(&self, limit: Duration) {
        self.stopping.store(true, Ordering::SeqCst);
        let asked = self.queue.cancel_all();
        tracing::info!(jobs = asked, "stopping: jobs in flight are stopped and kept for the next start");
        let deadline = Instant::now() + limit;
        while self.lock().in_flight > 0 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let left = self.lock().in_flight;
        if left > 0 {
            tracing::warn!(jobs = left, "jobs did not stop in time; they run again at the next start");
        }
    }

    /// Run again the asynchronous jobs a previous run accepted and did not finish; a
    /// synchronous one's client is gone, so it is failed and its upload removed.
    fn recover(&self) {
        let mut failed = Vec::new();
        {
            let mut registry = self.lock();
            for mut record in self.spool.load_all().into_iter().filter(|r| r.outcome == Outcome::Queued) {
                if record.asynchronous && record.audio.is_file() {
                    tracing::info!(job = %record.job_id, file = %record.file_name, "queued again after a restart");
                    failed.extend(self.enqueue(&mut registry, record).1);
                    continue;
                }
                record.outcome = Outcome::Failed {
                    detail: format!("{}: the server stopped before it was analysed and its client was gone; nothing was stored: send it again", record.file_name),
                    code: "interrupted".into(),
                    http_status: 503,
                };
                remove_upload(&record.audio);
                if let Err(e) = self.spool.save(&record) {
                    tracing::warn!(job = %record.job_id, error = %e, "the job record could not be updated");
                }
            }
        }
        failed.into_iter().for_each(|f| self.finish(f));
    }

    /// Apply one update from the queue.
    fn apply(&self, update: JobUpdate) {
        let done = {
            let mut registry = self.lock();
            let queue_id = update.job_id;
            let done = self.apply_locked(&mut registry, update);
            if done.is_some() {
                registry.by_queue_id.remove(&queue_id);
            }
            done
        };
        if let Some(done) = done {
            self.finish(done);
        }
    }

    /// Update the job's snapshot; for a final update, count it out and return what is left to
    /// do outside the lock (`finish`).
    fn apply_locked(&self, registry: &mut Registry, update: JobUpdate) -> Option<Finished> {
        let job_id = registry.by_queue_id.get(&update.job_id)?.clone();
        let sender = Arc::clone(registry.jobs.get(&job_id)?);
        let snapshot = sender.borrow().clone();
        let record = &snapshot.record;
        let (outcome, kept) = match update.state {
            JobState::Queued => return None,
            JobState::Running { stage, fraction } => {
                sender.send_modify(|s| {
                    s.progress = Some((stage, fraction));
                    s.started.get_or_insert_with(Instant::now);
                });
                let event = ServerEvent::Progress { job_id: &job_id, file_name: &record.file_name, stage, fraction };
                publish(&self.events, &event);
                return None;
            }
            JobState::Done { call_id, domain, category } => {
                let event = ServerEvent::Stored { job_id: &job_id, file_name: &record.file_name, call_id, domain: &domain, category: &category };
                publish(&self.events, &event);
                (Outcome::Done { call_id }, false)
            }
            state => {
                let (kind, message) = match state {
                    JobState::Failed { message, kind, .. } => (kind, message),
                    _ => (FailureKind::Cancelled, format!("{}: cancelled", record.file_name)),
                };
                // Stopped by the server's own stop: the job stays queued on disk for the next start.
                if kind == FailureKind::Cancelled && record.asynchronous && self.stopping.load(Ordering::SeqCst) {
                    (Outcome::Queued, true)
                } else {
                    (self.failed(record, kind, &message), false)
                }
            }
        };
        registry.in_flight = registry.in_flight.saturating_sub(1);
        if let Some(started) = snapshot.started {
            registry.mean_job_s = 0.7 * registry.mean_job_s + 0.3 * started.elapsed().as_secs_f64();
        }
        Some(Finished { sender, outcome, kept })
    }

    /// The outcome for a failed job, published to clients; the message names the file, never
    /// the server's folders.
    fn failed(&self, record: &JobRecord, kind: FailureKind, message: &str) -> Outcome {
        let detail = message.replace(&record.audio.display().to_string(), &record.file_name).replace(&self.uploads.display().to_string(), "uploads");
        let (status, code) = failure_status(kind);
        let event = ServerEvent::Error { job_id: &record.job_id, file_name: &record.file_name, code, detail: &detail };
        publish(&self.events, &event);
        Outcome::Failed { detail, code: code.to_string(), http_status: status.as_u16() }
    }

    /// Write the job's end down, remove a failed job's upload, then tell its waiters.
    fn finish(&self, done: Finished) {
        let mut record = done.sender.borrow().record.clone();
        record.outcome = done.outcome;
        if !done.kept {
            if let Outcome::Failed { .. } = record.outcome {
                remove_upload(&record.audio);
            }
            if let Err(e) = self.spool.save(&record) {
                tracing::warn!(job = %record.job_id, error = %e, "the job's outcome could not be written down");
            }
        }
        tracing::info!(job = %record.job_id, outcome = ?record.outcome, kept = done.kept, "job ended");
        let job_id = record.job_id.clone();
        done.sender.send_modify(|s| {
            s.record = record;
            s.progress = None;
        });
        // Its waiters have the final state; later readers get it from the record, so memory
        // holds only the jobs in flight however long the server runs.
        self.lock().jobs.remove(&job_id);
    }
}

/// A job's end, to be recorded outside the registry's lock.
struct Finished {
    sender: Arc<watch::Sender<Snapshot>>,
    outcome: Outcome,
    /// Stopped by a shutdown and kept queued on disk.
    kept: bool,
}

/// Feed the queue's updates to the registry, in order.
async fn dispatch(jobs: Arc<Jobs>, mut updates: mpsc::UnboundedReceiver<JobUpdate>) {
    while let Some(update) = updates.recv().await {
        jobs.apply(update);
    }
}

/// Remove the folder of an upload (its recording and nothing else).
fn remove_upload(audio: &Path) {
    if let Some(dir) = audio.parent() {
        if let Err(e) = std::fs::remove_dir_all(dir) {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(dir = %dir.display(), error = %e, "an upload could not be removed");
            }
        }
    }
}

/// A place held for one upload; dropped without being submitted, it frees the place and
/// removes whatever the upload wrote.
pub struct Slot {
    jobs: Arc<Jobs>,
    pub job_id: String,
    /// Where the upload is written.
    pub dir: PathBuf,
    submitted: bool,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if self.submitted {
            return;
        }
        self.jobs.lock().reserved -= 1;
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Jobs {
    /// Whether `path` is a recording this server keeps (so deleting its call removes it).
    pub fn owns_upload(&self, path: &Path) -> bool {
        path.starts_with(&self.uploads)
    }
}
