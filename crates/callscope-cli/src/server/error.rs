//! Errors as the API answers them: a status code and a JSON body whose `detail` says what is
//! wrong and what to do (the original service's FastAPI clients read `detail`), with a stable
//! `code` for programs and the `file` concerned. Never a stack trace.

use std::borrow::Cow;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use callscope::pipeline::FailureKind;
use callscope::store::StoreError;
use serde::Serialize;

/// A failed request.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    /// Stable for programs: `invalid_audio`, `too_large`, `busy`, `not_found`, …
    pub code: Cow<'static, str>,
    /// For people: what is wrong and what to do, naming the file or call.
    pub detail: String,
    /// The uploaded file's name, when the error concerns one.
    pub file: Option<String>,
    /// Seconds to wait before trying again (503).
    pub retry_after_s: Option<u64>,
}

#[derive(Serialize)]
struct Body<'a> {
    detail: &'a str,
    code: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    file: Option<&'a str>,
}

impl ApiError {
    /// An error with this status, code and message.
    pub fn new(status: StatusCode, code: impl Into<Cow<'static, str>>, detail: impl Into<String>) -> ApiError {
        ApiError { status, code: code.into(), detail: detail.into(), file: None, retry_after_s: None }
    }

    /// The same error, about the uploaded file `name`.
    pub fn about(mut self, name: &str) -> ApiError {
        self.file = Some(name.to_string());
        self
    }

    /// 400: the request cannot be used as sent.
    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, detail)
    }

    /// 404 for a call that is not in the library.
    pub fn no_call(id: i64) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("there is no call with id {id}; list them with GET /api/calls"))
    }

    /// 503 with Retry-After: come back later.
    pub fn unavailable(code: &'static str, detail: impl Into<String>, retry_after_s: u64) -> ApiError {
        ApiError { retry_after_s: Some(retry_after_s.max(1)), ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, code, detail) }
    }

    /// 500 for a fault of the server's own; the detail is logged and said plainly.
    pub fn internal(detail: impl Into<String>) -> ApiError {
        let detail = detail.into();
        tracing::error!(%detail, "request failed");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", detail)
    }
}

/// The status and code for a job's failure: the file's fault is the client's (4xx), a missing
/// model or key is the server's setup (503), a remote provider's fault is a bad gateway.
pub fn failure_status(kind: FailureKind) -> (StatusCode, &'static str) {
    match kind {
        FailureKind::InvalidAudio => (StatusCode::BAD_REQUEST, "invalid_audio"),
        FailureKind::NoSpeech => (StatusCode::UNPROCESSABLE_ENTITY, "no_speech"),
        FailureKind::Setup => (StatusCode::SERVICE_UNAVAILABLE, "not_set_up"),
        FailureKind::Remote => (StatusCode::BAD_GATEWAY, "provider_failed"),
        FailureKind::Cancelled => (StatusCode::SERVICE_UNAVAILABLE, "stopped"),
        FailureKind::Internal => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match &e {
            StoreError::CallNotFound { id } => ApiError::no_call(*id),
            // The desktop app or a CLI run holds the write lock: a moment later it is free.
            StoreError::Locked { .. } => ApiError::unavailable("library_busy", e.to_string(), 2),
            _ => ApiError::internal(e.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = Body { detail: &self.detail, code: &self.code, file: self.file.as_deref() };
        let mut response = (self.status, Json(body)).into_response();
        if let Some(seconds) = self.retry_after_s {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
