//! Reading and saving the user's settings, their API keys (OS keyring) and the data folder.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tauri::State;

use callscope::config::{ConfigStore, DataDirChoice, DataLocation, Settings};
use callscope::models::{ModelFormat, ModelStore, VAD_NAME};
use callscope::secrets::{supabase_key_warning, Keyring, SecretKind, SecretStatus};

use crate::error::CommandError;
use crate::views::{ModelChoice, NewSecret, SecretView, SettingsView};

/// How long the settings screen waits for the keyring to say which keys are stored.
const STATUS_WAIT: Duration = Duration::from_secs(5);
/// How long a save waits for the keyring (it may ask the user to unlock it first).
const SAVE_WAIT: Duration = Duration::from_secs(120);

/// The settings and the choices the settings screen offers.
#[tauri::command]
#[specta::specta]
pub async fn get_settings(
    store: State<'_, Arc<ConfigStore>>,
    paths: State<'_, DataLocation>,
    keyring: State<'_, Keyring>,
) -> Result<SettingsView, CommandError> {
    settings_view(&store, &paths, &keyring).await
}

/// Save new settings and store the keys typed (in the OS keyring, never in the settings file);
/// they apply to the next analysis.
#[tauri::command]
#[specta::specta]
pub async fn save_settings(
    settings: Settings,
    keys: Vec<NewSecret>,
    store: State<'_, Arc<ConfigStore>>,
    paths: State<'_, DataLocation>,
    keyring: State<'_, Keyring>,
    app: tauri::AppHandle,
) -> Result<SettingsView, CommandError> {
    let settings_store = Arc::clone(&store);
    let shortcut_before = store.get().live_shortcut;
    with_keyring(&keyring, SAVE_WAIT, move |keyring| save_with_keys(&settings_store, settings, &keys, keyring)).await?;
    let shortcut = store.get().live_shortcut;
    if shortcut != shortcut_before {
        if let Some(problem) = crate::shortcut::register(&app, &shortcut) {
            return Err(CommandError::new(format!("Settings saved, but {problem}")));
        }
    }
    settings_view(&store, &paths, &keyring).await
}

/// Remove a stored key from the OS keyring.
#[tauri::command]
#[specta::specta]
pub async fn remove_key(
    kind: SecretKind,
    store: State<'_, Arc<ConfigStore>>,
    paths: State<'_, DataLocation>,
    keyring: State<'_, Keyring>,
) -> Result<SettingsView, CommandError> {
    with_keyring(&keyring, SAVE_WAIT, move |keyring| Ok(keyring.remove(kind).map(|_| ())?)).await?;
    settings_view(&store, &paths, &keyring).await
}

/// Use `path` as the data folder from the next start (after checking it can be written), with
/// a copy of the current settings.
#[tauri::command]
#[specta::specta]
pub async fn choose_data_dir(
    path: String,
    store: State<'_, Arc<ConfigStore>>,
    paths: State<'_, DataLocation>,
    keyring: State<'_, Keyring>,
) -> Result<SettingsView, CommandError> {
    let dir = PathBuf::from(path.trim());
    DataDirChoice::platform()?.set(&dir)?;
    store.copy_into(&dir)?;
    settings_view(&store, &paths, &keyring).await
}

/// Go back to the platform's data folder from the next start.
#[tauri::command]
#[specta::specta]
pub async fn reset_data_dir(
    store: State<'_, Arc<ConfigStore>>,
    paths: State<'_, DataLocation>,
    keyring: State<'_, Keyring>,
) -> Result<SettingsView, CommandError> {
    DataDirChoice::platform()?.clear()?;
    tracing::info!("data folder reset to the platform default for the next start");
    settings_view(&store, &paths, &keyring).await
}

/// Check the settings, store the keys the user typed in the keyring, then save the rest.
/// Nothing is saved when a setting cannot be used or the keyring refuses a key.
fn save_with_keys(store: &ConfigStore, settings: Settings, keys: &[NewSecret], keyring: &Keyring) -> Result<(), CommandError> {
    let settings = settings.checked()?;
    for key in keys {
        keyring.set(key.kind, &key.value)?;
    }
    store.save(settings)?;
    Ok(())
}

async fn settings_view(config: &ConfigStore, paths: &DataLocation, keyring: &Keyring) -> Result<SettingsView, CommandError> {
    let (_, overrides) = config.effective();
    let store = ModelStore::open_default()?;
    let mut models: Vec<ModelChoice> = store
        .list()?
        .into_iter()
        .filter(|m| m.name != VAD_NAME && m.format == Some(ModelFormat::Q8_0))
        .map(|m| ModelChoice { name: m.name, installed: m.installed, size_bytes: m.size_bytes, description: m.description })
        .collect();
    models.sort_by_key(|m| !m.installed);
    let next = DataDirChoice::platform().and_then(|choice| choice.resolve()).map(|l| l.dir).ok();
    Ok(SettingsView {
        settings: config.stored(),
        overridden: overrides.into_iter().map(|o| (o.key.to_string(), o.variable.to_string())).collect(),
        models,
        secrets: secret_views(keyring).await,
        data_dir: paths.dir.display().to_string(),
        data_dir_source: paths.origin,
        next_data_dir: next.filter(|dir| *dir != paths.dir).map(|dir| dir.display().to_string()),
        models_dir: store.dir().display().to_string(),
        log_dir: paths.logs().display().to_string(),
    })
}

/// Each key's state; when the keyring does not answer in time, each says so.
async fn secret_views(keyring: &Keyring) -> Vec<SecretView> {
    let read = with_keyring(keyring, STATUS_WAIT, |keyring| {
        Ok(SecretKind::ALL
            .into_iter()
            .map(|kind| {
                let warning = match kind {
                    SecretKind::SupabaseKey => keyring.get(kind).ok().flatten().and_then(|key| supabase_key_warning(&key)),
                    _ => None,
                };
                SecretView::new(kind, keyring.status(kind), warning.map(|w| format!("Warning: {w}.")))
            })
            .collect())
    })
    .await;
    read.unwrap_or_else(|e| {
        SecretKind::ALL
            .into_iter()
            .map(|kind| SecretView::new(kind, SecretStatus::Unavailable { message: e.message.clone() }, None))
            .collect()
    })
}

/// Run `work` on the keyring off the async threads (it blocks on D-Bus and may wait for the
/// user to unlock the keyring), giving up after `wait`.
async fn with_keyring<T: Send + 'static>(
    keyring: &Keyring,
    wait: Duration,
    work: impl FnOnce(&Keyring) -> Result<T, CommandError> + Send + 'static,
) -> Result<T, CommandError> {
    let keyring = keyring.clone();
    let task = tauri::async_runtime::spawn_blocking(move || work(&keyring));
    match tokio::time::timeout(wait, task).await {
        Ok(Ok(result)) => result,
        Ok(Err(e)) => Err(CommandError::new(format!("the system keyring could not be used: {e}"))),
        Err(_) => Err(CommandError::new(format!(
            "the system keyring did not answer within {} s; if it is asking to be unlocked, unlock it and try again",
            wait.as_secs()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keyring() -> Keyring {
        Keyring::with_store(keyring_core::mock::Store::new().expect("mock keyring"), "callscope-test")
    }

    #[test]
    fn keys_go_to_the_keyring_and_never_into_settings_json() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("settings.json");
        let store = ConfigStore::load(&path);
        let keyring = keyring();
        let settings = Settings { model: "tiny.en".into(), ..store.stored() };
        let keys = [
            NewSecret { kind: SecretKind::GeminiApiKey, value: "AIzaSyGeminiSecret1234".into() },
            NewSecret { kind: SecretKind::SupabaseKey, value: "sb_publishable_Secret5678".into() },
        ];
        save_with_keys(&store, settings, &keys, &keyring).expect("save");

        let written = std::fs::read_to_string(&path).expect("read settings.json");
        assert!(written.contains("tiny.en"), "{written}");
        for secret in ["AIzaSyGeminiSecret1234", "sb_publishable_Secret5678", "Secret1234", "Secret5678"] {
            assert!(!written.contains(secret), "settings.json holds a key: {written}");
        }
        assert_eq!(keyring.get(SecretKind::GeminiApiKey).expect("read").as_deref(), Some("AIzaSyGeminiSecret1234"));
        assert!(!format!("{:?}", keys[0]).contains("Secret1234"), "Debug shows the key");
    }

    #[test]
    fn an_invalid_setting_saves_neither_the_settings_nor_the_keys() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("settings.json");
        let store = ConfigStore::load(&path);
        let keyring = keyring();
        let settings = Settings { language: "not a language".into(), ..store.stored() };
        let keys = [NewSecret { kind: SecretKind::OpenAiApiKey, value: "sk-local-000000000".into() }];
        let err = save_with_keys(&store, settings, &keys, &keyring).unwrap_err();
        assert!(err.message.contains("language"), "{err}");
        assert!(!path.exists());
        assert_eq!(keyring.get(SecretKind::OpenAiApiKey).expect("read"), None);
    }
}
