//! Saving, loading, correcting and deleting whole calls.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::call::CallAnalysis;

use super::codec::to_json;
use super::insert::insert_in;
use super::outbox::{enqueue, OutboxEntity, OutboxOp};
use super::read::read_call;
use super::{clock, Store, StoreError};

/// A field value a user corrected by hand; the analysis shows the corrected value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldCorrection {
    pub field: String,
    /// What the analysis had before the first correction (`None` when the field was absent).
    pub original: Option<Value>,
    /// The value now saved (`null` when the user removed the field).
    pub corrected: Value,
    /// When the field was last corrected, RFC 3339 UTC.
    pub corrected_at: String,
}

/// One stored call as a detail screen or `calls show --json` presents it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CallDetail {
    /// The analysis, corrections applied.
    pub call: CallAnalysis,
    /// The fields a user corrected, by name.
    pub corrections: Vec<FieldCorrection>,
    /// Whether the recording is still where it was analysed (so it can be played).
    pub audio_available: bool,
    /// How the call was recorded live; `None` for a call from a file.
    pub live: Option<super::LiveCapture>,
}

/// One stored call as `calls show --json` prints it and `GET /api/calls/{id}` answers: the
/// analysis, with how it was recorded live when it was.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShownCall {
    #[serde(flatten)]
    pub call: CallAnalysis,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub live: Option<super::LiveCapture>,
}

/// A call as the outbox carries it: the analysis plus what identifies and qualifies it.
#[derive(Serialize)]
struct CallPayload<'a> {
    uuid: &'a str,
    origin: &'a str,
    updated_at: &'a str,
    corrected_fields: &'a Map<String, Value>,
    #[serde(flatten)]
    analysis: &'a CallAnalysis,
}

impl Store {
    /// Save a new call with its transcript and fields; returns its id. An empty `created_at`
    /// is set to now. The call, its search entry and its outbox row are written in one
    /// transaction.
    pub fn insert_call(
        &mut self,
        analysis: &CallAnalysis,
        audio_path: Option<&Path>,
    ) -> Result<i64, StoreError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|e| StoreError::from_sqlite(&path, e))?;
        let id = insert_in(&tx, &path, analysis, audio_path)?;
        tx.commit().map_err(|e| StoreError::from_sqlite(&path, e))?;
        Ok(id)
    }

    /// Save many new calls in one transaction (imports); all or none are saved.
    pub fn insert_calls(&mut self, analyses: &[CallAnalysis]) -> Result<Vec<i64>, StoreError> {
        let path = self.path.clone();
        let tx = self
            .conn
            .transaction()
            .map_err(|e| StoreError::from_sqlite(&path, e))?;
        let ids = analyses
            .iter()
            .map(|analysis| insert_in(&tx, &path, analysis, None))
            .collect::<Result<Vec<_>, _>>()?;
        tx.commit().map_err(|e| StoreError::from_sqlite(&path, e))?;
        Ok(ids)
    }

    /// The call with this id as it was saved (with corrections applied), or `None`.
    pub fn call(&self, id: i64) -> Result<Option<CallAnalysis>, StoreError> {
        Ok(read_call(&self.conn, &self.path, id)?.map(|stored| stored.analysis))
    }

    /// The call with this id as `calls show --json` prints it, or `None`.
    pub fn shown_call(&self, id: i64) -> Result<Option<ShownCall>, StoreError> {
        let Some(call) = self.call(id)? else { return Ok(None) };
        Ok(Some(ShownCall { call, live: self.live_capture(id)? }))
    }

    /// The call with this id, its corrections and whether its recording can still be played.
    pub fn call_detail(&self, id: i64) -> Result<CallDetail, StoreError> {
        let call = self.call(id)?.ok_or(StoreError::CallNotFound { id })?;
        let corrections = self.corrections(id)?;
        let audio_available = self.audio_path(id)?.is_some_and(|p| p.is_file());
        let live = self.live_capture(id)?;
        Ok(CallDetail { call, corrections, audio_available, live })
    }

    /// Where the call's audio was kept when it was analysed, if it was recorded.
    pub fn audio_path(&self, id: i64) -> Result<Option<std::path::PathBuf>, StoreError> {
        let found: Option<Option<String>> = self
            .conn
            .query_row(
                "SELECT audio_path FROM general WHERE id = ?1",
                [id],
                |row| row.get(0),
            )
            .optional()
            .map_err(|e| self.sql_error(e))?;
        match found {
            None => Err(StoreError::CallNotFound { id }),
            Some(path) => Ok(path.map(std::path::PathBuf::from)),
        }
    }

    /// Delete a call with its transcript, fields and search entry; the deletion is queued
    /// for sync.
    pub fn delete_call(&mut self, id: i64) -> Result<(), StoreError> {
        let path = self.path.clone();
        let fail = |e| StoreError::from_sqlite(&path, e);
        let tx = self.conn.transaction().map_err(fail)?;
        let uuid: String = tx
            .query_row("SELECT uuid FROM general WHERE id = ?1", [id], |row| {
                row.get(0)
            })
            .optional()
            .map_err(fail)?
            .ok_or(StoreError::CallNotFound { id })?;
        tx.execute("DELETE FROM general WHERE id = ?1", [id])
            .map_err(fail)?;
        let payload = serde_json::json!({ "uuid": uuid });
        enqueue(
            &tx,
            OutboxEntity::Call,
            &uuid,
            OutboxOp::Delete,
            Some(&payload),
        )
        .map_err(fail)?;
        tx.commit().map_err(fail)
    }

    /// Replace one domain-specific field with a user's value (`null` removes it) and mark it
    /// corrected; the first original value is kept.
    pub fn correct_field(
        &mut self,
        call_id: i64,
        field: &str,
        value: Value,
    ) -> Result<(), StoreError> {
        let field = field.trim();
        if field.is_empty() {
            return Err(StoreError::invalid("field name", "it is empty"));
        }
        let path = self.path.clone();
        let fail = |e| StoreError::from_sqlite(&path, e);
        let tx = self.conn.transaction().map_err(fail)?;
        let mut stored =
            read_call(&tx, &path, call_id)?.ok_or(StoreError::CallNotFound { id: call_id })?;
        let now = clock::now_rfc3339();
        let data = &mut stored.analysis.domain_specific_data;
        let previous = if value.is_null() {
            data.remove(field)
        } else {
            data.insert(field.to_string(), value.clone())
        };
        let mark = stored
            .corrected
            .entry(field.to_string())
            .or_insert_with(|| serde_json::json!({ "original": previous.unwrap_or(Value::Null) }));
        if let Value::Object(mark) = mark {
            mark.insert("corrected".into(), value);
            mark.insert("corrected_at".into(), Value::String(now.clone()));
        }
        tx.execute(
            "UPDATE domain_specific SET data = ?2, corrected_fields = ?3 WHERE call_id = ?1",
            params![
                call_id,
                to_json("fields", &stored.analysis.domain_specific_data)?,
                to_json("corrections", &stored.corrected)?
            ],
        )
        .map_err(fail)?;
        tx.execute(
            "UPDATE general SET updated_at = ?2 WHERE id = ?1",
            params![call_id, now],
        )
        .map_err(fail)?;
        enqueue(
            &tx,
            OutboxEntity::Call,
            &stored.uuid,
            OutboxOp::Upsert,
            None,
        )
        .map_err(fail)?;
        tx.commit().map_err(fail)
    }

    /// The fields of a call that users corrected, by field name.
    pub fn corrections(&self, call_id: i64) -> Result<Vec<FieldCorrection>, StoreError> {
        let stored = read_call(&self.conn, &self.path, call_id)?
            .ok_or(StoreError::CallNotFound { id: call_id })?;
        Ok(stored
            .corrected
            .into_iter()
            .map(|(field, mark)| FieldCorrection {
                original: mark.get("original").filter(|v| !v.is_null()).cloned(),
                corrected: mark.get("corrected").cloned().unwrap_or(Value::Null),
                corrected_at: mark
                    .get("corrected_at")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string(),
                field,
            })
            .collect())
    }
}

/// The call with this sync id as the outbox sends it, or `None` once it is deleted.
pub(crate) fn call_payload(
    conn: &Connection,
    path: &Path,
    uuid: &str,
) -> Result<Option<Value>, StoreError> {
    let id: Option<i64> = conn
        .query_row("SELECT id FROM general WHERE uuid = ?1", [uuid], |row| {
            row.get(0)
        })
        .optional()
        .map_err(|e| StoreError::from_sqlite(path, e))?;
    let Some(stored) = id
        .map(|id| read_call(conn, path, id))
        .transpose()?
        .flatten()
    else {
        return Ok(None);
    };
    let payload = CallPayload {
        uuid: &stored.uuid,
        origin: &stored.origin,
        updated_at: &stored.updated_at,
        corrected_fields: &stored.corrected,
        analysis: &stored.analysis,
    };
    serde_json::to_value(&payload)
        .map(Some)
        .map_err(|e| StoreError::bad_value(path, "call", e))
}
