//! Reading and saving the user's settings.

use std::sync::Arc;

use tauri::State;

use callscope::models::{ModelFormat, ModelStore, VAD_NAME};

use crate::error::CommandError;
use crate::paths::AppPaths;
use crate::settings::SettingsStore;
use crate::views::settings::{ModelChoice, Settings, SettingsView};

/// The settings and the choices the settings screen offers.
#[tauri::command]
#[specta::specta]
pub async fn get_settings(
    store: State<'_, Arc<SettingsStore>>,
    paths: State<'_, AppPaths>,
) -> Result<SettingsView, CommandError> {
    settings_view(store.get(), &paths)
}

/// Save new settings; they apply to the next analysis.
#[tauri::command]
#[specta::specta]
pub async fn save_settings(
    settings: Settings,
    store: State<'_, Arc<SettingsStore>>,
    paths: State<'_, AppPaths>,
) -> Result<SettingsView, CommandError> {
    store.save(settings)?;
    settings_view(store.get(), &paths)
}

fn settings_view(settings: Settings, paths: &AppPaths) -> Result<SettingsView, CommandError> {
    let store = ModelStore::open_default()?;
    let mut models: Vec<ModelChoice> = store
        .list()?
        .into_iter()
        .filter(|m| m.name != VAD_NAME && m.format == Some(ModelFormat::Q8_0))
        .map(|m| ModelChoice { name: m.name, installed: m.installed, size_bytes: m.size_bytes, description: m.description })
        .collect();
    models.sort_by_key(|m| !m.installed);
    Ok(SettingsView {
        settings,
        models,
        data_dir: paths.data_dir.display().to_string(),
        models_dir: store.dir().display().to_string(),
        log_dir: paths.logs.display().to_string(),
    })
}
