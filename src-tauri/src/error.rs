//! The one error type every command returns: a message for the user, already naming the file
//! or call it concerns.

use serde::Serialize;
use specta::Type;

/// A command failed; `message` says what, on which file or call, and what to do next.
#[derive(Debug, Clone, Serialize, Type)]
pub struct CommandError {
    pub message: String,
}

impl CommandError {
    /// An error with this message, logged as a warning.
    pub fn new(message: impl Into<String>) -> Self {
        let message = message.into();
        tracing::warn!(%message, "command failed");
        CommandError { message }
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

macro_rules! from_error {
    ($($t:ty),*) => {$(
        impl From<$t> for CommandError {
            fn from(e: $t) -> Self {
                CommandError::new(e.to_string())
            }
        }
    )*};
}

from_error!(
    callscope::store::StoreError,
    callscope::config::ConfigError,
    callscope::audio::capture::CaptureError,
    callscope::models::ModelError,
    callscope::audio::DecodeError,
    callscope::export::ExportError,
    callscope::secrets::SecretError,
    callscope::pipeline::PipelineError
);
