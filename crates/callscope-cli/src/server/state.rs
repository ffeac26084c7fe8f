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
use super::live::LiveCalls;

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
    /// The library file, for work that opens its own connection (a live call's analysis).
    pub library_path: PathBuf,
    /// The live call on this machine's devices, if one is running.
    pub live: Arc<LiveCalls>,
    /// Set once the speech model of the saved settings is loaded (`/readyz`).
    pub model_loaded: Arc<AtomicBool>,
    /// Why the model could not be loaded, when it could not.
    pub model_error: Arc<Mutex<Option<String>>>,
    /// Cancelled when the server stops: WebSocket clients are told and closed.
    pub stopping: CancellationToken,
    /// The WebSocket clients' relays, waited for at shutdown so each hears why it is closed.
    pub websockets: TaskTracker,
}

/// The library as routes reach it: the engine's shared connection, used on a blocking thread
/// because SQLite blocks.
pub struct Library(callscope::store::Library);

impl Library {
    /// The library at `path`, opened on first use.
    pub fn new(path: PathBuf) -> Library {
        Library(callscope::store::Library::new(path))
    }

    /// Run `f` on the library on a blocking thread; a failed open is tried again next time.
    pub async fn with<T: Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut Store) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let library = Arc::clone(self);
        tokio::task::spawn_blocking(move || library.0.with(f))
            .await
            .map_err(|e| ApiError::internal(format!("reading the call library stopped unexpectedly: {e}")))?
    }
}
