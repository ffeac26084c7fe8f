//! The sync outbox: changes waiting to be sent to the team database, oldest first.

use rusqlite::{params, Connection, Row};
use serde::Serialize;

use super::calls::call_payload;
use super::{clock, Store, StoreError};

/// What kind of record an outbox entry carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxEntity {
    /// A call; its key is the call's `uuid`.
    Call,
    /// An extraction prompt; its key is the JSON array `["domain","category"]`.
    Prompt,
    /// A catalog entry; its key is the JSON array `["domain","category"]`.
    Domain,
}

/// What the sync should do with the record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxOp {
    /// Insert or replace the record with the payload.
    Upsert,
    /// Remove the record; the payload holds only its key fields.
    Delete,
}

/// One pending change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxEntry {
    pub id: i64,
    pub entity: OutboxEntity,
    /// The record's stable key (see `OutboxEntity`).
    pub key: String,
    pub op: OutboxOp,
    /// The record as JSON: the whole record for upserts, its key fields for deletes. A call's
    /// upsert carries the call as it is now, read when the entry is listed; `None` means the
    /// call was deleted since (a delete entry follows), so the entry only needs acknowledging.
    pub payload: Option<serde_json::Value>,
    /// When the change was made, RFC 3339 UTC.
    pub created_at: String,
    /// How many times sending it has failed.
    pub attempts: u32,
    pub last_error: Option<String>,
}

impl OutboxEntity {
    fn label(self) -> &'static str {
        match self {
            OutboxEntity::Call => "call",
            OutboxEntity::Prompt => "prompt",
            OutboxEntity::Domain => "domain",
        }
    }
}

impl OutboxOp {
    fn label(self) -> &'static str {
        match self {
            OutboxOp::Upsert => "upsert",
            OutboxOp::Delete => "delete",
        }
    }
}

/// The outbox key of a prompt or domain: a JSON array, unambiguous whatever the names contain.
pub(crate) fn pair_key(domain: &str, category: &str) -> String {
    serde_json::json!([domain, category]).to_string()
}

/// Record a change; call it inside the transaction that makes the change.
pub(crate) fn enqueue(
    conn: &Connection,
    entity: OutboxEntity,
    key: &str,
    op: OutboxOp,
    payload: Option<&serde_json::Value>,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO outbox (entity, entity_key, op, payload, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            entity.label(),
            key,
            op.label(),
            payload.map(|p| p.to_string()),
            clock::now_rfc3339()
        ],
    )?;
    Ok(())
}

impl Store {
    /// Up to `limit` pending changes, oldest first.
    pub fn outbox_pending(&self, limit: u32) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT id, entity, entity_key, op, payload, created_at, attempts, last_error
                 FROM outbox ORDER BY id LIMIT ?1",
            )
            .map_err(|e| self.sql_error(e))?;
        let rows = stmt
            .query_map([limit], read_raw)
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.sql_error(e))?;
        rows.into_iter()
            .map(|raw| {
                let mut entry = raw.decode(&self.path)?;
                if entry.entity == OutboxEntity::Call && entry.op == OutboxOp::Upsert {
                    entry.payload = call_payload(&self.conn, &self.path, &entry.key)?;
                }
                Ok(entry)
            })
            .collect()
    }

    /// Remove changes the team database has accepted; returns how many were removed.
    pub fn outbox_ack(&mut self, ids: &[i64]) -> Result<usize, StoreError> {
        let tx = self
            .conn
            .transaction()
            .map_err(|e| StoreError::from_sqlite(&self.path, e))?;
        let mut removed = 0;
        {
            let mut delete = tx
                .prepare("DELETE FROM outbox WHERE id = ?1")
                .map_err(|e| StoreError::from_sqlite(&self.path, e))?;
            for id in ids {
                removed += delete
                    .execute([id])
                    .map_err(|e| StoreError::from_sqlite(&self.path, e))?;
            }
        }
        tx.commit()
            .map_err(|e| StoreError::from_sqlite(&self.path, e))?;
        Ok(removed)
    }

    /// Note that sending a change failed; it stays pending with its attempt count raised.
    pub fn outbox_fail(&mut self, id: i64, error: &str) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1",
                params![id, error],
            )
            .map_err(|e| self.sql_error(e))?;
        Ok(())
    }
}

struct RawEntry {
    id: i64,
    entity: String,
    key: String,
    op: String,
    payload: Option<String>,
    created_at: String,
    attempts: i64,
    last_error: Option<String>,
}

fn read_raw(row: &Row) -> rusqlite::Result<RawEntry> {
    Ok(RawEntry {
        id: row.get(0)?,
        entity: row.get(1)?,
        key: row.get(2)?,
        op: row.get(3)?,
        payload: row.get(4)?,
        created_at: row.get(5)?,
        attempts: row.get(6)?,
        last_error: row.get(7)?,
    })
}

impl RawEntry {
    fn decode(self, path: &std::path::Path) -> Result<OutboxEntry, StoreError> {
        let entity = match self.entity.as_str() {
            "call" => OutboxEntity::Call,
            "prompt" => OutboxEntity::Prompt,
            "domain" => OutboxEntity::Domain,
            other => return Err(StoreError::bad_value(path, "outbox entity", other)),
        };
        let op = match self.op.as_str() {
            "upsert" => OutboxOp::Upsert,
            "delete" => OutboxOp::Delete,
            other => return Err(StoreError::bad_value(path, "outbox operation", other)),
        };
        let payload = match self.payload {
            Some(text) => Some(
                serde_json::from_str(&text)
                    .map_err(|e| StoreError::bad_value(path, "outbox payload", e))?,
            ),
            None => None,
        };
        Ok(OutboxEntry {
            id: self.id,
            entity,
            key: self.key,
            op,
            payload,
            created_at: self.created_at,
            attempts: u32::try_from(self.attempts).unwrap_or(u32::MAX),
            last_error: self.last_error,
        })
    }
}
