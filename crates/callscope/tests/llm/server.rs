//! A loopback HTTP server on 127.0.0.1 that plays a provider: it records every request and
//! answers with what the test's handler says — a JSON reply, a delay, or a dropped connection.
//! It runs on its own thread and runtime, so tests drive the engine the way shells do.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::Value;

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    /// `GET`, `POST`, `DELETE`, …
    pub method: String,
    /// Path and query, e.g. `/v1beta/models/gemini-2.5-flash:generateContent`.
    pub uri: String,
    /// Header names (lowercase) and values, in order.
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// The body's bytes as sent (an uploaded WAV is not text).
    pub raw: Vec<u8>,
    pub at: Instant,
}

impl Received {
    /// The first value of header `name`.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Answer with a status, extra headers and a body.
    Answer { status: u16, headers: Vec<(&'static str, String)>, body: String },
    /// Wait, then do the inner reply (a client with a shorter timeout gives up first).
    After(Duration, Box<Reply>),
    /// Close the connection without answering.
    Drop,
}

impl Reply {
    /// 200 with a JSON body.
    pub fn ok(body: Value) -> Reply {
        Reply::Answer { status: 200, headers: Vec::new(), body: body.to_string() }
    }

    /// `status` with a JSON body.
    pub fn status(status: u16, body: Value) -> Reply {
        Reply::Answer { status, headers: Vec::new(), body: body.to_string() }
    }
}

/// Decides the reply to the n-th request (0-based) given everything received so far.
pub type Handler = Arc<dyn Fn(&Received, usize) -> Reply + Send + Sync>;

/// A running loopback server; it stops with the test process.
pub struct Server {
    addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    /// Start a server that answers with `handler`.
    pub fn start(handler: impl Fn(&Received, usize) -> Reply + Send + Sync + 'static) -> Server {
        let handler: Handler = Arc::new(handler);
        let received = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel();
        let log = Arc::clone(&received);
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().expect("server runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind loopback");
                tx.send(listener.local_addr().expect("address")).expect("report address");
                loop {
                    let Ok((stream, _)) = listener.accept().await else { continue };
                    let (handler, log) = (Arc::clone(&handler), Arc::clone(&log));
                    tokio::spawn(async move {
                        let service = service_fn(move |request| respond(request, Arc::clone(&handler), Arc::clone(&log)));
                        // A dropped connection ends here with an error: that is the point of it.
                        let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
                    });
                }
            });
        });
        let addr = rx.recv_timeout(Duration::from_secs(10)).expect("server started");
        Server { addr, received }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for Dropped {}

async fn respond(request: Request<Incoming>, handler: Handler, log: Arc<Mutex<Vec<Received>>>) -> Result<Response<Full<Bytes>>, Dropped> {
    let method = request.method().to_string();
    let uri = request.uri().to_string();
    let headers = request
        .headers()
        .iter()
        .map(|(n, v)| (n.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let raw = match request.into_body().collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => Vec::new(),
    };
    let body = String::from_utf8_lossy(&raw).into_owned();
    let received = Received { method, uri, headers, body, raw, at: Instant::now() };
    let n = {
        let mut log = log.lock().unwrap_or_else(|p| p.into_inner());
        log.push(received.clone());
        log.len() - 1
    };
    let mut reply = handler(&received, n);
    loop {
        match reply {
            Reply::After(wait, inner) => {
                tokio::time::sleep(wait).await;
                reply = *inner;
            }
            Reply::Drop => return Err(Dropped),
            Reply::Answer { status, headers, body } => {
                let mut response = Response::builder().status(status).header("content-type", "application/json");
                for (name, value) in headers {
                    response = response.header(name, value);
                }
                return Ok(response.body(Full::new(Bytes::from(body))).unwrap_or_else(|_| Response::new(Full::new(Bytes::new()))));
            }
        }
    }
}
