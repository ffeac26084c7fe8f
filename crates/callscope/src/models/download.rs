//! Downloads one file over HTTP(S): resumable with HTTP Range requests, retried with backoff,
//! and verified against a sha256 before it is moved into place.

use std::fs::{self, File, OpenOptions};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, SystemTime};

use reqwest::blocking::{Client, Response};
use reqwest::header::{CONTENT_RANGE, RANGE};
use reqwest::StatusCode;

use super::checksum::sha256_file;
use super::error::ModelError;
use super::status::{InstallProgress, InstallProgressSink, InstallStep};

/// Attempts per download before giving up (the partial file stays for the next run).
const ATTEMPTS: u32 = 4;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
/// Longest silence tolerated while reading the body.
const READ_TIMEOUT: Duration = Duration::from_secs(60);
const CHUNK_BYTES: usize = 256 * 1024;

/// A failed attempt, and whether trying again may help.
struct Failure {
    detail: String,
    retryable: bool,
}

impl Failure {
    fn retry(detail: impl Into<String>) -> Self {
        Self { detail: detail.into(), retryable: true }
    }
    fn fatal(detail: impl Into<String>) -> Self {
        Self { detail: detail.into(), retryable: false }
    }
}

/// Downloads `url` to `dest`, resuming `dest.part` if an earlier run left one, and returns the
/// size in bytes. `dest` appears only once its sha256 equals `sha256`.
pub fn download_verified(url: &str, dest: &Path, sha256: &str, progress: InstallProgressSink<'_>) -> Result<u64, ModelError> {
    let part = partial_path(dest);
    let download_error = |detail: String| ModelError::Download { url: url.to_owned(), detail };
    let client = Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .timeout(READ_TIMEOUT)
        .user_agent(concat!("callscope/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| download_error(format!("cannot start an HTTP client ({e})")))?;

    let mut attempt = 1;
    loop {
        match fetch_once(&client, url, &part, progress) {
            Ok(()) => break,
            Err(failure) if failure.retryable && attempt < ATTEMPTS => {
                tracing::warn!(url, attempt, detail = %failure.detail, "model download interrupted; resuming");
                thread::sleep(backoff(attempt));
                attempt += 1;
            }
            Err(failure) => return Err(download_error(failure.detail)),
        }
    }

    let size = fs::metadata(&part).map_err(|e| ModelError::io("reading", &part, e))?.len();
    progress(InstallProgress { step: InstallStep::Verifying, done_bytes: 0, total_bytes: size });
    let actual = sha256_file(&part)?;
    if actual != sha256 {
        fs::remove_file(&part).map_err(|e| ModelError::io("removing", &part, e))?;
        return Err(ModelError::DownloadChecksum { url: url.to_owned(), expected: sha256.to_owned(), actual });
    }
    fs::rename(&part, dest).map_err(|e| ModelError::io("moving the download into place at", dest, e))?;
    progress(InstallProgress { step: InstallStep::Verifying, done_bytes: size, total_bytes: size });
    Ok(size)
}

/// Where an unfinished download of `dest` is kept.
pub(crate) fn partial_path(dest: &Path) -> PathBuf {
    let mut name = dest.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".part");
    dest.with_file_name(name)
}

/// One request: continues the partial file if the server honours the range, else starts over.
fn fetch_once(client: &Client, url: &str, part: &Path, progress: InstallProgressSink<'_>) -> Result<(), Failure> {
    let have = fs::metadata(part).map(|m| m.len()).unwrap_or(0);
    let mut request = client.get(url);
    if have > 0 {
        request = request.header(RANGE, format!("bytes={have}-"));
    }
    let mut response = request.send().map_err(|e| Failure::retry(format!("request failed ({e})")))?;
    let status = response.status();
    let (mut file, mut done) = match status {
        StatusCode::PARTIAL_CONTENT if range_start(&response) == Some(have) => (open(part, true)?, have),
        StatusCode::PARTIAL_CONTENT => {
            // A range we did not ask for: the partial file cannot be trusted to line up.
            fs::remove_file(part).map_err(|e| Failure::fatal(format!("cannot remove {} ({e})", part.display())))?;
            return Err(Failure::retry("the server resumed at the wrong offset; starting over"));
        }
        StatusCode::OK => (open(part, false)?, 0),
        // Nothing left to send: the partial file is complete; the checksum decides.
        StatusCode::RANGE_NOT_SATISFIABLE if have > 0 => return Ok(()),
        s if s.is_server_error() || s == StatusCode::TOO_MANY_REQUESTS => {
            return Err(Failure::retry(format!("the server answered {s}")))
        }
        s => return Err(Failure::fatal(format!("the server answered {s}"))),
    };
    let total = response.content_length().map_or(0, |n| n + done);
    progress(InstallProgress { step: InstallStep::Downloading, done_bytes: done, total_bytes: total });

    let mut buf = vec![0u8; CHUNK_BYTES];
    loop {
        let n = match response.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                // Keep what arrived so the next attempt resumes after it.
                let _ = file.flush();
                return Err(Failure::retry(format!("connection lost after {done} bytes ({e})")));
            }
        };
        file.write_all(&buf[..n]).map_err(|e| Failure::fatal(format!("cannot write {} ({e})", part.display())))?;
        done += n as u64;
        progress(InstallProgress { step: InstallStep::Downloading, done_bytes: done, total_bytes: total });
    }
    file.sync_all().map_err(|e| Failure::fatal(format!("cannot write {} ({e})", part.display())))?;
    if total > 0 && done < total {
        return Err(Failure::retry(format!("the connection closed after {done} of {total} bytes")));
    }
    Ok(())
}

fn open(part: &Path, append: bool) -> Result<File, Failure> {
    OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(part)
        .map_err(|e| Failure::fatal(format!("cannot write {} ({e})", part.display())))
}

/// The first byte of a `Content-Range: bytes START-END/TOTAL` answer.
fn range_start(response: &Response) -> Option<u64> {
    let value = response.headers().get(CONTENT_RANGE)?.to_str().ok()?;
    value.strip_prefix("bytes ")?.split('-').next()?.trim().parse().ok()
}

/// 0.5 s, 1 s, 2 s … plus up to 250 ms of jitter so many clients do not retry in step.
fn backoff(attempt: u32) -> Duration {
    let jitter_ms = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| u64::from(d.subsec_nanos()) % 250);
    Duration::from_millis(500 * (1u64 << (attempt - 1).min(6)) + jitter_ms)
}
