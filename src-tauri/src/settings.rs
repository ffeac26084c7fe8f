//! The user's settings, kept in `settings.json` in the data folder.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::CommandError;
use crate::views::settings::Settings;

/// The saved settings and the file they live in.
#[derive(Debug)]
pub struct SettingsStore {
    path: PathBuf,
    current: Mutex<Settings>,
}

impl SettingsStore {
    /// Load the settings from `path`; a missing file gives the defaults, an unreadable one too
    /// (with a warning in the log, and the file is replaced on the next save).
    pub fn load(path: &Path) -> SettingsStore {
        let current = match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!(path = %path.display(), error = %e, "settings file unreadable; using defaults");
                Settings::default()
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Settings::default(),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "settings file unreadable; using defaults");
                Settings::default()
            }
        };
        SettingsStore { path: path.to_path_buf(), current: Mutex::new(current) }
    }

    /// The settings now in force.
    pub fn get(&self) -> Settings {
        self.current.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Save new settings (atomically: written beside the file, then renamed over it).
    pub fn save(&self, settings: Settings) -> Result<(), CommandError> {
        let fail = |e: std::io::Error| {
            CommandError::new(format!("could not save the settings to {}: {e}", self.path.display()))
        };
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let json = serde_json::to_vec_pretty(&settings)
            .map_err(|e| CommandError::new(format!("could not encode the settings: {e}")))?;
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, json).map_err(fail)?;
        std::fs::rename(&tmp, &self.path).map_err(fail)?;
        *self.current.lock().unwrap_or_else(|p| p.into_inner()) = settings;
        tracing::info!(path = %self.path.display(), "settings saved");
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_settings_are_read_back_by_the_next_start() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("nested/settings.json");
        let store = SettingsStore::load(&path);
        let mut chosen = store.get();
        chosen.model = "tiny.en".into();
        chosen.keep_original_pii = true;
        store.save(chosen.clone()).expect("save");
        assert_eq!(SettingsStore::load(&path).get(), chosen);
    }

    #[test]
    fn an_unreadable_settings_file_gives_the_defaults() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("settings.json");
        std::fs::write(&path, b"{ not json").expect("write");
        assert_eq!(SettingsStore::load(&path).get(), Settings::default());
    }
}
