//! `StoreError`: what went wrong with the call library, and what the user can do about it.

use std::path::{Path, PathBuf};

use rusqlite::ErrorCode;

/// Why a call-library operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another connection holds the write lock longer than the busy timeout.
    #[error("the call library {path} is busy: another Callscope process is writing to it; try again in a moment")]
    Locked { path: PathBuf },

    /// The disk (or the file system quota) is full.
    #[error("the disk holding the call library {path} is full; free some space and try again (nothing was saved)")]
    DiskFull { path: PathBuf },

    /// The file exists but is not a readable SQLite database.
    #[error("the call library {path} is damaged or is not a Callscope database; move it aside and restart Callscope to start a new library (calls synced to your team or kept in backups are not lost)")]
    Corrupt { path: PathBuf },

    /// The file is on a read-only medium or lacks write permission.
    #[error("the call library {path} is read-only; check the file's permissions or choose another data folder (in the app's Settings, or with CALLSCOPE_DATA)")]
    ReadOnly { path: PathBuf },

    /// SQLite could not open or create the file.
    #[error("could not open the call library {path}: {detail}; check that the folder exists and that you may write to it")]
    CannotOpen { path: PathBuf, detail: String },

    /// The folder for the library could not be created.
    #[error("could not create the folder {path} for the call library: {source}")]
    CreateDir {
        path: PathBuf,
        source: std::io::Error,
    },

    /// The file was written by a newer Callscope whose schema this build does not know.
    #[error("the call library {path} was created by a newer version of Callscope; update Callscope to open it")]
    TooNew { path: PathBuf },

    /// Bringing the schema up to date failed.
    #[error("could not update the call library {path} to the current format: {detail}")]
    Migration { path: PathBuf, detail: String },

    /// No call has this id.
    #[error("there is no call with id {id} in the library")]
    CallNotFound { id: i64 },

    /// The domain/category pair is not in the catalog.
    #[error("the domain {domain}/{category} is not in the catalog")]
    DomainNotFound { domain: String, category: String },

    /// The domain/category pair is already in the catalog.
    #[error("the domain {domain}/{category} is already in the catalog; edit it instead")]
    DomainExists { domain: String, category: String },

    /// No extraction prompt is saved for the pair.
    #[error("no extraction prompt is saved for {domain}/{category}")]
    PromptNotFound { domain: String, category: String },

    /// A value handed to the store cannot be saved as given.
    #[error("invalid {what}: {detail}")]
    InvalidInput { what: String, detail: String },

    /// A value read back from the library cannot be understood.
    #[error("the call library {path} holds an unreadable {what}: {detail}; the library may have been edited by another program")]
    BadStoredValue {
        path: PathBuf,
        what: String,
        detail: String,
    },

    /// Any other SQLite failure.
    #[error("the call library {path} could not be used: {source}")]
    Sqlite {
        path: PathBuf,
        source: rusqlite::Error,
    },
}

impl StoreError {
    /// Classify a SQLite error on the library at `path` into what the user can act on.
    pub(crate) fn from_sqlite(path: &Path, err: rusqlite::Error) -> StoreError {
        let path = path.to_path_buf();
        match err.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => {
                StoreError::Locked { path }
            }
            Some(ErrorCode::DiskFull) => StoreError::DiskFull { path },
            Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt) => {
                StoreError::Corrupt { path }
            }
            Some(ErrorCode::ReadOnly) => StoreError::ReadOnly { path },
            Some(ErrorCode::CannotOpen | ErrorCode::PermissionDenied) => StoreError::CannotOpen {
                path,
                detail: err.to_string(),
            },
            _ => StoreError::Sqlite { path, source: err },
        }
    }

    /// Classify a migration failure, keeping SQLite's own classification when there is one.
    pub(crate) fn from_migration(path: &Path, err: rusqlite_migration::Error) -> StoreError {
        use rusqlite_migration::{Error, MigrationDefinitionError};
        match err {
            Error::RusqliteError { err, .. } => match StoreError::from_sqlite(path, err) {
                StoreError::Sqlite { path, source } => StoreError::Migration {
                    path,
                    detail: source.to_string(),
                },
                classified => classified,
            },
            Error::MigrationDefinition(MigrationDefinitionError::DatabaseTooFarAhead) => {
                StoreError::TooNew {
                    path: path.to_path_buf(),
                }
            }
            other => StoreError::Migration {
                path: path.to_path_buf(),
                detail: other.to_string(),
            },
        }
    }

    /// A value to be saved is not acceptable.
    pub(crate) fn invalid(what: &str, detail: impl Into<String>) -> StoreError {
        StoreError::InvalidInput {
            what: what.to_string(),
            detail: detail.into(),
        }
    }

    /// A stored value could not be decoded.
    pub(crate) fn bad_value(path: &Path, what: &str, detail: impl ToString) -> StoreError {
        StoreError::BadStoredValue {
            path: path.to_path_buf(),
            what: what.to_string(),
            detail: detail.to_string(),
        }
    }
}
