//! Every route, and the layers around them: the token on all of them, CORS when origins are
//! listed, JSON for anything unknown.

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::routing::{get, post};
use axum::{middleware, Router};
use tower_http::cors::{AllowOrigin, CorsLayer};

use super::auth::{require_token, Token};
use super::error::ApiError;
use super::state::AppState;
use super::{audio, health, library, live, openapi, transcribe, ws};

/// The paths this server answers, as the OpenAPI document lists them (checked by a test).
#[cfg(test)]
pub const PATHS: [&str; 13] = [
    "/api/transcribe/",
    "/api/transcribe",
    "/api/jobs/{id}",
    "/api/calls",
    "/api/calls/{id}",
    "/api/calls/{id}/audio",
    "/api/calls/{id}/export",
    "/api/domains",
    "/api/live",
    "/api/openapi.json",
    "/healthz",
    "/readyz",
    "/ws",
];

/// The application: routes over `state`, behind the token (when there is one) and CORS.
pub fn router(state: AppState, token: Option<Arc<Token>>, cors_origins: &[String]) -> anyhow::Result<Router> {
    // Uploads are limited while they stream (`upload`), not by a buffer size.
    let upload = post(transcribe::transcribe).layer(DefaultBodyLimit::disable());
    let router = Router::new()
        .route("/api/transcribe/", upload.clone())
        .route("/api/transcribe", upload)
        .route("/api/jobs/{id}", get(transcribe::job))
        .route("/api/calls", get(library::list))
        .route("/api/calls/{id}", get(library::show).delete(library::delete))
        .route("/api/calls/{id}/audio", get(audio::audio))
        .route("/api/calls/{id}/export", get(library::export))
        .route("/api/domains", get(library::domains))
        .route("/api/live", post(live::start).delete(live::stop))
        .route("/api/openapi.json", get(openapi::document))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/ws", get(ws::ws))
        .fallback(not_found)
        .with_state(state)
        .layer(middleware::from_fn_with_state(token, require_token));
    if cors_origins.is_empty() {
        return Ok(router);
    }
    Ok(router.layer(cors(cors_origins)?))
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route; the routes are listed at GET /api/openapi.json")
}

/// CORS for exactly these origins (outermost, so a browser's preflight needs no token).
fn cors(origins: &[String]) -> anyhow::Result<CorsLayer> {
    let origins = origins
        .iter()
        .map(|origin| {
            let origin = origin.trim().trim_end_matches('/');
            if !(origin.starts_with("http://") || origin.starts_with("https://")) {
                anyhow::bail!("--cors {origin:?} is not an origin; write it as https://host[:port]");
            }
            HeaderValue::from_str(origin).map_err(|_| anyhow::anyhow!("--cors {origin:?} is not a valid origin"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST, Method::DELETE])
        .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::RANGE])
        .expose_headers([header::CONTENT_RANGE, header::ACCEPT_RANGES, header::RETRY_AFTER, header::LOCATION, header::CONTENT_DISPOSITION]))
}
