//! `GET /ws`: job messages (`progress`, `stored`, `error`) as JSON text frames, for every job
//! or, with `?job=ID`, for one. A client that falls `CLIENT_BUFFER` messages behind, or does
//! not take a message within `SEND_TIMEOUT`, is closed with code 1008 and a reason saying so,
//! instead of the server keeping its messages without bound; at shutdown clients get 1001.

use std::time::Duration;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;

use super::error::ApiError;
use super::state::AppState;

/// Longest a client may leave one message unread.
const SEND_TIMEOUT: Duration = Duration::from_secs(10);
/// Close code for a client too slow to keep up (RFC 6455: policy violation).
const TOO_SLOW: u16 = 1008;
/// Close code when the server stops (RFC 6455: going away).
const GOING_AWAY: u16 = 1001;

/// `/ws` parameters.
#[derive(Debug, Default, Deserialize)]
pub struct WsQuery {
    /// Only this job's messages.
    job: Option<String>,
}

/// Upgrade to a WebSocket that relays job messages.
pub async fn ws(
    State(state): State<AppState>,
    Query(query): Query<WsQuery>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let upgrade = upgrade.map_err(|e| ApiError::new(StatusCode::UPGRADE_REQUIRED, "not_websocket", format!("{}; connect with a WebSocket client", e.body_text())))?;
    Ok(upgrade.max_message_size(64 * 1024).on_upgrade(move |socket| relay(socket, state, query.job)))
}

async fn relay(mut socket: WebSocket, state: AppState, job: Option<String>) {
    let _running = state.websockets.token();
    let mut events = state.events.subscribe();
    tracing::info!(job = ?job, "WebSocket client connected");
    let close = loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(event) if job.as_ref().is_none_or(|j| *j == event.job_id) => {
                    match tokio::time::timeout(SEND_TIMEOUT, socket.send(Message::Text(event.json.clone().into()))).await {
                        Ok(Ok(())) => {}
                        Ok(Err(_)) => return,
                        Err(_) => break Some((TOO_SLOW, format!("messages were not read for {} s; reconnect and read GET /api/jobs/{{id}}", SEND_TIMEOUT.as_secs()))),
                    }
                }
                Ok(_) => {}
                Err(RecvError::Lagged(missed)) => {
                    break Some((TOO_SLOW, format!("too slow: {missed} messages were dropped; reconnect and read GET /api/jobs/{{id}}")));
                }
                Err(RecvError::Closed) => break Some((GOING_AWAY, "the server is stopping".to_string())),
            },
            incoming = socket.recv() => match incoming {
                // Pings are answered by the protocol layer; anything the client says is ignored.
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
            () = state.stopping.cancelled() => break Some((GOING_AWAY, "the server is stopping".to_string())),
        }
    };
    if let Some((code, reason)) = close {
        tracing::info!(code, %reason, "closing a WebSocket client");
        let frame = CloseFrame { code, reason: reason.into() };
        let _ = tokio::time::timeout(Duration::from_secs(2), socket.send(Message::Close(Some(frame)))).await;
    }
}
