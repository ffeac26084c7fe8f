//! The server's secret: read from a file, and checked on every request (WebSocket included)
//! in constant time.

use std::path::Path;
use std::sync::Arc;

use anyhow::Context;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use super::error::ApiError;

/// Shortest secret accepted: anything shorter can be guessed over the network.
const MIN_TOKEN_CHARS: usize = 16;

/// The secret clients send as `Authorization: Bearer SECRET`, kept only as its digest so
/// comparing it takes the same time whatever the guess (length included).
#[derive(Clone)]
pub struct Token {
    digest: [u8; 32],
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token(…)")
    }
}

impl Token {
    /// The secret in the file at `path` (surrounding whitespace ignored).
    pub fn read(path: &Path) -> anyhow::Result<Token> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the token file {}; create it with a secret of at least {MIN_TOKEN_CHARS} characters", path.display()))?;
        let secret = text.trim();
        if secret.chars().count() < MIN_TOKEN_CHARS {
            anyhow::bail!("the token file {} holds {} characters; put a secret of at least {MIN_TOKEN_CHARS} characters in it (e.g. `openssl rand -hex 32`)", path.display(), secret.chars().count());
        }
        warn_if_others_can_read(path);
        Ok(Token::new(secret))
    }

    fn new(secret: &str) -> Token {
        Token { digest: Sha256::digest(secret.as_bytes()).into() }
    }

    /// Whether `candidate` is the secret.
    fn matches(&self, candidate: &str) -> bool {
        let digest: [u8; 32] = Sha256::digest(candidate.as_bytes()).into();
        self.digest.ct_eq(&digest).into()
    }
}

#[cfg(unix)]
fn warn_if_others_can_read(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    if std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o044 != 0) {
        tracing::warn!(path = %path.display(), "the token file can be read by other users; `chmod 600` it");
    }
}

#[cfg(not(unix))]
fn warn_if_others_can_read(_: &Path) {}

/// Refuse a request without the right token (401), when the server has one. Browsers cannot
/// set headers on a WebSocket, so `/ws` also takes it as `?token=`.
pub async fn require_token(State(token): State<Option<Arc<Token>>>, request: Request, next: Next) -> Response {
    let Some(token) = token else { return next.run(request).await };
    let bearer = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer ").or_else(|| v.strip_prefix("bearer ")))
        .map(str::trim);
    let from_query = || {
        (request.uri().path() == "/ws")
            .then(|| request.uri().query())
            .flatten()
            .and_then(|q| q.split('&').find_map(|pair| pair.strip_prefix("token=")))
    };
    match bearer.or_else(from_query) {
        Some(candidate) if token.matches(candidate) => next.run(request).await,
        Some(_) => unauthorized("the token is not the server's; send the secret from its --token-file as `Authorization: Bearer SECRET`"),
        None => unauthorized("this server needs a token: send `Authorization: Bearer SECRET` with the secret from its --token-file"),
    }
}

fn unauthorized(detail: &str) -> Response {
    tracing::info!(detail, "request refused");
    ApiError::new(StatusCode::UNAUTHORIZED, "unauthorized", detail).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_secret_matches() {
        let token = Token::new("correct horse battery staple");
        assert!(token.matches("correct horse battery staple"));
        assert!(!token.matches("correct horse battery stapl"));
        assert!(!token.matches(""));
    }
}
