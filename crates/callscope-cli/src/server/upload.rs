//! An upload's multipart form, read as it arrives: the `file` field goes straight to disk
//! (never whole in memory) under a name that cannot leave its folder, counted against the size
//! limit; the small text fields are read into memory with a cap.

use std::path::{Path, PathBuf};
use std::time::Duration;

use axum::extract::multipart::{Field, MultipartError};
use axum::extract::Multipart;
use axum::http::StatusCode;
use tokio::io::AsyncWriteExt;

use super::error::ApiError;

/// Recordings the original service accepted, by extension.
const AUDIO_EXTENSIONS: [&str; 5] = ["wav", "mp3", "m4a", "flac", "ogg"];
/// Longest a client may pause between two pieces of the body before it is dropped (408).
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);
/// After this long, an upload must have come at `MIN_BYTES_PER_S` on average: a client that
/// trickles a byte now and then never holds a place in the queue for hours.
const RATE_GRACE: Duration = Duration::from_secs(30);
/// The slowest average an upload may arrive at (a poor mobile line does better).
const MIN_BYTES_PER_S: f64 = 16.0 * 1024.0;
/// Longest text field read (`provider`, `model`, …).
const MAX_TEXT_BYTES: usize = 1024;
/// How much of a too-large body is still read (and thrown away) before answering 413, so the
/// client, still sending, reads the answer instead of a reset connection.
const DRAIN_BYTES: u64 = 8 * 1024 * 1024;
/// Characters kept of a file name (its extension is always kept).
const MAX_NAME_CHARS: usize = 120;

/// What an upload's form held.
#[derive(Debug, Default)]
pub struct UploadForm {
    /// The recording on disk, and the client's name for it (made safe).
    pub file: Option<(PathBuf, String)>,
    /// Other text fields by name (`provider`, `model`, `swap_channels`).
    pub fields: Vec<(String, String)>,
}

impl UploadForm {
    /// The text field `name`, if sent.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// Read the form, writing its `file` field into `dir` (created here); a second `file` field
/// is refused. On error nothing is left in `dir` that the caller needs to keep.
pub async fn read_form(mut form: Multipart, dir: &Path, max_bytes: u64) -> Result<UploadForm, ApiError> {
    let mut out = UploadForm::default();
    while let Some(field) = next_field(&mut form).await? {
        match field.name().unwrap_or_default() {
            "file" => {
                if out.file.is_some() {
                    return Err(ApiError::bad_request("two_files", "send one recording per request, in one `file` field"));
                }
                let name = safe_file_name(field.file_name().unwrap_or_default());
                check_extension(&name)?;
                let path = dir.join(&name);
                if let Err(e) = save(field, &path, max_bytes).await {
                    if e.status == StatusCode::PAYLOAD_TOO_LARGE {
                        drain(&mut form).await;
                    }
                    return Err(e.about(&name));
                }
                out.file = Some((path, name));
            }
            other => {
                let name = other.to_string();
                let value = read_text(field).await?;
                out.fields.push((name, value));
            }
        }
    }
    Ok(out)
}

async fn next_field(form: &mut Multipart) -> Result<Option<Field<'_>>, ApiError> {
    match tokio::time::timeout(IDLE_TIMEOUT, form.next_field()).await {
        Ok(result) => result.map_err(malformed),
        Err(_) => Err(too_slow()),
    }
}

/// Stream one field to `path`, refusing it once it passes `max_bytes`.
async fn save(mut field: Field<'_>, path: &Path, max_bytes: u64) -> Result<(), ApiError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    tokio::fs::create_dir_all(dir).await.map_err(|e| ApiError::internal(format!("cannot create the upload folder {}: {e}", dir.display())))?;
    let mut file = tokio::fs::File::create(path).await.map_err(|e| ApiError::internal(format!("cannot write the upload to {}: {e}", dir.display())))?;
    let mut written = 0u64;
    let started = std::time::Instant::now();
    loop {
        let chunk = match tokio::time::timeout(IDLE_TIMEOUT, field.chunk()).await {
            Ok(chunk) => chunk.map_err(malformed)?,
            Err(_) => return Err(too_slow()),
        };
        let Some(chunk) = chunk else { break };
        written += chunk.len() as u64;
        if written > max_bytes {
            return Err(too_large(max_bytes));
        }
        if arriving_too_slowly(written, started.elapsed()) {
            return Err(too_slow());
        }
        file.write_all(&chunk).await.map_err(|e| ApiError::internal(format!("cannot write the upload to {}: {e}; check the disk space", dir.display())))?;
    }
    file.flush().await.map_err(|e| ApiError::internal(format!("cannot write the upload to {}: {e}", dir.display())))?;
    tracing::info!(path = %path.display(), bytes = written, "upload saved");
    Ok(())
}

/// Read and discard a little more of the body, briefly (see `DRAIN_BYTES`).
async fn drain(form: &mut Multipart) {
    let work = async {
        let mut seen = 0u64;
        while let Ok(Some(mut field)) = form.next_field().await {
            while let Ok(Some(chunk)) = field.chunk().await {
                seen += chunk.len() as u64;
                if seen > DRAIN_BYTES {
                    return;
                }
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_secs(2), work).await;
}

async fn read_text(mut field: Field<'_>) -> Result<String, ApiError> {
    let name = field.name().unwrap_or_default().to_string();
    let mut bytes = Vec::new();
    while let Some(chunk) = tokio::time::timeout(IDLE_TIMEOUT, field.chunk()).await.map_err(|_| too_slow())?.map_err(malformed)? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() > MAX_TEXT_BYTES {
            return Err(ApiError::bad_request("field_too_long", format!("the form field `{name}` is longer than {MAX_TEXT_BYTES} bytes; send the recording in the `file` field")));
        }
    }
    String::from_utf8(bytes).map_err(|_| ApiError::bad_request("invalid_field", format!("the form field `{name}` is not UTF-8 text")))
}

/// A client's file name made safe to create: only its last path component, without control
/// characters, separators or a leading dot, and not too long; `upload` when nothing is left.
pub fn safe_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ' ' | '(' | ')' | '+' | ',') { c } else { '_' })
        .collect();
    let cleaned = cleaned.trim();
    let (stem, extension) = match cleaned.rsplit_once('.') {
        Some((stem, ext)) if !ext.is_empty() && ext.len() <= 8 && !ext.contains(' ') => (stem, Some(ext)),
        _ => (cleaned, None),
    };
    // A leading dot would hide the file, and `..` must never be a name.
    let mut stem: String = stem.trim_start_matches('.').trim().chars().take(MAX_NAME_CHARS).collect();
    if stem.trim_matches(['.', '_', ' ']).is_empty() {
        stem = "upload".to_string();
    }
    match extension {
        Some(ext) => format!("{stem}.{ext}"),
        None => stem,
    }
}

fn check_extension(name: &str) -> Result<(), ApiError> {
    let extension = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    if AUDIO_EXTENSIONS.contains(&extension.as_str()) {
        return Ok(());
    }
    let what = if extension.is_empty() { "files without an extension".to_string() } else { format!(".{extension} files") };
    Err(ApiError::bad_request("invalid_audio", format!("{name}: {what} are not accepted; send a WAV, MP3, M4A, FLAC or OGG recording")).about(name))
}

/// Whether `written` bytes in `elapsed` is slower than an upload may be, once past the grace.
fn arriving_too_slowly(written: u64, elapsed: Duration) -> bool {
    elapsed > RATE_GRACE && (written as f64) < MIN_BYTES_PER_S * elapsed.as_secs_f64()
}

fn malformed(e: MultipartError) -> ApiError {
    ApiError::bad_request("invalid_form", format!("the upload is not a readable multipart/form-data body ({})", e.body_text()))
}

fn too_slow() -> ApiError {
    ApiError::new(
        StatusCode::REQUEST_TIMEOUT,
        "too_slow",
        format!("the upload paused for more than {} s or came slower than {} KB/s; send it again", IDLE_TIMEOUT.as_secs(), MIN_BYTES_PER_S as u64 / 1024),
    )
}

/// 413 for a body larger than the server takes.
pub fn too_large(max_bytes: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("the recording is larger than this server's limit of {} MB; split it, or ask for a larger --max-upload-mb", max_bytes / (1024 * 1024)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_name_cannot_leave_its_folder() {
        assert_eq!(safe_file_name("../../etc/passwd.wav"), "passwd.wav");
        assert_eq!(safe_file_name("..\\..\\windows\\evil.mp3"), "evil.mp3");
        assert_eq!(safe_file_name("/abs/path/call 1.wav"), "call 1.wav");
        assert_eq!(safe_file_name(".."), "upload");
        assert_eq!(safe_file_name(".hidden.wav"), "hidden.wav");
        assert_eq!(safe_file_name("a\0b\nc.wav"), "a_b_c.wav");
        assert_eq!(safe_file_name(""), "upload");
        assert_eq!(safe_file_name("....wav"), "upload.wav");
        assert_eq!(safe_file_name(".wav"), "upload.wav");
    }

    #[test]
    fn a_long_name_keeps_its_extension() {
        let name = safe_file_name(&format!("{}.flac", "x".repeat(500)));
        assert!(name.ends_with(".flac") && name.chars().count() == MAX_NAME_CHARS + 5, "{name}");
    }

    #[test]
    fn a_trickling_upload_is_dropped_after_the_grace_and_a_slow_honest_one_is_not() {
        assert!(!arriving_too_slowly(10, Duration::from_secs(20)), "within the grace anything goes");
        assert!(arriving_too_slowly(100 * 1024, Duration::from_secs(60)), "a trickle");
        assert!(!arriving_too_slowly(500 * 1024 * 1024, Duration::from_secs(600)), "500 MB in 10 minutes");
    }

    #[test]
    fn only_recordings_are_accepted() {
        assert!(check_extension("call.WAV").is_ok());
        let refused = check_extension("video_only.mp4").expect_err("mp4 is not a recording");
        assert!(refused.detail.contains("video_only.mp4") && refused.status == StatusCode::BAD_REQUEST, "{refused:?}");
    }
}
