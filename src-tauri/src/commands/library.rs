//! Listing, counting and searching the call library.

use std::path::PathBuf;
use std::sync::Arc;

use tauri::State;

use callscope::call::CatalogEntry;
use callscope::export::{export_calls_to_file, ExportFormat};
use callscope::config::ConfigStore;
use callscope::store::{CallFilter, CallRow, CallSort, Page, Paging, SearchHit, Store, UsageGrouping, UsageReport};

use crate::commands::call::personal_data;
use crate::error::CommandError;
use callscope::store::Library;

/// One page of the calls matching `filter`.
#[tauri::command]
#[specta::specta]
pub async fn list_calls(
    filter: CallFilter,
    sort: CallSort,
    offset: u32,
    limit: u32,
    library: State<'_, Library>,
) -> Result<Page<CallRow>, CommandError> {
    let paging = Paging { sort, limit, offset: u64::from(offset) };
    library.with(|store| Ok(store.list_calls(&filter, paging)?))
}

/// How many calls match `filter`.
#[tauri::command]
#[specta::specta]
pub async fn count_calls(filter: CallFilter, library: State<'_, Library>) -> Result<u64, CommandError> {
    library.with(|store| Ok(store.count_calls(&filter)?))
}

/// The calls containing every word of `query` (best first), within `filter`.
#[tauri::command]
#[specta::specta]
pub async fn search_calls(
    query: String,
    filter: CallFilter,
    limit: u32,
    library: State<'_, Library>,
) -> Result<Vec<SearchHit>, CommandError> {
    library.with(|store| Ok(store.search(&query, &filter, limit)?))
}

/// LLM tokens and their estimated cost for the calls matching `filter`, grouped by `grouping`,
/// priced with the shipped table and the `prices` setting.
#[tauri::command]
#[specta::specta]
pub async fn usage_report(
    filter: CallFilter,
    grouping: UsageGrouping,
    library: State<'_, Library>,
    config: State<'_, Arc<ConfigStore>>,
) -> Result<UsageReport, CommandError> {
    let prices = config.get().price_table();
    library.with(|store| Ok(store.usage_report(&filter, grouping, &prices)?))
}

/// Every domain/category pair in the catalog.
#[tauri::command]
#[specta::specta]
pub async fn list_domains(library: State<'_, Library>) -> Result<Vec<CatalogEntry>, CommandError> {
    library.with(|store| Ok(store.catalog()?.entries))
}

/// Write every call matching `filter` (oldest first) to `path`, with personal data redacted when
/// `redact` is set; returns how many calls were written.
#[tauri::command]
#[specta::specta]
pub async fn export_calls(
    filter: CallFilter,
    format: ExportFormat,
    redact: bool,
    path: String,
    library: State<'_, Library>,
) -> Result<u64, CommandError> {
    let library_path = library.path().to_path_buf();
    let path = PathBuf::from(path);
    // Its own connection on a blocking thread: a large export does not hold up the screens'
    // reads through the shared one.
    tauri::async_runtime::spawn_blocking(move || -> Result<u64, CommandError> {
        let store = Store::open(&library_path)?;
        let count = export_calls_to_file(&store, &filter, format, personal_data(redact), &path)?;
        tracing::info!(count, path = %path.display(), ?format, redact, "calls exported");
        Ok(count)
    })
    .await
    .map_err(|e| CommandError::new(format!("the export stopped unexpectedly: {e}")))?
}
