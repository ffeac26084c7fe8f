//! `GET /healthz` (the process answers) and `GET /readyz` (it can do the work: the speech
//! model is loaded, the library opens and its folder can be written).

use std::sync::atomic::Ordering;

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

use super::state::AppState;

/// `/readyz`'s answer: each check with what is wrong when it fails.
#[derive(Debug, Serialize)]
pub struct Readiness {
    ready: bool,
    model: Check,
    library: Check,
}

#[derive(Debug, Serialize)]
struct Check {
    ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<String>,
}

impl Check {
    fn from(result: Result<(), String>) -> Check {
        match result {
            Ok(()) => Check { ok: true, detail: None },
            Err(detail) => Check { ok: false, detail: Some(detail) },
        }
    }
}

/// `GET /healthz`.
pub async fn healthz() -> Json<serde_json::Value> {
    Json(serde_json::json!({ "status": "ok" }))
}

/// `GET /readyz`: 200 when ready, 503 with the failing checks otherwise.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Readiness>) {
    let model = if state.model_loaded.load(Ordering::SeqCst) {
        Ok(())
    } else {
        let error = state.model_error.lock().unwrap_or_else(|p| p.into_inner()).clone();
        Err(error.unwrap_or_else(|| "the speech model is still loading".to_string()))
    };
    // The library opens (its schema is current) and its folder takes new files (WAL, uploads).
    let data_dir = state.data_dir.clone();
    let library = state
        .library
        .with(move |_| callscope::config::check_writable(&data_dir).map_err(|e| super::error::ApiError::internal(e.to_string())))
        .await
        .map_err(|e| e.detail);
    let readiness = Readiness { ready: model.is_ok() && library.is_ok(), model: Check::from(model), library: Check::from(library) };
    let status = if readiness.ready { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(readiness))
}
