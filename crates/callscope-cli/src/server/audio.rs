//! `GET /api/calls/{id}/audio`: the call's recording, streamed from disk, with HTTP range
//! requests so players can seek and downloads can resume.

use std::io::SeekFrom;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use tokio_util::io::ReaderStream;

use super::error::ApiError;
use super::library::CallId;
use super::state::AppState;

/// `GET /api/calls/{id}/audio`, honouring one `Range: bytes=…` (several ranges are answered
/// with the first; an unsatisfiable one with 416).
pub async fn audio(State(state): State<AppState>, CallId(id): CallId, headers: HeaderMap) -> Result<Response, ApiError> {
    let path = state.library.with(move |store| Ok(store.audio_path(id)?)).await?;
    let not_kept = || ApiError::new(StatusCode::NOT_FOUND, "no_audio", format!("call {id} has no recording on this server (it was not uploaded here, or its file was moved)"));
    let path = path.ok_or_else(not_kept)?;
    let mut file = match tokio::fs::File::open(&path).await {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(not_kept()),
        Err(e) => return Err(ApiError::internal(format!("call {id}: its recording cannot be read: {e}"))),
    };
    let size = file.metadata().await.map_err(|e| ApiError::internal(format!("call {id}: its recording cannot be read: {e}")))?.len();
    let content_type = content_type(&path);
    let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
    let (status, start, length) = match range.map(|r| parse_range(r, size)) {
        None | Some(Range::Ignored) => (StatusCode::OK, 0, size),
        Some(Range::Bytes { start, end }) => (StatusCode::PARTIAL_CONTENT, start, end - start + 1),
        Some(Range::Unsatisfiable) => {
            let mut response = ApiError::new(StatusCode::RANGE_NOT_SATISFIABLE, "bad_range", format!("the recording has {size} bytes; ask for a range inside them")).into_response();
            response.headers_mut().insert(header::CONTENT_RANGE, header_value(&format!("bytes */{size}")));
            return Ok(response);
        }
    };
    file.seek(SeekFrom::Start(start)).await.map_err(|e| ApiError::internal(format!("call {id}: its recording cannot be read: {e}")))?;
    let body = Body::from_stream(ReaderStream::new(file.take(length)));
    let mut response = (status, body).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
    if status == StatusCode::PARTIAL_CONTENT {
        headers.insert(header::CONTENT_RANGE, header_value(&format!("bytes {start}-{}/{size}", start + length - 1)));
    }
    Ok(response)
}

fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The MIME type for a recording, by its extension.
fn content_type(path: &std::path::Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("wav") => "audio/wav",
        Some("mp3") => "audio/mpeg",
        Some("m4a") => "audio/mp4",
        Some("flac") => "audio/flac",
        Some("ogg") => "audio/ogg",
        _ => "application/octet-stream",
    }
}

/// What a `Range` header asks of a file of `size` bytes.
#[derive(Debug, PartialEq, Eq)]
enum Range {
    /// Bytes `start..=end`, both inside the file.
    Bytes { start: u64, end: u64 },
    /// Outside the file: 416.
    Unsatisfiable,
    /// Not a byte range this server reads: the whole file, as RFC 9110 allows.
    Ignored,
}

fn parse_range(header: &str, size: u64) -> Range {
    let Some(spec) = header.trim().strip_prefix("bytes=") else { return Range::Ignored };
    let first = spec.split(',').next().unwrap_or_default().trim();
    let Some((from, to)) = first.split_once('-') else { return Range::Ignored };
    let (from, to) = (from.trim(), to.trim());
    let parsed = match (from.is_empty(), to.is_empty()) {
        // `bytes=-N`: the last N bytes.
        (true, false) => to.parse::<u64>().ok().map(|n| (size.saturating_sub(n), size.saturating_sub(1), n == 0)),
        (false, true) => from.parse::<u64>().ok().map(|start| (start, size.saturating_sub(1), false)),
        (false, false) => match (from.parse::<u64>(), to.parse::<u64>()) {
            (Ok(start), Ok(end)) if start <= end => Some((start, end.min(size.saturating_sub(1)), false)),
            _ => None,
        },
        (true, true) => None,
    };
    match parsed {
        None => Range::Ignored,
        Some((start, end, empty)) if empty || size == 0 || start >= size || start > end => Range::Unsatisfiable,
        Some((start, end, _)) => Range::Bytes { start, end },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_read_as_rfc_9110_says() {
        assert_eq!(parse_range("bytes=0-99", 1000), Range::Bytes { start: 0, end: 99 });
        assert_eq!(parse_range("bytes=900-", 1000), Range::Bytes { start: 900, end: 999 });
        assert_eq!(parse_range("bytes=-100", 1000), Range::Bytes { start: 900, end: 999 });
        assert_eq!(parse_range("bytes=990-5000", 1000), Range::Bytes { start: 990, end: 999 });
        assert_eq!(parse_range("bytes=0-0, 5-9", 1000), Range::Bytes { start: 0, end: 0 });
        assert_eq!(parse_range("bytes=1000-", 1000), Range::Unsatisfiable);
        assert_eq!(parse_range("bytes=-0", 1000), Range::Unsatisfiable);
        assert_eq!(parse_range("bytes=5-1", 1000), Range::Ignored);
        assert_eq!(parse_range("items=0-1", 1000), Range::Ignored);
    }
}
