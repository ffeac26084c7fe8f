//! One call: reading, correcting, playing, exporting and deleting it.

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;
use tauri::{AppHandle, Manager, State};

use callscope::audio::{decode_file, waveform, DecodeOptions, Waveform};
use callscope::export::{export_call_to_file, CallExportFormat, PersonalData};
use callscope::progress::{ignore_progress, CancelToken};
use callscope::config::ConfigStore;
use callscope::pipeline::{self, ProviderPlan};
use callscope::secrets::Keyring;
use callscope::store::{CallDetail, Store, StoreError};

use crate::error::CommandError;
use callscope::store::Library;

/// The call with this id, with its corrections.
#[tauri::command]
#[specta::specta]
pub async fn get_call(id: i64, library: State<'_, Library>) -> Result<CallDetail, CommandError> {
    library.with(|store| Ok(store.call_detail(id)?))
}

/// Replace a field's value with the user's (`null` removes it); returns the updated call.
#[tauri::command]
#[specta::specta]
pub async fn correct_field(id: i64, field: String, value: Value, library: State<'_, Library>) -> Result<CallDetail, CommandError> {
    library.with(|store| {
        store.correct_field(id, &field, value)?;
        tracing::info!(call = id, %field, "field corrected");
        Ok(store.call_detail(id)?)
    })
}

/// Analyse the call again with the provider the settings choose (after a failed extraction,
/// or to compare providers); its transcript and corrections stay. Returns the updated call.
#[tauri::command]
#[specta::specta]
pub async fn reanalyze_call(
    id: i64,
    library: State<'_, Library>,
    config: State<'_, Arc<ConfigStore>>,
    keys: State<'_, Keyring>,
) -> Result<CallDetail, CommandError> {
    let settings = config.get();
    let provider = ProviderPlan::from_settings(&settings).build(&keys)?;
    // Its own connection: the shared one stays free for the screens while the provider answers.
    let mut store = Store::open(library.path())?;
    tracing::info!(call = id, provider = provider.name(), "analysing a call again");
    pipeline::reanalyze(provider.as_ref(), &mut store, id, settings.keep_original_pii, &ignore_progress, &CancelToken::new()).await?;
    Ok(store.call_detail(id)?)
}

/// Delete the call, its transcript and fields.
#[tauri::command]
#[specta::specta]
pub async fn delete_call(id: i64, library: State<'_, Library>) -> Result<(), CommandError> {
    library.with(|store| {
        store.delete_call(id)?;
        tracing::info!(call = id, "call deleted");
        Ok(())
    })
}

/// Let the window play this call's recording; returns its path (for `convertFileSrc`), or
/// `None` when the file is no longer where it was analysed.
#[tauri::command]
#[specta::specta]
pub async fn allow_call_audio(id: i64, app: AppHandle, library: State<'_, Library>) -> Result<Option<String>, CommandError> {
    let Some(path) = library.with(|store| store.audio_path(id))?.filter(|p| p.is_file()) else {
        return Ok(None);
    };
    app.asset_protocol_scope()
        .allow_file(&path)
        .map_err(|e| CommandError::new(format!("{}: cannot be played: {e}", path.display())))?;
    Ok(Some(path.display().to_string()))
}

/// Largest number of waveform buckets a window asks for (a few per pixel of a wide screen).
const MAX_BUCKETS: u32 = 4000;

/// The recording's shape (peak level per stretch of time, per channel) for drawing; `None`
/// when the recording is no longer where it was analysed.
#[tauri::command]
#[specta::specta]
pub async fn call_waveform(id: i64, buckets: u32, library: State<'_, Library>) -> Result<Option<Waveform>, CommandError> {
    let Some(path) = library.with(|store| store.audio_path(id))?.filter(|p| p.is_file()) else {
        return Ok(None);
    };
    let buckets = buckets.clamp(1, MAX_BUCKETS) as usize;
    let shape = tauri::async_runtime::spawn_blocking(move || -> Result<Waveform, CommandError> {
        // The file's own rate: resampling would cost time and change no peak that matters.
        let options = DecodeOptions { target_rate_hz: None, ..DecodeOptions::default() };
        let decoded = decode_file(&path, &options, &ignore_progress, &CancelToken::new())?;
        Ok(waveform(&decoded.clip, buckets))
    })
    .await
    .map_err(|e| CommandError::new(format!("call {id}: the waveform could not be computed: {e}")))??;
    Ok(Some(shape))
}

/// Write the call to `path` in `format`, with personal data redacted when `redact` is set.
#[tauri::command]
#[specta::specta]
pub async fn export_call(id: i64, format: CallExportFormat, redact: bool, path: String, library: State<'_, Library>) -> Result<(), CommandError> {
    let call = library.with(|store| store.call(id)?.ok_or(StoreError::CallNotFound { id }))?;
    let path = PathBuf::from(path);
    export_call_to_file(&call, format, personal_data(redact), &path)?;
    tracing::info!(call = id, path = %path.display(), ?format, redact, "call exported");
    Ok(())
}

/// The engine's choice for the UI's "redact personal data" box.
pub fn personal_data(redact: bool) -> PersonalData {
    if redact {
        PersonalData::Redact
    } else {
        PersonalData::AsStored
    }
}
