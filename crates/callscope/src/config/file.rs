//! The settings file: read once at start, replaced atomically on save, shared by threads.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::env::{self, Override};
use super::{ConfigError, Settings};

/// The saved settings and the file they live in.
#[derive(Debug)]
pub struct ConfigStore {
    path: PathBuf,
    stored: Mutex<Settings>,
}

impl ConfigStore {
    /// Load the settings from `path`; a missing file gives the defaults, an unreadable one too
    /// (with a warning in the log, and the file is replaced on the next save).
    pub fn load(path: &Path) -> ConfigStore {
        let stored = match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice::<Settings>(&bytes)
                .map_err(|e| e.to_string())
                .and_then(|s| s.checked().map_err(|e| e.to_string()))
                .unwrap_or_else(|error| {
                    tracing::warn!(path = %path.display(), %error, "settings file unreadable; using defaults");
                    Settings::default()
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Settings::default(),
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "settings file unreadable; using defaults");
                Settings::default()
            }
        };
        ConfigStore { path: path.to_path_buf(), stored: Mutex::new(stored) }
    }

    /// The settings file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The settings in force: the file's, with the environment's overrides applied.
    pub fn get(&self) -> Settings {
        self.effective().0
    }

    /// The settings in force and which of them the environment set.
    pub fn effective(&self) -> (Settings, Vec<Override>) {
        let mut settings = self.stored();
        let overrides = env::apply(&mut settings);
        (settings, overrides)
    }

    /// The settings as the file holds them (what a settings screen edits).
    pub fn stored(&self) -> Settings {
        self.stored.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Check and save new settings (written beside the file, then renamed over it); nothing is
    /// saved when a setting cannot be used.
    pub fn save(&self, settings: Settings) -> Result<Settings, ConfigError> {
        let settings = settings.checked()?;
        let fail = |source: std::io::Error| ConfigError::Save { path: self.path.clone(), source };
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(fail)?;
        }
        let json = serde_json::to_vec_pretty(&settings).map_err(|e| fail(std::io::Error::other(e)))?;
        let tmp = self.path.with_extension("json.tmp");
        std::fs::write(&tmp, json).map_err(fail)?;
        std::fs::rename(&tmp, &self.path).map_err(fail)?;
        *self.stored.lock().unwrap_or_else(|p| p.into_inner()) = settings.clone();
        tracing::info!(path = %self.path.display(), "settings saved");
        Ok(settings)
    }

    /// Put a copy of the stored settings in `dir` unless it already has a settings file, so a
    /// newly chosen data folder starts with the user's settings.
    pub fn copy_into(&self, dir: &Path) -> Result<(), ConfigError> {
        let Some(name) = self.path.file_name() else {
            return Ok(());
        };
        let target = dir.join(name);
        if target.exists() {
            return Ok(());
        }
        ConfigStore { path: target, stored: Mutex::new(Settings::default()) }.save(self.stored()).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_settings_are_read_back_by_the_next_start() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("nested/settings.json");
        let store = ConfigStore::load(&path);
        let chosen = Settings { model: "tiny.en".into(), keep_original_pii: true, filter_music: false, ..store.stored() };
        store.save(chosen.clone()).expect("save");
        assert_eq!(ConfigStore::load(&path).stored(), chosen);
    }

    #[test]
    fn an_unreadable_settings_file_gives_the_defaults() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("settings.json");
        std::fs::write(&path, b"{ not json").expect("write");
        assert_eq!(ConfigStore::load(&path).stored(), Settings::default());
    }

    #[test]
    fn a_settings_file_from_an_older_version_keeps_what_it_can() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("settings.json");
        let old = br#"{"model":"tiny.en","provider":"offline","openai_base_url":"","supabase_url":""}"#;
        std::fs::write(&path, old).expect("write");
        let loaded = ConfigStore::load(&path).stored();
        assert_eq!(loaded.model, "tiny.en");
        assert!(loaded.filter_music, "a setting the old file lacks takes its default");
    }

    #[test]
    fn an_invalid_setting_is_refused_and_nothing_is_saved() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("settings.json");
        let store = ConfigStore::load(&path);
        let err = store.save(Settings { language: "English please".into(), ..Settings::default() }).unwrap_err();
        assert!(err.to_string().contains("language"), "{err}");
        assert!(!path.exists());
    }

    #[test]
    fn a_new_data_folder_gets_a_copy_of_the_settings_but_keeps_its_own() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = ConfigStore::load(&dir.path().join("old/settings.json"));
        store.save(Settings { model: "tiny.en".into(), ..store.stored() }).expect("save");
        let new_dir = dir.path().join("new");
        store.copy_into(&new_dir).expect("copy");
        assert_eq!(ConfigStore::load(&new_dir.join("settings.json")).stored().model, "tiny.en");

        store.save(Settings { model: "base".into(), ..store.stored() }).expect("save");
        store.copy_into(&new_dir).expect("copy again");
        assert_eq!(ConfigStore::load(&new_dir.join("settings.json")).stored().model, "tiny.en", "an existing file is kept");
    }
}
