//! The call library over HTTP: list and search (the CLI's filters, paged by cursor), one call,
//! its export, its deletion, and the domain catalog.

use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use callscope::call::CatalogEntry;
use callscope::export::{export_call, CallExportFormat, PersonalData};
use callscope::store::{CallFilter, CallRow, CallSort, Paging, ShownCall, SnippetPart};
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::state::AppState;

/// Calls on a page unless `limit` says otherwise.
const DEFAULT_LIMIT: u32 = 50;
/// The largest page.
const MAX_LIMIT: u32 = 500;

/// A call's id from the path; anything but a number is answered 400 in JSON like every error.
pub struct CallId(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for CallId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<CallId, ApiError> {
        let Path(id) = Path::<i64>::from_request_parts(parts, state)
            .await
            .map_err(|e| ApiError::bad_request("invalid_id", format!("{}; a call's id is a number, as GET /api/calls lists them", e.body_text())))?;
        Ok(CallId(id))
    }
}

/// `GET /api/calls` parameters besides the filter's own (`domain`, `category`, `sentiment`,
/// `resolution`, `agent`, `since`, `until`, as `callscope calls list` takes them).
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// Words that must all occur (transcript, summary, names, topic); best match first.
    q: Option<String>,
    sort: Option<CallSort>,
    limit: Option<u32>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

/// A call in a list, with the passage that matched when searching.
#[derive(Debug, Serialize)]
pub struct ListedCall {
    #[serde(flatten)]
    call: CallRow,
    #[serde(skip_serializing_if = "Option::is_none")]
    snippet: Option<Vec<SnippetPart>>,
}

/// One page of calls; ask for the next with `?cursor=NEXT_CURSOR` and the same parameters.
#[derive(Debug, Serialize)]
pub struct CallPage {
    items: Vec<ListedCall>,
    next_cursor: Option<String>,
}

/// `GET /api/calls`.
pub async fn list(
    State(state): State<AppState>,
    filter: Result<Query<CallFilter>, QueryRejection>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Json<CallPage>, ApiError> {
    let Query(filter) = filter.map_err(invalid_query)?;
    let Query(query) = query.map_err(invalid_query)?;
    let limit = query.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
    let offset = match query.cursor.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(cursor) => parse_cursor(cursor)?,
        None => 0,
    };
    let words = query.q.filter(|q| !q.trim().is_empty());
    let page = state
        .library
        .with(move |store| match words {
            Some(words) => {
                // Search ranks by relevance and has no offset: read up to the end of this page.
                let wanted = u32::try_from(offset).unwrap_or(u32::MAX).saturating_add(limit).saturating_add(1);
                let hits = store.search(&words, &filter, wanted)?;
                let more = hits.len() > (offset as usize).saturating_add(limit as usize);
                let items = hits
                    .into_iter()
                    .skip(offset as usize)
                    .take(limit as usize)
                    .map(|hit| ListedCall { call: hit.call, snippet: Some(hit.snippet) })
                    .collect();
                Ok((items, more))
            }
            None => {
                let paging = Paging { sort: query.sort.unwrap_or_default(), limit, offset };
                let page = store.list_calls(&filter, paging)?;
                let items = page.items.into_iter().map(|call| ListedCall { call, snippet: None }).collect();
                Ok((items, page.has_more))
            }
        })
        .await?;
    let (items, more): (Vec<ListedCall>, bool) = page;
    let next_cursor = more.then(|| cursor(offset + items.len() as u64));
    Ok(Json(CallPage { items, next_cursor }))
}

/// A page's position as an opaque cursor (clients pass it back; they need not read it).
fn cursor(offset: u64) -> String {
    format!("o{offset}")
}

fn parse_cursor(text: &str) -> Result<u64, ApiError> {
    text.strip_prefix('o')
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| ApiError::bad_request("invalid_cursor", format!("cursor {text:?} is not one this server gave; pass `next_cursor` from the previous page")))
}

fn invalid_query(e: QueryRejection) -> ApiError {
    ApiError::bad_request("invalid_query", e.body_text())
}

/// `GET /api/calls/{id}`: the call as `callscope calls show --json` prints it.
pub async fn show(State(state): State<AppState>, CallId(id): CallId) -> Result<Json<ShownCall>, ApiError> {
    let shown = state.library.with(move |store| store.shown_call(id)?.ok_or_else(|| ApiError::no_call(id))).await?;
    Ok(Json(shown))
}

/// `GET /api/calls/{id}/export` parameters.
#[derive(Debug, Deserialize)]
pub struct ExportQuery {
    format: Option<CallExportFormat>,
    /// `true` writes personal data as the library keeps it; redacted by default, as in the CLI.
    unredacted: Option<bool>,
}

/// `GET /api/calls/{id}/export?format=json|csv|srt|vtt`.
pub async fn export(State(state): State<AppState>, CallId(id): CallId, query: Result<Query<ExportQuery>, QueryRejection>) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::bad_request("invalid_query", format!("{}; format is one of json, csv, srt, vtt", e.body_text())))?;
    let format = query.format.unwrap_or(CallExportFormat::Json);
    let personal = if query.unredacted.unwrap_or(false) { PersonalData::AsStored } else { PersonalData::Redact };
    let call = state.library.with(move |store| store.call(id)?.ok_or_else(|| ApiError::no_call(id))).await?;
    let text = export_call(&call, format, personal).map_err(|e| ApiError::internal(e.to_string()))?;
    let (content_type, extension) = match format {
        CallExportFormat::Json => ("application/json", "json"),
        CallExportFormat::Csv => ("text/csv; charset=utf-8", "csv"),
        CallExportFormat::Srt => ("application/x-subrip; charset=utf-8", "srt"),
        CallExportFormat::Vtt => ("text/vtt; charset=utf-8", "vtt"),
    };
    let disposition = format!("attachment; filename=\"call-{id}.{extension}\"");
    Ok(([(header::CONTENT_TYPE, content_type.to_string()), (header::CONTENT_DISPOSITION, disposition)], text).into_response())
}

/// `DELETE /api/calls/{id}`: the call, its transcript and fields, and the recording when this
/// server received it (a file the desktop app analysed in place is the user's and stays).
pub async fn delete(State(state): State<AppState>, CallId(id): CallId) -> Result<StatusCode, ApiError> {
    let audio = state
        .library
        .with(move |store| {
            let audio = store.audio_path(id)?;
            store.delete_call(id)?;
            Ok(audio)
        })
        .await?;
    tracing::info!(call = id, "call deleted");
    if let Some(audio) = audio.filter(|path| state.jobs.owns_upload(path)) {
        if let Some(dir) = audio.parent() {
            if let Err(e) = tokio::fs::remove_dir_all(dir).await {
                tracing::warn!(dir = %dir.display(), error = %e, "the deleted call's recording could not be removed");
            }
        }
    }
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/domains`: every domain/category pair detection chooses from.
pub async fn domains(State(state): State<AppState>) -> Result<Json<Vec<CatalogEntry>>, ApiError> {
    Ok(Json(state.library.with(|store| Ok(store.catalog()?.entries)).await?))
}
