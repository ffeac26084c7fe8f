//! What every route shares: the library connection, the jobs, the event channel, the limits.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use callscope::config::ConfigStore;
use callscope::store::Store;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

use super::error::ApiError;
use super::events::Events;
use super::jobs::Jobs;

/// The routes' shared state.
#[derive(Clone)]
pub struct AppState {
    pub library: Arc<Library>,
    pub jobs: Arc<Jobs>,
    pub events: Events,
    pub config: Arc<ConfigStore>,
    pub max_upload_bytes: u64,
    /// The data folder (library, uploads, job records).
    pub data_dir: PathBuf,
    /// Set once the speech model of the saved settings is loaded (`/readyz`).
    pub model_loaded: Arc<AtomicBool>,
    /// Why the model could not be loaded, when it could not.
    pub model_error: Arc<Mutex<Option<String>>>,
    /// Cancelled when the server stops: WebSocket clients are told and closed.
    pub stopping: CancellationToken,
    /// The WebSocket clients' relays, waited for at shutdown so each hears why it is closed.
    pub websockets: TaskTracker,
}

/// The connection routes read (and delete) through; the analysis worker writes through its
/// own, and SQLite's WAL lets both work at once, with the desktop app too.
pub struct Library {
    path: PathBuf,
    store: Mutex<Option<Store>>,
}

impl Library {
    /// The library at `path`, opened on first use.
    pub fn new(path: PathBuf) -> Library {
        Library { path, store: Mutex::new(None) }
    }

    /// Run `f` on the library on a blocking thread (SQLite blocks), opening it first if needed;
    /// a failed open is tried again on the next request.
    pub async fn with<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut Store) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let library = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let mut guard = library.store.lock().unwrap_or_else(|p| p.into_inner());
            if guard.is_none() {
                *guard = Some(Store::open(&library.path)?);
            }
            match guard.as_mut() {
                Some(store) => f(store),
                None => Err(ApiError::internal("the call library is not open")),
            }
        })
        .await
        .map_err(|e| ApiError::internal(format!("reading the call library stopped unexpectedly: {e}")))?
    }
}
