//! `callscope serve`: the HTTP API over the engine (the original `POST /api/transcribe/`, the
//! call library, WebSocket progress). The server itself lives in `crate::server`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use callscope::config::{ConfigStore, DataLocation};
use clap::Args;

use crate::server::{self, ServerOptions, Token};

/// Arguments of `callscope serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// Address and port to listen on; any address but a loopback one needs --token-file.
    #[arg(long, default_value = "127.0.0.1:8000", value_name = "ADDR:PORT")]
    bind: SocketAddr,
    /// File holding the secret clients must send as `Authorization: Bearer SECRET` (at least
    /// 16 characters); required when binding off loopback, honoured on loopback too.
    #[arg(long, value_name = "FILE")]
    token_file: Option<PathBuf>,
    /// Largest recording accepted, in megabytes; larger uploads are answered 413.
    #[arg(long, default_value_t = 500, value_name = "MB")]
    max_upload_mb: u64,
    /// Recordings accepted and not yet analysed before new uploads are answered 503 with
    /// Retry-After.
    #[arg(long, default_value_t = 16, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=10_000))]
    queue: u32,
    /// Origins a browser may call the API from (CORS), e.g. https://intranet.example; none by default.
    #[arg(long, num_args = 1.., value_name = "ORIGIN")]
    cors: Vec<String>,
}

/// Serve until SIGTERM or SIGINT, then finish cleanly (accepted jobs are kept for the next start).
pub fn run(args: ServeArgs, config: ConfigStore, data: &DataLocation) -> anyhow::Result<ExitCode> {
    let token = match &args.token_file {
        Some(path) => Some(Token::read(path)?),
        None => None,
    };
    if token.is_none() && !args.bind.ip().is_loopback() {
        anyhow::bail!(
            "binding {} would open the call library to the network without a password: give --token-file FILE holding a secret of at least 16 characters (clients send it as `Authorization: Bearer SECRET`), or bind 127.0.0.1",
            args.bind
        );
    }
    let max_upload_bytes = args.max_upload_mb.checked_mul(1024 * 1024).context("--max-upload-mb is too large")?;
    let options = ServerOptions {
        bind: args.bind,
        token,
        max_upload_bytes,
        queue_capacity: args.queue as usize,
        cors_origins: args.cors,
        data_dir: data.dir.clone(),
        library: data.library(),
        recordings: data.recordings(),
        config: Arc::new(config),
    };
    server::run(options)?;
    Ok(ExitCode::SUCCESS)
}
