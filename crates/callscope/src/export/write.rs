//! Writing calls to a stream or a file, page by page so a large library never sits in memory.

use std::io::{BufWriter, Write};
use std::path::Path;

use crate::call::CallAnalysis;
use crate::store::{CallFilter, CallSort, Paging, Store};
use crate::stt::{to_srt, to_vtt, Transcript};

use super::csv::{call_cells, csv_record, CSV_HEADER};
use super::{redacted, CallExportFormat, ExportError, ExportFormat, PersonalData};

/// Calls read from the library at a time.
const PAGE: u32 = 500;

/// Write every call matching `filter`, oldest first, to `out`; returns how many were written.
pub fn export_calls(
    store: &Store,
    filter: &CallFilter,
    format: ExportFormat,
    personal: PersonalData,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    let io = ExportError::Output;
    let mut written = 0u64;
    match format {
        ExportFormat::Json => out.write_all(b"[").map_err(io)?,
        ExportFormat::Csv => out
            .write_all(csv_record(CSV_HEADER).as_bytes())
            .map_err(io)?,
    }
    let mut paging = Paging {
        sort: CallSort::Oldest,
        limit: PAGE,
        offset: 0,
    };
    loop {
        let page = store.list_calls(filter, paging)?;
        for row in &page.items {
            // A call deleted by another process since the page was read is simply skipped.
            let Some(call) = store.call(row.id)? else {
                continue;
            };
            let call = prepared(&call, personal);
            match format {
                ExportFormat::Json => {
                    out.write_all(if written == 0 { b"\n  " } else { b",\n  " })
                        .map_err(io)?;
                    serde_json::to_writer(&mut *out, &call).map_err(|e| json_error(&call, e))?;
                }
                ExportFormat::Csv => out
                    .write_all(csv_record(call_cells(&call)).as_bytes())
                    .map_err(io)?,
            }
            written += 1;
        }
        if !page.has_more {
            break;
        }
        paging.offset += page.items.len() as u64;
    }
    if format == ExportFormat::Json {
        out.write_all(if written == 0 { b"]\n" } else { b"\n]\n" })
            .map_err(io)?;
    }
    Ok(written)
}

/// Write every call matching `filter` to the file at `path`, replacing it; returns how many
/// were written. The file appears only when complete: a failed export leaves no half file.
pub fn export_calls_to_file(
    store: &Store,
    filter: &CallFilter,
    format: ExportFormat,
    personal: PersonalData,
    path: &Path,
) -> Result<u64, ExportError> {
    write_file(path, |out| {
        export_calls(store, filter, format, personal, out).map_err(|e| match e {
            ExportError::Output(source) => ExportError::File {
                path: path.to_path_buf(),
                source,
            },
            other => other,
        })
    })
}

/// One call as the text of `format` (what `export_call_to_file` writes, and what the HTTP
/// server answers with).
pub fn export_call(
    call: &CallAnalysis,
    format: CallExportFormat,
    personal: PersonalData,
) -> Result<String, ExportError> {
    let call = prepared(call, personal);
    Ok(match format {
        CallExportFormat::Json => {
            serde_json::to_string_pretty(&call).map_err(|e| json_error(&call, e))? + "\n"
        }
        CallExportFormat::Csv => csv_record(CSV_HEADER) + &csv_record(call_cells(&call)),
        CallExportFormat::Srt => to_srt(&transcript(&call)),
        CallExportFormat::Vtt => to_vtt(&transcript(&call)),
    })
}

/// Write one call to the file at `path`, replacing it.
pub fn export_call_to_file(
    call: &CallAnalysis,
    format: CallExportFormat,
    personal: PersonalData,
    path: &Path,
) -> Result<(), ExportError> {
    let text = export_call(call, format, personal)?;
    write_file(path, |out| {
        out.write_all(text.as_bytes()).map_err(|source| ExportError::File {
            path: path.to_path_buf(),
            source,
        })
    })
}

fn prepared(call: &CallAnalysis, personal: PersonalData) -> CallAnalysis {
    match personal {
        PersonalData::Redact => redacted(call),
        PersonalData::AsStored => call.clone(),
    }
}

fn transcript(call: &CallAnalysis) -> Transcript {
    Transcript {
        segments: call.transcription.segments.clone(),
        duration_ms: call.duration_ms,
    }
}

fn json_error(call: &CallAnalysis, e: serde_json::Error) -> ExportError {
    if e.is_io() {
        ExportError::Output(e.into())
    } else {
        ExportError::Encode {
            id: call.call_id,
            detail: e.to_string(),
        }
    }
}

/// Write through a temporary file beside `path`, then rename it over `path`.
fn write_file<T>(
    path: &Path,
    body: impl FnOnce(&mut dyn Write) -> Result<T, ExportError>,
) -> Result<T, ExportError> {
    let file_error = |source| ExportError::File {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".callscope-export")
        .tempfile_in(dir)
        .map_err(file_error)?;
    let mut out = BufWriter::new(tmp);
    let result = body(&mut out)?;
    let tmp = out.into_inner().map_err(|e| file_error(e.into_error()))?;
    tmp.as_file().sync_all().map_err(file_error)?;
    tmp.persist(path).map_err(|e| file_error(e.error))?;
    Ok(result)
}
