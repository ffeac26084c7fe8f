//! The user's settings, kept in `settings.json` in the data folder; their API keys, kept in the
//! OS keyring and never in that file.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use callscope::secrets::Keyring;

use crate::error::CommandError;
use crate::views::settings::{NewSecret, Settings};

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

    /// Check the settings, store the keys the user typed in the keyring, then save the rest.
    /// Nothing is saved when a URL is malformed or the keyring refuses a key.
    pub fn save_with_keys(&self, settings: Settings, keys: &[NewSecret], keyring: &Keyring) -> Result<(), CommandError> {
        let settings = settings.checked().map_err(CommandError::new)?;
        for key in keys {
            keyring.set(key.name.into(), &key.value)?;
        }
        self.save(settings)
    }

    /// Put a copy of the current settings in `dir` unless it already has a settings file, so a
    /// newly chosen data folder starts with the user's settings.
    pub fn copy_into(&self, dir: &Path) -> Result<(), CommandError> {
        let Some(name) = self.path.file_name() else {
            return Ok(());
        };
        let target = dir.join(name);
        if target.exists() {
            return Ok(());
        }
        SettingsStore { path: target, current: Mutex::new(Settings::default()) }.save(self.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::settings::SecretName;
    use callscope::secrets::SecretKind;

    fn keyring() -> Keyring {
        Keyring::with_store(keyring_core::mock::Store::new().expect("mock keyring"), "callscope-test")
    }

    #[test]
    fn keys_go_to_the_keyring_and_never_into_settings_json() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("settings.json");
        let store = SettingsStore::load(&path);
        let keyring = keyring();
        let settings = Settings { supabase_url: "https://abc.supabase.co".into(), ..store.get() };
        let keys = [
            NewSecret { name: SecretName::Gemini, value: "AIzaSyGeminiSecret1234".into() },
            NewSecret { name: SecretName::Supabase, value: "sb_publishable_Secret5678".into() },
        ];
        store.save_with_keys(settings, &keys, &keyring).expect("save");

        let written = std::fs::read_to_string(&path).expect("read settings.json");
        assert!(written.contains("https://abc.supabase.co"), "{written}");
        for secret in ["AIzaSyGeminiSecret1234", "sb_publishable_Secret5678", "Secret1234", "Secret5678"] {
            assert!(!written.contains(secret), "settings.json holds a key: {written}");
        }
        assert_eq!(keyring.get(SecretKind::GeminiApiKey).expect("read").as_deref(), Some("AIzaSyGeminiSecret1234"));
        assert!(!format!("{:?}", keys[0]).contains("Secret1234"), "Debug shows the key");
    }

    #[test]
    fn a_malformed_url_saves_neither_the_settings_nor_the_keys() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("settings.json");
        let store = SettingsStore::load(&path);
        let keyring = keyring();
        let settings = Settings { openai_base_url: "localhost:11434".into(), ..store.get() };
        let keys = [NewSecret { name: SecretName::OpenaiCompatible, value: "sk-local-000000000".into() }];
        let err = store.save_with_keys(settings, &keys, &keyring).unwrap_err();
        assert!(err.message.contains("OpenAI-compatible base URL"), "{err}");
        assert!(!path.exists());
        assert_eq!(keyring.get(SecretKind::OpenAiApiKey).expect("read"), None);
    }

    #[test]
    fn a_new_data_folder_gets_a_copy_of_the_settings_but_keeps_its_own() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = SettingsStore::load(&dir.path().join("old/settings.json"));
        store.save(Settings { model: "tiny.en".into(), ..store.get() }).expect("save");
        let new_dir = dir.path().join("new");
        store.copy_into(&new_dir).expect("copy");
        assert_eq!(SettingsStore::load(&new_dir.join("settings.json")).get().model, "tiny.en");

        store.save(Settings { model: "base".into(), ..store.get() }).expect("save");
        store.copy_into(&new_dir).expect("copy again");
        assert_eq!(SettingsStore::load(&new_dir.join("settings.json")).get().model, "tiny.en", "an existing file is kept");
    }

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
