//! Calls out of the library for people and other tools: CSV for spreadsheets, JSON for
//! programs, SRT/VTT subtitles for one call. The CLI's `calls export` and the desktop app's
//! Export buttons both write through here.
//!
//! Personal data is redacted by default, whatever the library kept: transcript, summary, call
//! reason and follow-ups get the same placeholders (`[CARD_1]`) the analysis uses. Extracted
//! fields are written as stored (card numbers are only ever stored as their last four digits).

mod csv;
mod redact;
mod write;

use std::path::PathBuf;

use crate::store::StoreError;

pub use self::csv::{csv_record, CSV_HEADER};
pub use redact::redacted;
pub use write::{export_call, export_call_to_file, export_calls, export_calls_to_file};

/// Formats for a set of calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum ExportFormat {
    /// A JSON array of full analyses, transcripts included.
    Json,
    /// One row per call with its main facts, fields as JSON and the transcript as text.
    Csv,
}

/// Formats for one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum CallExportFormat {
    /// The whole analysis as one JSON object, in the API's result shape.
    Json,
    /// A header and one row, as in a library export.
    Csv,
    /// Subtitles with speaker labels.
    Srt,
    /// Web subtitles with speaker labels.
    Vtt,
}

/// What to do with personal data in an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PersonalData {
    /// Replace card numbers, SSNs, phone numbers, e-mails, birth dates, account numbers and
    /// addresses with placeholders.
    #[default]
    Redact,
    /// Write the calls as the library stores them (redacted already unless the user chose to
    /// keep personal data).
    AsStored,
}

/// Why an export failed; each names the file or call and what to do.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading the calls from the library failed.
    #[error(transparent)]
    Store(#[from] StoreError),

    /// The export file could not be created or written.
    #[error("could not write the export to {path}: {source}; check that the folder exists, that you may write to it and that the disk is not full")]
    File {
        path: PathBuf,
        source: std::io::Error,
    },

    /// Writing to a stream (standard output) failed.
    #[error("could not write the export: {0}")]
    Output(#[source] std::io::Error),

    /// A call could not be turned into JSON.
    #[error("call {id} could not be written as JSON: {detail}")]
    Encode { id: i64, detail: String },
}
