//! What the library keeps about a call that was recorded live.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::{Store, StoreError};

/// How a call was recorded live (none for a call from a file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct LiveCapture {
    /// When the call started, RFC 3339 UTC.
    pub started_at: String,
    /// How long it was recorded.
    pub duration_ms: u64,
    /// The agent's microphone, when captured.
    pub agent_device: Option<String>,
    /// The customer's system audio source, when captured.
    pub customer_device: Option<String>,
    /// The recording was cut short by a crash and repaired at a later start.
    pub recovered: bool,
}

impl Store {
    /// Record that call `id` was recorded live, as `capture` says (replacing what was said).
    pub fn set_live_capture(&mut self, id: i64, capture: &LiveCapture) -> Result<(), StoreError> {
        let changed = self
            .conn
            .execute(
                "INSERT INTO live_calls (call_id, started_at, duration_ms, agent_device, customer_device, recovered)
                 SELECT id, ?2, ?3, ?4, ?5, ?6 FROM general WHERE id = ?1
                 ON CONFLICT (call_id) DO UPDATE SET started_at = excluded.started_at,
                     duration_ms = excluded.duration_ms, agent_device = excluded.agent_device,
                     customer_device = excluded.customer_device, recovered = excluded.recovered",
                params![
                    id,
                    capture.started_at,
                    i64::try_from(capture.duration_ms).unwrap_or(i64::MAX),
                    capture.agent_device,
                    capture.customer_device,
                    capture.recovered
                ],
            )
            .map_err(|e| self.sql_error(e))?;
        if changed == 0 {
            return Err(StoreError::CallNotFound { id });
        }
        Ok(())
    }

    /// How call `id` was recorded live, or `None` when it came from a file.
    pub fn live_capture(&self, id: i64) -> Result<Option<LiveCapture>, StoreError> {
        self.conn
            .query_row(
                "SELECT started_at, duration_ms, agent_device, customer_device, recovered FROM live_calls WHERE call_id = ?1",
                [id],
                |row| {
                    Ok(LiveCapture {
                        started_at: row.get(0)?,
                        duration_ms: u64::try_from(row.get::<_, i64>(1)?).unwrap_or(0),
                        agent_device: row.get(2)?,
                        customer_device: row.get(3)?,
                        recovered: row.get(4)?,
                    })
                },
            )
            .optional()
            .map_err(|e| self.sql_error(e))
    }
}
