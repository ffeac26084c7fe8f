//! Listing, counting and searching the call library.

use serde::Serialize;
use specta::Type;
use tauri::State;

use callscope::store::Paging;

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
