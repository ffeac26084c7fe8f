//! The call library: every analysed call, its transcript, the domain catalog and extraction
//! prompts in one local SQLite file, searchable offline and synced through an outbox.
//!
//! One `Store` is the writer; other threads or processes may open their own `Store` on the same
//! file to read (WAL mode lets them see the last committed state while a write is under way).
//! Every change to a call, prompt or domain enqueues an outbox row in the same transaction.
//! The schema is described in docs/schema.md.

mod calls;
mod catalog;
mod clock;
mod codec;
mod error;
mod insert;
mod live;
mod outbox;
mod query;
mod read;
mod reanalysis;
mod schema;
mod search;
mod shared;
mod usage;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, TransactionBehavior};

pub use clock::parse_date;
pub use error::StoreError;
pub use live::LiveCapture;
pub use outbox::{OutboxEntity, OutboxEntry, OutboxOp};
pub use query::{CallFilter, CallRow, CallSort, Page, Paging};
pub use schema::SCHEMA_VERSION;
pub use search::{SearchHit, SnippetPart};
pub use shared::Library;
pub use usage::{UsageGrouping, UsageReport, UsageRow};
pub use time::Date;

pub use calls::{CallDetail, FieldCorrection, ShownCall};

/// How long a statement waits for another process's write lock before giving up with `Locked`.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// An open call library.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Open (creating if needed) the library at `path` and bring its schema up to date.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                path: dir.to_path_buf(),
                source,
            })?;
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|e| StoreError::from_sqlite(path, e))?;
        Store::prepare(conn, path.to_path_buf())
    }

    /// A private library in memory, gone when dropped (for tests and previews).
    pub fn open_in_memory() -> Result<Store, StoreError> {
        let path = PathBuf::from(":memory:");
        let conn = Connection::open_in_memory().map_err(|e| StoreError::from_sqlite(&path, e))?;
        Store::prepare(conn, path)
    }

    /// The file this library lives in (`:memory:` for an in-memory library).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The schema version of the open file (equals `SCHEMA_VERSION` once opened).
    pub fn schema_version(&self) -> Result<usize, StoreError> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|e| self.sql_error(e))?;
        Ok(usize::try_from(version).unwrap_or(0))
    }

    fn prepare(mut conn: Connection, path: PathBuf) -> Result<Store, StoreError> {
        let fail = |e| StoreError::from_sqlite(&path, e);
        conn.busy_timeout(BUSY_TIMEOUT).map_err(fail)?;
        // Every transaction here writes. Taking the write lock at BEGIN lets a transaction that
        // reads before it writes wait for another writer (busy_timeout) instead of failing when
        // that writer commits between its read and its write.
        conn.set_transaction_behavior(TransactionBehavior::Immediate);
        // journal_mode answers with a row, so it is queried rather than executed.
        let _mode: String = conn
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(fail)?;
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")
            .map_err(fail)?;
        schema::migrations()
            .to_latest(&mut conn)
            .map_err(|e| StoreError::from_migration(&path, e))?;
        Ok(Store { conn, path })
    }

    fn sql_error(&self, err: rusqlite::Error) -> StoreError {
        StoreError::from_sqlite(&self.path, err)
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // SQLite's advice for connections about to close: refresh the planner's statistics
        // where they went stale. Failing here only means a later query plans with older ones.
        let _ = self.conn.execute_batch("PRAGMA optimize;");
    }
}

/// Bring the library at `path` to exactly `version` (at most `SCHEMA_VERSION`) without opening
/// it for use: for upgrade tests and tools that need a file at an older schema.
pub fn migrate_to_version(path: &Path, version: usize) -> Result<(), StoreError> {
    let mut conn = Connection::open(path).map_err(|e| StoreError::from_sqlite(path, e))?;
    conn.execute_batch("PRAGMA foreign_keys = ON;")
        .map_err(|e| StoreError::from_sqlite(path, e))?;
    schema::migrations()
        .to_version(&mut conn, version)
        .map_err(|e| StoreError::from_migration(path, e))
}
