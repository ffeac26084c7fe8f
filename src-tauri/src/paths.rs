//! Where the app keeps its files: the engine's data folder (`$CALLSCOPE_DATA` when set, else
//! the folder chosen in Settings, else the platform's), fixed for the life of the process.

use std::path::PathBuf;

use callscope::store::{data_location, DataDirOrigin, DataLocation, StoreError, FILE_NAME};

/// The app's files, all inside one data folder.
#[derive(Debug, Clone)]
pub struct AppPaths {
    /// The data folder.
    pub data_dir: PathBuf,
    /// Why it is that folder.
    pub origin: DataDirOrigin,
    /// The call library (SQLite).
    pub library: PathBuf,
    /// The user's settings (JSON).
    pub settings: PathBuf,
    /// Rotating log files.
    pub logs: PathBuf,
}

impl AppPaths {
    /// The paths in the data folder a process starting now uses.
    pub fn resolve() -> Result<AppPaths, StoreError> {
        Ok(AppPaths::inside(data_location()?))
    }

    /// The paths inside `location`'s folder.
    pub fn inside(location: DataLocation) -> AppPaths {
        let DataLocation { dir, origin } = location;
        AppPaths {
            library: dir.join(FILE_NAME),
            settings: dir.join("settings.json"),
            logs: dir.join("logs"),
            data_dir: dir,
            origin,
        }
    }
}
