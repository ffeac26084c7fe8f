use std::path::PathBuf;

/// Why a recording could not be written, finished or recovered.
#[derive(Debug, thiserror::Error)]
pub enum RecorderError {
    #[error("the recordings folder {path} cannot be created: {source}; choose another data folder or free the path")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the disk holding {path} is full: recording stopped and what was written is kept; free some space before the next call")]
    DiskFull { path: PathBuf },
    #[error("writing the recording {path} failed: {source}; recording stopped and what was written is kept")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the unfinished recording {path} cannot be repaired: {detail}; it is left where it is"
    )]
    Repair { path: PathBuf, detail: String },
}

impl RecorderError {
    /// The error for an I/O failure on `path`, telling a full disk apart.
    pub(crate) fn io(path: &std::path::Path, source: std::io::Error) -> RecorderError {
        if source.kind() == std::io::ErrorKind::StorageFull {
            RecorderError::DiskFull {
                path: path.to_path_buf(),
            }
        } else {
            RecorderError::Write {
                path: path.to_path_buf(),
                source,
            }
        }
    }

    /// An I/O error hidden inside a hound error, as `io`; any other as a write error.
    pub(crate) fn wav(path: &std::path::Path, source: hound::Error) -> RecorderError {
        match source {
            hound::Error::IoError(e) => RecorderError::io(path, e),
            other => RecorderError::Write {
                path: path.to_path_buf(),
                source: std::io::Error::other(other.to_string()),
            },
        }
    }
}
