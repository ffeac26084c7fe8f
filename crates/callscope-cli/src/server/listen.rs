//! Accepting connections and stopping cleanly.
//!
//! Our own accept loop over hyper's HTTP/1 server (rather than `axum::serve`) because it
//! gives what a server facing the network needs: a header timeout (a slow-loris client that
//! never finishes its headers is dropped), a cap on open connections, and draining them.
//!
//! On SIGTERM or SIGINT: stop accepting; refuse new uploads (503); stop the jobs in flight
//! (asynchronous ones stay written down and run after the next start; a waiting synchronous
//! client is answered 503 with Retry-After); close WebSocket clients with 1001; let open
//! requests finish.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use callscope::models::ModelStore;
use callscope::pipeline::Job;
use callscope::secrets::Keyring;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::events;
use super::live::LiveCalls;
use super::jobs::{Jobs, JobsOptions};
use super::routes::router;
use super::state::{AppState, Library};
use super::ServerOptions;

/// Longest a client may take to send a request's headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections open at once; more wait in the kernel's backlog until one closes.
const MAX_CONNECTIONS: usize = 256;
/// Longest the jobs in flight get to stop (Whisper notices within a second or two).
const JOB_STOP_LIMIT: Duration = Duration::from_secs(30);
/// Longest open requests and WebSocket clients get to finish once the jobs have stopped.
const DRAIN_LIMIT: Duration = Duration::from_secs(10);

/// Serve `options` until a stop signal.
pub async fn serve(options: ServerOptions) -> anyhow::Result<()> {
    let events = events::channel();
    if callscope::pipeline::has_unfinished_recordings(&options.recordings) {
        eprintln!("callscope serve: live recordings a crash cut short are in {}; `callscope recover` analyses and stores them", options.recordings.display());
    }
    let jobs = Jobs::start(JobsOptions {
        library: options.library.clone(),
        data_dir: options.data_dir.clone(),
        capacity: options.queue_capacity,
        config: Arc::clone(&options.config),
        events: events.clone(),
    })?;
    let state = AppState {
        library: Arc::new(Library::new(options.library.clone())),
        jobs: Arc::clone(&jobs),
        events,
        config: Arc::clone(&options.config),
        max_upload_bytes: options.max_upload_bytes,
        data_dir: options.data_dir.clone(),
        library_path: options.library.clone(),
        live: Arc::new(LiveCalls::new(options.recordings.clone())),
        model_loaded: Arc::new(AtomicBool::new(false)),
        model_error: Arc::new(Mutex::new(None)),
        stopping: CancellationToken::new(),
        websockets: TaskTracker::new(),
    };
    preload_model(&state);
    let app = router(state.clone(), options.token.map(Arc::new), &options.cors_origins)?;
    let listener = TcpListener::bind(options.bind)
        .await
        .with_context(|| format!("cannot listen on {}: is another server using that port? Choose another with --bind", options.bind))?;
    let local = listener.local_addr().context("reading the address the server listens on")?;
    // Said on stderr whatever the log level: scripts and tests read the port from it.
    eprintln!("callscope serve: listening on http://{local}");
    tracing::info!(%local, library = %options.library.display(), "serving");

    let open_connections = TaskTracker::new();
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&connections).acquire_owned() => permit.context("the connection limit was closed")?,
            () = &mut stop => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait a little instead of spinning.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let connection = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIMEOUT)
            .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app.clone()))
            .with_upgrades();
        let stopping = state.stopping.clone();
        open_connections.spawn(async move {
            let mut connection = std::pin::pin!(connection);
            let result = tokio::select! {
                result = connection.as_mut() => result,
                () = stopping.cancelled() => {
                    // Finish the request under way (if any), then close.
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(e) = result {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
            drop(permit);
        });
    }
    drop(listener);
    eprintln!("callscope serve: stopping; accepted jobs that did not finish run at the next start");
    jobs.stop(JOB_STOP_LIMIT).await;
    state.stopping.cancel();
    state.websockets.close();
    open_connections.close();
    let drained = async {
        open_connections.wait().await;
        state.websockets.wait().await;
    };
    if tokio::time::timeout(DRAIN_LIMIT, drained).await.is_err() {
        tracing::warn!("some connections were still open when the server stopped");
    }
    eprintln!("callscope serve: stopped");
    Ok(())
}

/// Load the speech model of the saved settings in the background, so the first upload does
/// not wait for it and `/readyz` can say when the server is ready.
fn preload_model(state: &AppState) {
    let (config, loaded, error) = (Arc::clone(&state.config), Arc::clone(&state.model_loaded), Arc::clone(&state.model_error));
    tokio::task::spawn_blocking(move || {
        let job = ModelStore::open_default()
            .map_err(|e| e.to_string())
            .and_then(|models| Job::from_settings(&config.get(), &models, &Keyring::os()).map_err(|e| e.to_string()));
        match job {
            Ok(job) => {
                tracing::info!(model = %job.plan().model, "speech model loaded");
                loaded.store(true, Ordering::SeqCst);
            }
            Err(e) => {
                tracing::warn!(error = %e, "the server is not ready");
                *error.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
            }
        }
    });
}

/// Resolves on SIGTERM or SIGINT (Ctrl-C).
async fn stop_signal() {
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminated() => {}
    }
}

#[cfg(unix)]
async fn terminated() {
    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(mut signal) => {
            signal.recv().await;
        }
        Err(e) => {
            tracing::warn!(error = %e, "SIGTERM cannot be caught; stop the server with Ctrl-C");
            std::future::pending::<()>().await;
        }
    }
}

/// Windows has no SIGTERM; Ctrl-C (and the console closing) stop the server.
#[cfg(not(unix))]
async fn terminated() {
    std::future::pending::<()>().await;
}
