//! One connection a shell's requests share (the desktop's commands, the server's routes),
//! opened on first use. Analysis workers write through their own; WAL lets both work at once.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::{Store, StoreError};

/// The library file and the connection requests read (and correct or delete) through.
#[derive(Debug)]
pub struct Library {
    path: PathBuf,
    store: Mutex<Option<Store>>,
}

impl Library {
    /// The library at `path`, not yet opened.
    pub fn new(path: PathBuf) -> Library {
        Library { path, store: Mutex::new(None) }
    }

    /// The library file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Run `f` on the open library, opening it first if needed (a failed open is retried on
    /// the next call, so fixing permissions does not need a restart). Blocks while another
    /// request uses the connection.
    pub fn with<T, E: From<StoreError>>(&self, f: impl FnOnce(&mut Store) -> Result<T, E>) -> Result<T, E> {
        let mut guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        let store = match guard.as_mut() {
            Some(store) => store,
            None => {
                let store = guard.insert(Store::open(&self.path)?);
                tracing::info!(path = %self.path.display(), "library opened");
                store
            }
        };
        f(store)
    }
}
