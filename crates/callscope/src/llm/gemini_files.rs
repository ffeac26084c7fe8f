//! The Gemini Files API, for recordings too large to go inside a request: the resumable
//! upload (`POST {base}/upload/v1beta/files` says what comes, the bytes go to the address its
//! answer names), waiting while Google processes the file, and deleting it once stage 1 is done
//! (Google would otherwise keep it 48 hours).

use std::time::{Duration, Instant};

use bytes::Bytes;
use serde::Deserialize;
use serde_json::json;

use super::gemini::GeminiProvider;
use super::http::Outgoing;
use super::remote::ModelApi;
use super::{LlmError, LlmStage};

/// The slowest upload speed allowed for before an upload times out (2 Mbit/s).
const SLOWEST_UPLOAD_BYTES_PER_S: u64 = 250_000;
/// The name uploads carry at Google: never the file's own, which often holds a phone number.
const DISPLAY_NAME: &str = "callscope call recording";
/// Longest wait for Google to finish processing an upload.
const PROCESSING_TIMEOUT: Duration = Duration::from_secs(300);

const STAGE: LlmStage = LlmStage::AudioDetection;

/// An uploaded file as the Files API describes it.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct UploadedFile {
    /// `files/{id}`: where it is asked about and deleted.
    #[serde(default)]
    pub name: Option<String>,
    /// What `file_data` refers to.
    pub uri: String,
    #[serde(alias = "mime_type")]
    pub mime_type: Option<String>,
    /// `PROCESSING`, `ACTIVE` or `FAILED`.
    #[serde(default)]
    pub state: Option<String>,
}

#[derive(Deserialize)]
struct UploadAnswer {
    file: UploadedFile,
}

/// Upload `bytes` of `mime_type` and wait until Google can use them (asking every
/// `poll_interval` while it processes them).
pub(super) async fn upload(gemini: &GeminiProvider, bytes: &Bytes, mime_type: &str, poll_interval: Duration) -> Result<UploadedFile, LlmError> {
    let size = bytes.len() as u64;
    let start_url = format!("{}/upload/v1beta/files", gemini.base_url);
    let start_headers = [
        ("x-goog-upload-protocol", "resumable".to_string()),
        ("x-goog-upload-command", "start".to_string()),
        ("x-goog-upload-header-content-length", size.to_string()),
        ("x-goog-upload-header-content-type", mime_type.to_string()),
    ];
    let start = Outgoing { headers: &start_headers, ..Outgoing::post(&start_url, "application/json") };
    let body = json!({"file": {"display_name": DISPLAY_NAME}}).to_string();
    let reply = gemini.http.send(STAGE, &start, body.into()).await?;
    if !reply.status.is_success() {
        return Err(gemini.refused(STAGE, &reply));
    }
    let upload_url = reply
        .headers
        .get("x-goog-upload-url")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .ok_or_else(|| gemini.http.bad_response(STAGE, "the Files API did not say where to send the audio (no X-Goog-Upload-URL header)"))?;

    // The key goes only to the provider's own host; the upload address authorises itself.
    let bytes_headers = [("x-goog-upload-command", "upload, finalize".to_string()), ("x-goog-upload-offset", "0".to_string())];
    let send = Outgoing {
        headers: &bytes_headers,
        with_key: same_origin(&upload_url, &gemini.base_url),
        timeout: Some(gemini.http.timeout() + Duration::from_secs(size / SLOWEST_UPLOAD_BYTES_PER_S)),
        ..Outgoing::post(&upload_url, mime_type)
    };
    let reply = gemini.http.send(STAGE, &send, bytes.clone()).await?;
    if !reply.status.is_success() {
        return Err(gemini.refused(STAGE, &reply));
    }
    let answer: UploadAnswer = serde_json::from_slice(&reply.body)
        .map_err(|e| gemini.http.bad_response(STAGE, format!("the Files API's answer does not describe the uploaded file ({e})")))?;
    tracing::info!(bytes = size, "the call's audio is uploaded to the Gemini Files API");
    let file = answer.file;
    match ready(gemini, &file, poll_interval).await {
        Ok(file) => Ok(file),
        Err(e) => {
            delete(gemini, &file).await;
            Err(e)
        }
    }
}

/// `file` once Google has processed it.
async fn ready(gemini: &GeminiProvider, file: &UploadedFile, poll_interval: Duration) -> Result<UploadedFile, LlmError> {
    let started = Instant::now();
    let mut file = file.clone();
    loop {
        match file.state.as_deref() {
            Some("FAILED") => {
                return Err(LlmError::Rejected { provider: gemini.provider().to_string(), stage: STAGE, detail: "Google could not process the uploaded audio".into() });
            }
            Some("PROCESSING") if started.elapsed() >= PROCESSING_TIMEOUT => {
                let waited = PROCESSING_TIMEOUT.as_secs();
                return Err(LlmError::Rejected { provider: gemini.provider().to_string(), stage: STAGE, detail: format!("Google was still processing the uploaded audio after {waited} s; try again later") });
            }
            Some("PROCESSING") => {}
            _ => return Ok(file),
        }
        let Some(url) = file_url(gemini, &file) else {
            return Err(gemini.http.bad_response(STAGE, "the Files API is processing the audio but did not name the file to ask about"));
        };
        tokio::time::sleep(poll_interval).await;
        let asked = Outgoing { method: reqwest::Method::GET, ..Outgoing::post(&url, "application/json") };
        let reply = gemini.http.send(STAGE, &asked, Bytes::new()).await?;
        if !reply.status.is_success() {
            return Err(gemini.refused(STAGE, &reply));
        }
        file = serde_json::from_slice(&reply.body)
            .map_err(|e| gemini.http.bad_response(STAGE, format!("the Files API's answer does not describe the uploaded file ({e})")))?;
    }
}

/// Delete `file` at Google; a failure is logged, not the analysis's problem (Google deletes it
/// after 48 hours anyway).
pub(super) async fn delete(gemini: &GeminiProvider, file: &UploadedFile) {
    let Some(url) = file_url(gemini, file) else {
        tracing::warn!("the uploaded audio has no name to delete it by; Google deletes it after 48 hours");
        return;
    };
    let delete = Outgoing { method: reqwest::Method::DELETE, ..Outgoing::post(&url, "application/json") };
    match gemini.http.send(STAGE, &delete, Bytes::new()).await {
        Ok(reply) if reply.status.is_success() => tracing::info!("the uploaded audio is deleted from the Gemini Files API"),
        Ok(reply) => tracing::warn!(status = %reply.status, "the uploaded audio could not be deleted; Google deletes it after 48 hours"),
        Err(e) => tracing::warn!(error = %e, "the uploaded audio could not be deleted; Google deletes it after 48 hours"),
    }
}

/// `{base}/v1beta/files/{id}` for `file`, when its name is one (it goes into the path).
fn file_url(gemini: &GeminiProvider, file: &UploadedFile) -> Option<String> {
    let name = file.name.as_deref()?;
    let id = name.strip_prefix("files/")?;
    let plain = !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    plain.then(|| format!("{}/v1beta/{name}", gemini.base_url))
}

/// Whether two addresses have the same scheme, host and port.
fn same_origin(a: &str, b: &str) -> bool {
    match (reqwest::Url::parse(a), reqwest::Url::parse(b)) {
        (Ok(a), Ok(b)) => a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_follows_only_to_the_same_host() {
        assert!(same_origin("https://generativelanguage.googleapis.com/upload/v1beta/files?upload_id=x", "https://generativelanguage.googleapis.com"));
        assert!(!same_origin("https://uploads.example.com/x", "https://generativelanguage.googleapis.com"));
        assert!(!same_origin("http://127.0.0.1:9/x", "http://127.0.0.1:8/"));
    }
}
