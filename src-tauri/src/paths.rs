//! Where the app keeps its files: the engine's data folder (`$CALLSCOPE_DATA` when set).

use std::path::PathBuf;

use callscope::store::{Store, StoreError};

/// The app's files, all inside one data folder.
#[derive(Debug, Clone)]
pub struct AppPaths {
    /// The data folder.
    pub data_dir: PathBuf,
    /// The call library (SQLite).
    pub library: PathBuf,
    /// The user's settings (JSON).
    pub settings: PathBuf,
    /// Rotating log files.
    pub logs: PathBuf,
}

impl AppPaths {
    /// The paths in the platform data folder, or in `$CALLSCOPE_DATA`.
    pub fn resolve() -> Result<AppPaths, StoreError> {
        let library = Store::default_path()?;
        let data_dir = library
            .parent()
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("."));
        Ok(AppPaths {
            settings: data_dir.join("settings.json"),
            logs: data_dir.join("logs"),
            library,
            data_dir,
        })
    }
}
