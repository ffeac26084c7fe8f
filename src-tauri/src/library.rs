//! The UI's connection to the call library, opened on first use and shared by commands.

use std::path::PathBuf;
use std::sync::Mutex;

use callscope::store::Store;

use crate::error::CommandError;

/// The library file and the connection commands read (and correct or delete) through.
/// The analysis worker writes through its own connection; WAL lets both work at once.
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
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// Run `f` on the open library, opening it first if needed (a failed open is retried on
    /// the next call, so fixing permissions does not need a restart).
    pub fn with<T>(&self, f: impl FnOnce(&mut Store) -> Result<T, CommandError>) -> Result<T, CommandError> {
        let mut guard = self.store.lock().unwrap_or_else(|p| p.into_inner());
        if guard.is_none() {
            *guard = Some(Store::open(&self.path)?);
            tracing::info!(path = %self.path.display(), "library opened");
        }
        match guard.as_mut() {
            Some(store) => f(store),
            None => Err(CommandError::new("the call library is not open")),
        }
    }
}
