//! `POST /api/transcribe/`, the original service's route: a recording in, its analysis out
//! (or, with `?async=true`, a job id at once), and `GET /api/jobs/{id}` for such a job.

use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use callscope::call::ServiceResponse;
use callscope::config::{ProviderChoice, SettingsOverrides};
use callscope::models::ModelStore;
use callscope::pipeline::{JobPlan, PipelineError};
use callscope::progress::Stage;
use serde::{Deserialize, Serialize};

use super::error::{failure_status, ApiError};
use super::jobs::Snapshot;
use super::spool::Outcome;
use super::state::AppState;
use super::upload::{read_form, too_large};

/// Room for the multipart envelope and text fields around the recording, in a Content-Length.
const ENVELOPE_BYTES: u64 = 64 * 1024;

/// `?async=true` answers 202 with a job id instead of waiting for the analysis.
#[derive(Debug, Default, Deserialize)]
pub struct TranscribeQuery {
    #[serde(rename = "async")]
    asynchronous: Option<String>,
}

/// A job as `GET /api/jobs/{id}` and the 202 answer show it.
#[derive(Debug, Serialize)]
pub struct JobView {
    pub job_id: String,
    pub file_name: String,
    /// `queued`, `running`, `done` or `failed`.
    pub status: &'static str,
    pub accepted_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<Stage>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fraction: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<JobError>,
    /// The analysis, in the shape `POST /api/transcribe/` answers, once the job is done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<ServiceResponse>,
}

/// Why a job failed.
#[derive(Debug, Serialize)]
pub struct JobError {
    pub code: String,
    pub detail: String,
}

/// `POST /api/transcribe/`: the multipart field `file`, optional `provider`, `model`,
/// `swap_channels`.
pub async fn transcribe(
    State(state): State<AppState>,
    query: Result<Query<TranscribeQuery>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::bad_request("invalid_query", e.body_text()))?;
    let asynchronous = parse_flag("async", query.asynchronous.as_deref())?.unwrap_or(false);
    let slot = state.jobs.reserve()?;
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    // Refused on its headers alone: a body this large is never read.
    if declared.is_some_and(|bytes| bytes > state.max_upload_bytes.saturating_add(ENVELOPE_BYTES)) {
        return Err(too_large(state.max_upload_bytes));
    }
    let form = form.map_err(|e| {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "not_multipart",
            format!("send the recording as multipart/form-data with the field `file` (e.g. curl -F file=@call.wav); {}", e.body_text()),
        )
    })?;
    let form = read_form(form, &slot.dir, state.max_upload_bytes).await?;
    let Some((_, file_name)) = form.file.clone() else {
        return Err(ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "missing_file",
            "the form has no `file` field: send the recording as multipart/form-data field `file` (e.g. curl -F file=@call.wav)",
        ));
    };
    let overrides = overrides(&form).map_err(|e| e.about(&file_name))?;
    check_plan(&state, &overrides).map_err(|e| e.about(&file_name))?;
    let mut receiver = state.jobs.submit(slot, &file_name, overrides, asynchronous)?;
    if asynchronous {
        let snapshot = receiver.borrow().clone();
        let location = format!("/api/jobs/{}", snapshot.record.job_id);
        let view = view(&state, snapshot).await?;
        return Ok((StatusCode::ACCEPTED, [(header::LOCATION, location)], Json(view)).into_response());
    }
    let finished = receiver
        .wait_for(|s| s.record.outcome.is_final())
        .await
        .map_err(|_| ApiError::internal(format!("{file_name}: the job was lost; send it again")))?
        .clone();
    match finished.record.outcome {
        Outcome::Done { call_id } => Ok(Json(service_response(&state, call_id).await?).into_response()),
        Outcome::Failed { detail, code, http_status } => Err(failure(&code, detail, http_status, &file_name)),
        Outcome::Queued => Err(ApiError::internal(format!("{file_name}: the job ended without a result; send it again"))),
    }
}

/// `GET /api/jobs/{id}`: a job's state, and its result once done.
pub async fn job(State(state): State<AppState>, Path(job_id): Path<String>) -> Result<Json<JobView>, ApiError> {
    let snapshot = state
        .jobs
        .get(&job_id)
        .ok_or_else(|| ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("there is no job {job_id:?} on this server (finished jobs are kept for a week)")))?;
    Ok(Json(view(&state, snapshot).await?))
}

async fn view(state: &AppState, snapshot: Snapshot) -> Result<JobView, ApiError> {
    let record = snapshot.record;
    let mut view = JobView {
        job_id: record.job_id,
        file_name: record.file_name,
        status: "queued",
        accepted_at: record.accepted_at,
        stage: None,
        fraction: None,
        call_id: None,
        error: None,
        result: None,
    };
    match record.outcome {
        Outcome::Queued => {
            if let Some((stage, fraction)) = snapshot.progress {
                (view.status, view.stage, view.fraction) = ("running", Some(stage), Some(fraction));
            }
        }
        Outcome::Done { call_id } => {
            view.status = "done";
            view.call_id = Some(call_id);
            // A call deleted since has no result any more; the job still says it was done.
            view.result = match service_response(state, call_id).await {
                Ok(result) => Some(result),
                Err(e) if e.status == StatusCode::NOT_FOUND => None,
                Err(e) => return Err(e),
            };
        }
        Outcome::Failed { detail, code, .. } => {
            view.status = "failed";
            view.error = Some(JobError { code, detail });
        }
    }
    Ok(view)
}

async fn service_response(state: &AppState, call_id: i64) -> Result<ServiceResponse, ApiError> {
    let call = state.library.with(move |store| store.call(call_id)?.ok_or_else(|| ApiError::no_call(call_id))).await?;
    Ok(ServiceResponse::from(call))
}

/// The error a finished job's failure is answered with.
fn failure(code: &str, detail: String, http_status: u16, file_name: &str) -> ApiError {
    let status = StatusCode::from_u16(http_status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let error = ApiError::new(status, code.to_string(), detail).about(file_name);
    match status {
        StatusCode::SERVICE_UNAVAILABLE => ApiError { retry_after_s: Some(30), ..error },
        _ => error,
    }
}

/// The choices the form makes over the server's settings.
fn overrides(form: &super::upload::UploadForm) -> Result<SettingsOverrides, ApiError> {
    let provider = form
        .field("provider")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<ProviderChoice>().map_err(|e| ApiError::bad_request("invalid_field", format!("provider: {e}"))))
        .transpose()?;
    let model = form.field("model").map(str::trim).filter(|m| !m.is_empty()).map(str::to_string);
    let swap_channels = parse_flag("swap_channels", form.field("swap_channels"))?;
    Ok(SettingsOverrides { model, provider, swap_channels, ..SettingsOverrides::default() })
}

/// Refuse, before queueing, a job that cannot run: a model that is not installed, a setting
/// that cannot be used. The request's own choice is the client's fault (400); the server's
/// saved settings are the server's (503).
fn check_plan(state: &AppState, overrides: &SettingsOverrides) -> Result<(), ApiError> {
    let settings = overrides.apply(state.config.get()).map_err(|e| ApiError::bad_request("invalid_field", e.to_string()))?;
    let models = ModelStore::open_default().map_err(|e| ApiError::unavailable("not_set_up", format!("the speech models cannot be found: {e}"), 60))?;
    match JobPlan::from_settings(&settings, &models) {
        Ok(_) => Ok(()),
        Err(e) if overrides.model.is_some() && matches!(e, PipelineError::Model { .. }) => {
            Err(ApiError::bad_request("unknown_model", format!("{e}; choose a model this server has installed, or leave `model` out")))
        }
        Err(e) => {
            let (status, code) = failure_status(e.kind());
            Err(ApiError { retry_after_s: (status == StatusCode::SERVICE_UNAVAILABLE).then_some(60), ..ApiError::new(status, code, e.to_string()) })
        }
    }
}

/// A yes/no field or parameter: true/false, 1/0, yes/no, on/off.
fn parse_flag(name: &str, value: Option<&str>) -> Result<Option<bool>, ApiError> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else { return Ok(None) };
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(Some(true)),
        "false" | "0" | "no" | "off" => Ok(Some(false)),
        _ => Err(ApiError::bad_request("invalid_field", format!("{name} is {value:?}; send true or false"))),
    }
}
