//! Job records on disk, one JSON file per job in `<data>/server-jobs/`: a job is written down
//! before its client hears that it was accepted, and its outcome when it ends, so a restart
//! runs what was still waiting and `GET /api/jobs/{id}` still answers for what had finished.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use callscope::config::SettingsOverrides;
use serde::{Deserialize, Serialize};

/// Finished jobs' records are forgotten after this long (their calls stay in the library).
const KEEP_FINISHED: Duration = Duration::from_secs(7 * 24 * 3600);

/// One accepted job as written down.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    pub job_id: String,
    /// The client's name for the recording (made safe).
    pub file_name: String,
    /// Where the recording is kept; it becomes the call's audio.
    pub audio: PathBuf,
    pub overrides: SettingsOverrides,
    /// Accepted with `?async=true` (a client will poll for it); a synchronous job's client
    /// waited on its connection, which a restart closed.
    pub asynchronous: bool,
    /// RFC 3339, UTC.
    pub accepted_at: String,
    pub outcome: Outcome,
}

/// Where a job ended, or that it has not yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Outcome {
    Queued,
    Done { call_id: i64 },
    Failed { detail: String, code: String, http_status: u16 },
}

impl Outcome {
    /// Whether the job will not change again.
    pub fn is_final(&self) -> bool {
        !matches!(self, Outcome::Queued)
    }
}

/// The folder of job records.
pub struct Spool {
    dir: PathBuf,
}

impl Spool {
    /// The records in `dir`, created if needed.
    pub fn open(dir: PathBuf) -> anyhow::Result<Spool> {
        std::fs::create_dir_all(&dir).map_err(|e| anyhow::anyhow!("cannot create the job folder {}: {e}; check that the data folder is writable", dir.display()))?;
        Ok(Spool { dir })
    }

    fn path(&self, job_id: &str) -> PathBuf {
        self.dir.join(format!("{job_id}.json"))
    }

    /// Write `record` whole or not at all (a temporary file renamed over the old one, synced,
    /// so a crash leaves the previous version).
    pub fn save(&self, record: &JobRecord) -> std::io::Result<()> {
        let json = serde_json::to_vec_pretty(record).map_err(std::io::Error::other)?;
        let mut tmp = tempfile::Builder::new().prefix(".job").tempfile_in(&self.dir)?;
        tmp.write_all(&json)?;
        tmp.as_file().sync_all()?;
        tmp.persist(self.path(&record.job_id)).map_err(|e| e.error)?;
        Ok(())
    }

    /// The record of job `job_id`, if there is one (an id this server never gave is none).
    pub fn load(&self, job_id: &str) -> Option<JobRecord> {
        // Ids are uuids in hex: anything else (a path, `..`) names no record.
        if job_id.is_empty() || !job_id.chars().all(|c| c.is_ascii_hexdigit()) {
            return None;
        }
        read(&self.path(job_id)).ok()
    }

    /// Every readable record; finished ones older than a week are deleted instead. A record
    /// that cannot be read is logged and left for a person to look at.
    pub fn load_all(&self) -> Vec<JobRecord> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return Vec::new() };
        let mut records = Vec::new();
        for path in entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|e| e == "json")) {
            match read(&path) {
                Ok(record) if record.outcome.is_final() && older_than(&path, KEEP_FINISHED) => {
                    let _ = std::fs::remove_file(&path);
                }
                Ok(record) => records.push(record),
                Err(e) => tracing::warn!(path = %path.display(), error = %e, "a job record cannot be read; it is ignored"),
            }
        }
        records.sort_by(|a, b| a.accepted_at.cmp(&b.accepted_at));
        records
    }
}

fn read(path: &Path) -> anyhow::Result<JobRecord> {
    Ok(serde_json::from_slice(&std::fs::read(path)?)?)
}

fn older_than(path: &Path, age: Duration) -> bool {
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).unwrap_or_else(|_| SystemTime::now());
    modified.elapsed().is_ok_and(|elapsed| elapsed > age)
}

/// Now, as RFC 3339 UTC.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
}
