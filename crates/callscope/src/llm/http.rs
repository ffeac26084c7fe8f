//! The HTTP layer every remote provider shares: one reqwest client (rustls), a timeout on every
//! request, and retries with exponential backoff and jitter on 429, 5xx, timeouts and dropped
//! connections, honouring `Retry-After`. Errors name the provider and the stage and never hold
//! the API key.
//!
//! Cancelling is dropping: the pipeline drops a provider call's future when its job is
//! cancelled, which aborts the request in flight (or the wait before a retry).

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, RETRY_AFTER};
use reqwest::StatusCode;

use super::{LlmError, LlmStage};

/// An API key. It goes only into its request header; `Debug` never shows it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// A key as pasted (surrounding spaces and line breaks dropped).
    pub fn new(key: &str) -> ApiKey {
        ApiKey(key.trim().to_string())
    }

    /// No key (a local server that needs none).
    pub fn none() -> ApiKey {
        ApiKey(String::new())
    }

    /// Whether there is no key.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() { "ApiKey(none)" } else { "ApiKey(<hidden>)" })
    }
}

/// How requests to a remote provider are timed and retried.
#[derive(Debug, Clone, PartialEq)]
pub struct HttpOptions {
    /// Longest wait for one request's whole answer (models can take a while to write one).
    pub timeout: Duration,
    /// Attempts per request, the first included.
    pub attempts: u32,
    /// The wait before the first retry; each later retry waits about twice as long.
    pub backoff_base: Duration,
    /// Longest wait before a retry. A server asking (`Retry-After`) for longer ends the
    /// retries with an error saying how long it asked for.
    pub max_wait: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            timeout: Duration::from_secs(120),
            attempts: 4,
            backoff_base: Duration::from_secs(1),
            max_wait: Duration::from_secs(60),
        }
    }
}

/// A request's final answer: any status that is not worth retrying, or the last one.
#[derive(Debug)]
pub(crate) struct Reply {
    pub status: StatusCode,
    pub body: Vec<u8>,
    /// How long a refusing server asked to wait (`Retry-After`).
    pub retry_after: Option<Duration>,
    pub headers: HeaderMap,
}

impl Reply {
    /// The body as text, for error messages.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// One request beyond the usual JSON POST: its method, its own headers, whether the key goes
/// along (not to an address the provider's answer named on another host), and its own timeout.
#[derive(Debug, Clone)]
pub(crate) struct Outgoing<'a> {
    pub method: reqwest::Method,
    pub url: &'a str,
    pub content_type: &'a str,
    pub headers: &'a [(&'static str, String)],
    pub with_key: bool,
    pub timeout: Option<Duration>,
}

impl<'a> Outgoing<'a> {
    /// A plain POST of `content_type` to `url`, with the key.
    pub fn post(url: &'a str, content_type: &'a str) -> Outgoing<'a> {
        Outgoing { method: reqwest::Method::POST, url, content_type, headers: &[], with_key: true, timeout: None }
    }
}

/// What went wrong with one attempt, kept to describe the last one when retries run out.
enum Failure {
    Status { status: StatusCode, retry_after: Option<Duration> },
    Timeout,
    Transport(String),
}

/// Where a provider's key goes: the one header that carries it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KeyHeader {
    pub name: &'static str,
    /// Written before the key, e.g. `Bearer `.
    pub prefix: &'static str,
}

/// One provider's HTTP client.
pub(crate) struct HttpClient {
    client: reqwest::Client,
    options: HttpOptions,
    provider: String,
    key: ApiKey,
    /// The key's header, marked sensitive; `None` when there is no key.
    key_header: Option<(HeaderName, HeaderValue)>,
}

impl HttpClient {
    /// A client for `provider` (its name in messages) that sends `key` in `header` with every
    /// request and scrubs it from every message.
    pub fn new(provider: &str, key: &ApiKey, header: KeyHeader, options: HttpOptions) -> Result<HttpClient, LlmError> {
        let setup = |detail: String| LlmError::Setup { provider: provider.to_string(), detail };
        let key_header = if key.is_empty() {
            None
        } else {
            let mut value = HeaderValue::from_str(&format!("{}{}", header.prefix, key.expose()))
                .map_err(|_| setup("the API key holds characters a request header cannot carry; enter it again".into()))?;
            value.set_sensitive(true);
            Some((HeaderName::from_static(header.name), value))
        };
        let client = reqwest::Client::builder()
            .timeout(options.timeout)
            .connect_timeout(options.timeout.min(Duration::from_secs(15)))
            .build()
            .map_err(|e| setup(format!("the HTTP client could not be set up ({})", chain(e))))?;
        Ok(HttpClient { client, options, provider: provider.to_string(), key: key.clone(), key_header })
    }

    /// The provider's name in messages.
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// POST `body` as JSON to `url` (with the key's header), retrying what is worth retrying.
    /// Any final status comes back as a `Reply`: the caller knows what its provider's 4xx mean.
    pub async fn post_json(&self, stage: LlmStage, url: &str, body: &serde_json::Value) -> Result<Reply, LlmError> {
        self.post(stage, url, "application/json", body.to_string().into_bytes()).await
    }

    /// POST `payload` of `content_type` to `url` (with the key's header), retrying what is
    /// worth retrying; the same bytes go out on every attempt (multipart uploads included).
    pub async fn post(&self, stage: LlmStage, url: &str, content_type: &str, payload: Vec<u8>) -> Result<Reply, LlmError> {
        self.send(stage, &Outgoing::post(url, content_type), payload.into()).await
    }

    /// Send as `outgoing` says (another method, extra headers, the key or not, a longer timeout for a large
    /// upload), retrying what is worth retrying; the reply keeps its headers.
    pub async fn send(&self, stage: LlmStage, outgoing: &Outgoing<'_>, payload: bytes::Bytes) -> Result<Reply, LlmError> {
        let mut attempt = 1;
        loop {
            let failure = match self.send_once(outgoing, payload.clone()).await {
                Ok(reply) if !is_transient(reply.status) => return Ok(reply),
                Ok(reply) => Failure::Status { status: reply.status, retry_after: reply.retry_after },
                Err(e) if e.is_timeout() => Failure::Timeout,
                Err(e) => Failure::Transport(self.scrub(&chain(e))),
            };
            let asked = match &failure {
                Failure::Status { retry_after, .. } => *retry_after,
                _ => None,
            };
            if let Some(asked) = asked.filter(|a| *a > self.options.max_wait) {
                return Err(self.rate_limited(stage, format!("it asks to wait {} s before the next request", asked.as_secs())));
            }
            if attempt >= self.options.attempts {
                return Err(self.gave_up(stage, &failure, attempt));
            }
            let wait = asked.unwrap_or_default().max(backoff(&self.options, attempt));
            tracing::warn!(provider = %self.provider, %stage, attempt, wait_ms = wait.as_millis() as u64, reason = %describe(&failure), "retrying a provider request");
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }

    async fn send_once(&self, outgoing: &Outgoing<'_>, payload: bytes::Bytes) -> Result<Reply, reqwest::Error> {
        let mut request = self.client.request(outgoing.method.clone(), outgoing.url).header(CONTENT_TYPE, outgoing.content_type);
        if let Some((name, value)) = self.key_header.as_ref().filter(|_| outgoing.with_key) {
            request = request.header(name, value);
        }
        for (name, value) in outgoing.headers {
            request = request.header(*name, value.as_str());
        }
        if let Some(timeout) = outgoing.timeout {
            request = request.timeout(timeout);
        }
        let response = request.body(payload).send().await?;
        let status = response.status();
        let retry_after = response.headers().get(RETRY_AFTER).and_then(|v| v.to_str().ok()).and_then(|v| parse_retry_after(v.trim()));
        let headers = response.headers().clone();
        let body = response.bytes().await?.to_vec();
        Ok(Reply { status, body, retry_after, headers })
    }

    /// The timeout this client's requests have.
    pub fn timeout(&self) -> Duration {
        self.options.timeout
    }

    /// The error for a final status that is not a success (401/403: the key; else the
    /// server's own message).
    pub fn refusal(&self, stage: LlmStage, reply: &Reply) -> LlmError {
        if matches!(reply.status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
            return LlmError::Unauthorized { provider: self.provider.clone(), stage };
        }
        LlmError::Rejected { provider: self.provider.clone(), stage, detail: format!("{}: {}", reply.status, self.server_message(reply)) }
    }

    /// The server's explanation in a reply: `error.message` where both APIs put it, else the
    /// start of the body; never the key.
    pub fn server_message(&self, reply: &Reply) -> String {
        let text = reply.text();
        let message = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v.pointer("/error/message").and_then(|m| m.as_str()).map(str::to_string))
            .unwrap_or_else(|| text.chars().take(300).collect());
        self.scrub(message.trim())
    }

    /// An answer that could not be read.
    pub fn bad_response(&self, stage: LlmStage, detail: impl Into<String>) -> LlmError {
        LlmError::BadResponse { provider: self.provider.clone(), stage, detail: self.scrub(&detail.into()) }
    }

    fn rate_limited(&self, stage: LlmStage, detail: String) -> LlmError {
        LlmError::RateLimited { provider: self.provider.clone(), stage, detail }
    }

    fn gave_up(&self, stage: LlmStage, failure: &Failure, attempts: u32) -> LlmError {
        let tries = if attempts == 1 { "once".to_string() } else { format!("{attempts} times") };
        match failure {
            Failure::Status { status, .. } if *status == StatusCode::TOO_MANY_REQUESTS => {
                self.rate_limited(stage, format!("it refused {tries}"))
            }
            Failure::Status { status, .. } => LlmError::Unreachable {
                provider: self.provider.clone(),
                stage,
                detail: format!("it answered {status} {tries}"),
            },
            Failure::Timeout => LlmError::Unreachable {
                provider: self.provider.clone(),
                stage,
                detail: format!("no answer within {:.1} s, {tries}", self.options.timeout.as_secs_f64()),
            },
            Failure::Transport(detail) => LlmError::Unreachable {
                provider: self.provider.clone(),
                stage,
                detail: format!("{detail} ({tries})"),
            },
        }
    }

    /// `text` without the key, should a server or a library ever echo it.
    fn scrub(&self, text: &str) -> String {
        if self.key.is_empty() { text.to_string() } else { text.replace(self.key.expose(), "[API key]") }
    }
}

/// 408, 429 and 5xx are worth another try; everything else is the answer.
fn is_transient(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::REQUEST_TIMEOUT || status.is_server_error()
}

/// `Retry-After` as seconds or an HTTP date.
fn parse_retry_after(value: &str) -> Option<Duration> {
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = time::OffsetDateTime::parse(value, &time::format_description::well_known::Rfc2822).ok()?;
    let left = at - time::OffsetDateTime::now_utc();
    Some(Duration::try_from(left).unwrap_or_default())
}

/// Exponential backoff with jitter: about `base · 2^(attempt-1)`, between half and all of it,
/// never more than `max_wait`.
fn backoff(options: &HttpOptions, attempt: u32) -> Duration {
    let full = options.backoff_base.saturating_mul(1u32 << (attempt - 1).min(16)).min(options.max_wait);
    let half = full / 2;
    half + half.mul_f64(fastrand::f64())
}

fn describe(failure: &Failure) -> String {
    match failure {
        Failure::Status { status, .. } => status.to_string(),
        Failure::Timeout => "timed out".into(),
        Failure::Transport(detail) => detail.clone(),
    }
}

/// An error with its causes, without the URL (the message names the provider already).
fn chain(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_read_as_seconds_or_as_a_date() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"), Some(Duration::ZERO), "a date in the past means now");
        assert_eq!(parse_retry_after("soon"), None);
    }

    #[test]
    fn backoff_doubles_with_jitter_and_stays_under_the_bound() {
        let options = HttpOptions { backoff_base: Duration::from_millis(100), max_wait: Duration::from_millis(500), ..HttpOptions::default() };
        for _ in 0..50 {
            let first = backoff(&options, 1);
            assert!((Duration::from_millis(50)..=Duration::from_millis(100)).contains(&first), "{first:?}");
            let third = backoff(&options, 3);
            assert!((Duration::from_millis(200)..=Duration::from_millis(400)).contains(&third), "{third:?}");
            assert!(backoff(&options, 30) <= Duration::from_millis(500));
        }
    }

    #[test]
    fn a_key_is_never_shown_by_debug_and_is_scrubbed_from_messages() {
        let key = ApiKey::new(" sk-secret-123456 \n");
        assert_eq!(format!("{key:?}"), "ApiKey(<hidden>)");
        let header = KeyHeader { name: "authorization", prefix: "Bearer " };
        let client = HttpClient::new("Test", &key, header, HttpOptions::default()).expect("client");
        let reply = Reply { status: StatusCode::BAD_REQUEST, body: br#"{"error":{"message":"bad key sk-secret-123456"}}"#.to_vec(), retry_after: None, headers: HeaderMap::new() };
        let message = client.refusal(LlmStage::Analysis, &reply).to_string();
        assert!(!message.contains("sk-secret"), "{message}");
        assert!(message.contains("[API key]"), "{message}");
    }
}
