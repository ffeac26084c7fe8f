//! Conversions between engine values and the text and integers SQLite holds.

use std::path::Path;

use rusqlite::Row;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::stt::Speaker;

use super::StoreError;

/// A unit enum's serde label (`positive`, `follow_up`, …), as stored in text columns.
pub(crate) fn label<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::new(),
    }
}

/// The enum value a stored label names.
pub(crate) fn from_label<T: DeserializeOwned>(
    path: &Path,
    what: &str,
    text: &str,
) -> Result<T, StoreError> {
    serde_json::from_value(serde_json::Value::String(text.to_string()))
        .map_err(|_| StoreError::bad_value(path, what, format!("unknown value {text:?}")))
}

/// A value as JSON text for a JSON column.
pub(crate) fn to_json<T: Serialize>(what: &str, value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::invalid(what, e.to_string()))
}

/// A JSON column's value.
pub(crate) fn from_json<T: DeserializeOwned>(
    path: &Path,
    what: &str,
    text: &str,
) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::bad_value(path, what, e))
}

/// An unsigned count for an INTEGER column (SQLite integers are signed 64-bit).
pub(crate) fn int(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

/// An INTEGER column read back as an unsigned count; negative values (never written) read as 0.
pub(crate) fn uint(row: &Row, column: &str) -> rusqlite::Result<u64> {
    let value: i64 = row.get(column)?;
    Ok(u64::try_from(value).unwrap_or(0))
}

/// A speaker's stored label.
pub(crate) fn speaker_from_label(path: &Path, text: &str) -> Result<Speaker, StoreError> {
    match text {
        "agent" => Ok(Speaker::Agent),
        "customer" => Ok(Speaker::Customer),
        "unknown" => Ok(Speaker::Unknown),
        other => Err(StoreError::bad_value(
            path,
            "segment speaker",
            format!("{other:?}"),
        )),
    }
}
