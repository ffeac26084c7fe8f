//! The HTTP server behind `callscope serve`: the original service's `POST /api/transcribe/`,
//! a JSON API over the call library, job progress and live captions over a WebSocket.
//!
//! Routes are thin over the engine, like the desktop's commands: uploads go through the same
//! `JobQueue` (one recording at a time), reads through the same `Store`. What is the server's
//! own is the HTTP: streaming uploads to disk, limits, the token, job records that survive a
//! restart (`spool`), and a clean stop.

mod audio;
mod auth;
mod error;
mod events;
mod health;
mod jobs;
mod library;
mod listen;
mod live;
mod openapi;
mod routes;
mod spool;
mod state;
mod transcribe;
mod upload;
mod ws;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use callscope::config::ConfigStore;

pub use auth::Token;

/// How the server runs; `callscope serve` fills it from its flags and the data folder.
pub struct ServerOptions {
    pub bind: SocketAddr,
    /// The secret every request must carry; `None` only on a loopback address.
    pub token: Option<Token>,
    pub max_upload_bytes: u64,
    /// Jobs accepted and not yet finished before uploads are refused with 503.
    pub queue_capacity: usize,
    /// Origins allowed by CORS; empty means no CORS headers at all.
    pub cors_origins: Vec<String>,
    /// The data folder: uploads and job records live beside the library.
    pub data_dir: PathBuf,
    pub library: PathBuf,
    /// Where live calls are recorded.
    pub recordings: PathBuf,
    pub config: Arc<ConfigStore>,
}

/// Serve until SIGTERM or SIGINT; returns once jobs in flight were stopped and recorded.
pub fn run(options: ServerOptions) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .thread_name("callscope-serve")
        .build()
        .context("starting the server's async runtime")?;
    runtime.block_on(listen::serve(options))
}
