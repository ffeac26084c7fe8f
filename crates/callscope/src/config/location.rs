//! Which folder holds the library: `$CALLSCOPE_DATA`, else the folder the user chose (remembered
//! in a small file in the platform's config folder), else the platform's data folder.
//!
//! A new choice takes effect when Callscope next starts; the calls already in the old folder
//! stay there.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::env::DATA_DIR;
use super::ConfigError;

/// Name of the file that remembers the chosen folder, in the platform config folder.
const CHOICE_FILE: &str = "data-folder.json";

/// Why the data folder is the one it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DataDirOrigin {
    /// `$CALLSCOPE_DATA` names it.
    Environment,
    /// The user chose it.
    Chosen,
    /// The platform's per-user data folder.
    Default,
}

/// The data folder in use and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataLocation {
    pub dir: PathBuf,
    pub origin: DataDirOrigin,
}

/// The library's file name inside the data folder.
pub const LIBRARY_FILE: &str = "callscope.sqlite3";
/// The settings file's name inside the data folder.
pub const SETTINGS_FILE: &str = "settings.json";

impl DataLocation {
    /// The call library (SQLite) in this folder.
    pub fn library(&self) -> PathBuf {
        self.dir.join(LIBRARY_FILE)
    }

    /// The user's settings (JSON) in this folder.
    pub fn settings(&self) -> PathBuf {
        self.dir.join(SETTINGS_FILE)
    }

    /// The folder of live call recordings (unfinished ones in its `in-progress/`).
    pub fn recordings(&self) -> PathBuf {
        self.dir.join("recordings")
    }

    /// The folder of rotating log files.
    pub fn logs(&self) -> PathBuf {
        self.dir.join("logs")
    }
}

/// The user's choice of data folder, kept in a file outside the data folder itself.
#[derive(Debug, Clone)]
pub struct DataDirChoice {
    file: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct ChoiceFile {
    data_dir: PathBuf,
}

impl DataDirChoice {
    /// The choice remembered in the platform config folder.
    pub fn platform() -> Result<DataDirChoice, ConfigError> {
        directories::ProjectDirs::from("app", "Callscope", "Callscope")
            .map(|dirs| DataDirChoice::at(dirs.config_dir().join(CHOICE_FILE)))
            .ok_or(ConfigError::NoDataDir)
    }

    /// The choice remembered in `file`.
    pub fn at(file: impl Into<PathBuf>) -> DataDirChoice {
        DataDirChoice { file: file.into() }
    }

    /// The chosen folder, if any. An unreadable choice file counts as no choice (and is logged).
    pub fn get(&self) -> Option<PathBuf> {
        let bytes = match std::fs::read(&self.file) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                tracing::warn!(file = %self.file.display(), error = %e, "data folder choice unreadable; using the default folder");
                return None;
            }
        };
        match serde_json::from_slice::<ChoiceFile>(&bytes) {
            Ok(choice) if choice.data_dir.is_absolute() => Some(choice.data_dir),
            Ok(_) | Err(_) => {
                tracing::warn!(file = %self.file.display(), "data folder choice is not an absolute folder; using the default folder");
                None
            }
        }
    }

    /// Remember `dir` as the data folder for the next start, after checking that it can be
    /// created and written to.
    pub fn set(&self, dir: &Path) -> Result<(), ConfigError> {
        if !dir.is_absolute() {
            return Err(ConfigError::RelativeDataDir { path: dir.to_path_buf() });
        }
        check_writable(dir)?;
        let json = serde_json::to_vec_pretty(&ChoiceFile {
            data_dir: dir.to_path_buf(),
        })
        .map_err(|e| ConfigError::DataDirChoice { path: self.file.clone(), source: std::io::Error::other(e) })?;
        let fail = |source| ConfigError::DataDirChoice {
            path: self.file.clone(),
            source,
        };
        if let Some(parent) = self.file.parent() {
            std::fs::create_dir_all(parent).map_err(fail)?;
        }
        let tmp = self.file.with_extension("json.tmp");
        std::fs::write(&tmp, json).map_err(fail)?;
        std::fs::rename(&tmp, &self.file).map_err(fail)?;
        tracing::info!(dir = %dir.display(), "data folder chosen for the next start");
        Ok(())
    }

    /// Forget the choice: the platform folder is used again from the next start.
    pub fn clear(&self) -> Result<(), ConfigError> {
        match std::fs::remove_file(&self.file) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(source) => Err(ConfigError::DataDirChoice {
                path: self.file.clone(),
                source,
            }),
        }
    }

    /// The data folder a process starting now uses: `$CALLSCOPE_DATA`, this choice, or the
    /// platform folder.
    pub fn resolve(&self) -> Result<DataLocation, ConfigError> {
        if let Some(location) = from_environment() {
            return Ok(location);
        }
        if let Some(dir) = self.get() {
            return Ok(DataLocation {
                dir,
                origin: DataDirOrigin::Chosen,
            });
        }
        Ok(DataLocation {
            dir: platform_data_dir()?,
            origin: DataDirOrigin::Default,
        })
    }
}

/// The data folder a process starting now uses (see `DataDirChoice::resolve`).
pub fn data_location() -> Result<DataLocation, ConfigError> {
    match DataDirChoice::platform() {
        Ok(choice) => choice.resolve(),
        Err(e) => from_environment().ok_or(e),
    }
}

fn from_environment() -> Option<DataLocation> {
    std::env::var_os(DATA_DIR)
        .filter(|d| !d.is_empty())
        .map(|dir| DataLocation {
            dir: PathBuf::from(dir),
            origin: DataDirOrigin::Environment,
        })
}

/// The platform's per-user data folder for Callscope.
pub fn platform_data_dir() -> Result<PathBuf, ConfigError> {
    directories::ProjectDirs::from("app", "Callscope", "Callscope")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or(ConfigError::NoDataDir)
}

/// Create `dir` if needed and prove a file can be written in it.
pub fn check_writable(dir: &Path) -> Result<(), ConfigError> {
    let fail = |source| ConfigError::NotWritable {
        path: dir.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(fail)?;
    let probe = tempfile::Builder::new()
        .prefix(".callscope-write-check")
        .tempfile_in(dir)
        .map_err(fail)?;
    probe.close().map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chosen_folder_is_remembered_for_the_next_start() {
        let config = tempfile::tempdir().expect("temp dir");
        let data = tempfile::tempdir().expect("temp dir");
        let choice = DataDirChoice::at(config.path().join("nested/data-folder.json"));
        assert_eq!(choice.get(), None);
        let dir = data.path().join("calls");
        choice.set(&dir).expect("choose");
        assert!(dir.is_dir(), "the chosen folder is created");
        assert_eq!(DataDirChoice::at(config.path().join("nested/data-folder.json")).get(), Some(dir));
        choice.clear().expect("forget");
        assert_eq!(choice.get(), None);
    }

    #[test]
    fn a_folder_that_cannot_be_written_is_refused_with_its_name() {
        let config = tempfile::tempdir().expect("temp dir");
        // A regular file where a folder should be: refused even for root.
        let blocker = config.path().join("a-file");
        std::fs::write(&blocker, b"x").expect("write");
        let choice = DataDirChoice::at(config.path().join("data-folder.json"));
        let err = choice.set(&blocker.join("data")).unwrap_err().to_string();
        assert!(err.contains("a-file/data"), "{err}");
        assert!(err.contains("choose another folder"), "{err}");
        assert_eq!(choice.get(), None, "a refused folder is not remembered");
    }

    #[test]
    fn a_relative_folder_is_refused() {
        let config = tempfile::tempdir().expect("temp dir");
        let choice = DataDirChoice::at(config.path().join("data-folder.json"));
        assert!(choice.set(Path::new("calls")).is_err());
    }

    #[test]
    fn a_damaged_choice_file_falls_back_to_no_choice() {
        let config = tempfile::tempdir().expect("temp dir");
        let file = config.path().join("data-folder.json");
        std::fs::write(&file, b"{ not json").expect("write");
        assert_eq!(DataDirChoice::at(&file).get(), None);
    }
}
