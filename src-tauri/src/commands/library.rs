//! Listing, counting and searching the call library.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use specta::Type;
use tauri::State;

use callscope::export::{export_calls_to_file, ExportFormat};
use callscope::store::{Paging, Store};

use crate::commands::call::personal_data;
use crate::error::CommandError;
use crate::library::Library;
use crate::views::labels::SortOrder;
use crate::views::library::{CallPage, LibraryFilter, SearchHitView};

/// One page of the calls matching `filter`.
#[tauri::command]
#[specta::specta]
pub async fn list_calls(
    filter: LibraryFilter,
    sort: SortOrder,
    offset: u32,
    limit: u32,
    library: State<'_, Library>,
) -> Result<CallPage, CommandError> {
    let filter = filter.to_engine()?;
    let paging = Paging { sort: sort.into(), limit, offset: u64::from(offset) };
    library.with(|store| Ok(store.list_calls(&filter, paging)?.into()))
}

/// How many calls match `filter`.
#[tauri::command]
#[specta::specta]
pub async fn count_calls(filter: LibraryFilter, library: State<'_, Library>) -> Result<u64, CommandError> {
    let filter = filter.to_engine()?;
    library.with(|store| Ok(store.count_calls(&filter)?))
}

/// The calls containing every word of `query` (best first), within `filter`.
#[tauri::command]
#[specta::specta]
pub async fn search_calls(
    query: String,
    filter: LibraryFilter,
    limit: u32,
    library: State<'_, Library>,
) -> Result<Vec<SearchHitView>, CommandError> {
    let filter = filter.to_engine()?;
    library.with(|store| Ok(store.search(&query, &filter, limit)?.into_iter().map(Into::into).collect()))
}

/// A domain/category pair the library knows, for the filters.
#[derive(Debug, Clone, Serialize, Type)]
pub struct DomainOption {
    pub domain: String,
    pub category: String,
    pub description: String,
}

/// Every domain/category pair in the catalog.
#[tauri::command]
#[specta::specta]
pub async fn list_domains(library: State<'_, Library>) -> Result<Vec<DomainOption>, CommandError> {
    library.with(|store| {
        Ok(store
            .catalog()?
            .entries
            .into_iter()
            .map(|e| DomainOption { domain: e.domain, category: e.category, description: e.description })
            .collect())
    })
}

/// The file formats the whole library (or a filtered part) can be exported to.
#[derive(Debug, Clone, Copy, Deserialize, Type)]
#[serde(rename_all = "lowercase")]
pub enum LibraryExportFormat {
    /// An array of full analyses, transcripts included.
    Json,
    /// One row per call for spreadsheets, fields as JSON and the transcript as text.
    Csv,
}

/// Write every call matching `filter` (oldest first) to `path`, with personal data redacted when
/// `redact` is set; returns how many calls were written.
#[tauri::command]
#[specta::specta]
pub async fn export_calls(
    filter: LibraryFilter,
    format: LibraryExportFormat,
    redact: bool,
    path: String,
    library: State<'_, Library>,
) -> Result<u64, CommandError> {
    let filter = filter.to_engine()?;
    let library_path = library.path().to_path_buf();
    let path = PathBuf::from(path);
    let format = match format {
        LibraryExportFormat::Json => ExportFormat::Json,
        LibraryExportFormat::Csv => ExportFormat::Csv,
    };
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
