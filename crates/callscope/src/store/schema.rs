//! The library's schema, as an ordered list of migrations (documented in docs/schema.md).
//!
//! Never edit a migration that has shipped: add a new one at the end.

use rusqlite::{params, Transaction};
use rusqlite_migration::{HookResult, Migrations, M};

use crate::call::DomainCatalog;

use super::clock;

/// The schema version this build creates and expects.
pub const SCHEMA_VERSION: usize = 5;

/// Version 1: the call library (mirrors the original `general`, `domain_specific`, `prompts`
/// tables, plus segments, the domain catalog and the sync outbox).
const V1_LIBRARY: &str = r#"
CREATE TABLE general (
    id                              INTEGER PRIMARY KEY,
    uuid                            TEXT    NOT NULL UNIQUE,
    origin                          TEXT    NOT NULL DEFAULT 'local' CHECK (origin IN ('local', 'team')),
    file_name                       TEXT    NOT NULL,
    audio_path                      TEXT,
    duration_ms                     INTEGER NOT NULL,
    domain                          TEXT    NOT NULL,
    category                        TEXT    NOT NULL,
    domain_confidence               REAL    NOT NULL,
    sentiment                       TEXT    NOT NULL,
    sentiment_trend                 TEXT    NOT NULL,
    resolution                      TEXT    NOT NULL,
    agent_name                      TEXT,
    customer_name                   TEXT,
    call_reason                     TEXT    NOT NULL,
    follow_up_actions               TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(follow_up_actions)),
    summary                         TEXT    NOT NULL,
    transcript_text                 TEXT    NOT NULL,
    turn_sentiments                 TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(turn_sentiments)),
    redactions                      TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(redactions)),
    provider                        TEXT    NOT NULL,
    model                           TEXT    NOT NULL,
    stage1_input_tokens             INTEGER NOT NULL DEFAULT 0,
    stage1_output_tokens            INTEGER NOT NULL DEFAULT 0,
    stage2_input_tokens             INTEGER NOT NULL DEFAULT 0,
    stage2_output_tokens            INTEGER NOT NULL DEFAULT 0,
    prompt_generation_input_tokens  INTEGER NOT NULL DEFAULT 0,
    prompt_generation_output_tokens INTEGER NOT NULL DEFAULT 0,
    agent_talk_pct                  REAL    NOT NULL DEFAULT 0,
    customer_talk_pct               REAL    NOT NULL DEFAULT 0,
    silence_pct                     REAL    NOT NULL DEFAULT 0,
    longest_silence_ms              INTEGER NOT NULL DEFAULT 0,
    overtalk_count                  INTEGER NOT NULL DEFAULT 0,
    overtalk_ms                     INTEGER NOT NULL DEFAULT 0,
    interruptions_by_agent          INTEGER NOT NULL DEFAULT 0,
    interruptions_by_customer       INTEGER NOT NULL DEFAULT 0,
    agent_wpm                       REAL    NOT NULL DEFAULT 0,
    customer_wpm                    REAL    NOT NULL DEFAULT 0,
    agent_turns                     INTEGER NOT NULL DEFAULT 0,
    customer_turns                  INTEGER NOT NULL DEFAULT 0,
    created_at                      TEXT    NOT NULL,
    created_ms                      INTEGER NOT NULL,
    updated_at                      TEXT    NOT NULL
);
CREATE INDEX general_by_created    ON general (created_ms);
CREATE INDEX general_by_domain     ON general (domain, created_ms);
CREATE INDEX general_by_pair       ON general (domain, category, created_ms);
CREATE INDEX general_by_sentiment  ON general (sentiment, created_ms);
CREATE INDEX general_by_resolution ON general (resolution, created_ms);
CREATE INDEX general_by_duration   ON general (duration_ms);

CREATE TABLE domain_specific (
    id               INTEGER PRIMARY KEY,
    call_id          INTEGER NOT NULL UNIQUE REFERENCES general (id) ON DELETE CASCADE,
    data             TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(data)),
    corrected_fields TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(corrected_fields))
);

CREATE TABLE segments (
    call_id    INTEGER NOT NULL REFERENCES general (id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    start_ms   INTEGER NOT NULL,
    end_ms     INTEGER NOT NULL,
    speaker    TEXT    NOT NULL CHECK (speaker IN ('agent', 'customer', 'unknown')),
    text       TEXT    NOT NULL,
    confidence REAL    NOT NULL,
    PRIMARY KEY (call_id, idx)
) WITHOUT ROWID;

CREATE TABLE domains (
    id          INTEGER PRIMARY KEY,
    domain      TEXT NOT NULL,
    category    TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    UNIQUE (domain, category)
);

CREATE TABLE prompts (
    id         INTEGER PRIMARY KEY,
    domain     TEXT NOT NULL,
    category   TEXT NOT NULL,
    prompt     TEXT NOT NULL CHECK (json_valid(prompt)),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (domain, category),
    FOREIGN KEY (domain, category) REFERENCES domains (domain, category)
        ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE outbox (
    id         INTEGER PRIMARY KEY,
    entity     TEXT    NOT NULL CHECK (entity IN ('call', 'prompt', 'domain')),
    entity_key TEXT    NOT NULL,
    op         TEXT    NOT NULL CHECK (op IN ('upsert', 'delete')),
    payload    TEXT    CHECK (payload IS NULL OR json_valid(payload)),
    created_at TEXT    NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
);
"#;

/// The text indexed for one call, selected from `general` aliased `g`: the transcript (segment
/// texts in order, or the stored full text when a call has no segments), the summary, the people,
/// the topic and the file name. Shared by the backfill, the triggers and inserts.
///
/// The ordered subquery, rather than `group_concat(… ORDER BY …)`, keeps the schema readable by
/// SQLite before 3.44: older `sqlite3` shells and database browsers refuse the whole file
/// otherwise.
macro_rules! fts_source {
    () => {
        "SELECT g.id, \
            COALESCE((SELECT group_concat(t.text, char(10)) FROM \
                          (SELECT s.text FROM segments s WHERE s.call_id = g.id ORDER BY s.idx) t), \
                      g.transcript_text), \
            g.summary, \
            trim(COALESCE(g.agent_name, '') || ' ' || COALESCE(g.customer_name, '')), \
            g.domain || ' ' || g.category || ' ' || g.call_reason, \
            g.file_name \
         FROM general g"
    };
}

/// Version 2: full-text search. A regular (content-storing) FTS5 table keyed by call id, so
/// `snippet()` works; filled from existing calls, emptied by a trigger when a call is deleted.
const V2_SEARCH: &str = concat!(
    "CREATE VIRTUAL TABLE calls_fts USING fts5(\
        transcript, summary, people, topic, file_name, \
        tokenize = 'unicode61 remove_diacritics 2');\n",
    "INSERT INTO calls_fts (rowid, transcript, summary, people, topic, file_name) ",
    fts_source!(),
    ";\n",
    "CREATE TRIGGER general_fts_delete AFTER DELETE ON general BEGIN \
        DELETE FROM calls_fts WHERE rowid = old.id; END;\n",
    "CREATE TRIGGER general_fts_update AFTER UPDATE OF \
        summary, agent_name, customer_name, domain, category, call_reason, file_name, transcript_text \
        ON general BEGIN \
        DELETE FROM calls_fts WHERE rowid = new.id; \
        INSERT INTO calls_fts (rowid, transcript, summary, people, topic, file_name) ",
    fts_source!(),
    " WHERE g.id = new.id; END;\n",
);

/// Replace the search entry of one call (after its segments are written).
pub(crate) const REINDEX_CALL: &str = concat!(
    "INSERT INTO calls_fts (rowid, transcript, summary, people, topic, file_name) ",
    fts_source!(),
    " WHERE g.id = ?1"
);

/// Version 3: which speech engine and model transcribed each call.
const V3_TRANSCRIBER: &str = "ALTER TABLE general ADD COLUMN transcriber TEXT NOT NULL DEFAULT '';";

/// Version 4: an analysis whose extraction failed is kept with its error, to be retried; and
/// whether a generic prompt stood in for the pair's own.
const V4_ANALYSIS_OUTCOME: &str = "ALTER TABLE general ADD COLUMN analysis_error TEXT;
ALTER TABLE general ADD COLUMN generic_prompt INTEGER NOT NULL DEFAULT 0 CHECK (generic_prompt IN (0, 1));";

/// Version 5: calls recorded live: when they started, how long they ran, the devices of each
/// side, and whether the recording was recovered after a crash. One row per live call; a call
/// from a file has none.
const V5_LIVE_CALLS: &str = "CREATE TABLE live_calls (
    call_id         INTEGER PRIMARY KEY REFERENCES general (id) ON DELETE CASCADE,
    started_at      TEXT    NOT NULL,
    duration_ms     INTEGER NOT NULL,
    agent_device    TEXT,
    customer_device TEXT,
    recovered       INTEGER NOT NULL DEFAULT 0 CHECK (recovered IN (0, 1))
);";

/// Every migration, oldest first; the database's `user_version` counts how many have run.
pub(crate) fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up_with_hook(V1_LIBRARY, seed_catalog),
        M::up(V2_SEARCH),
        M::up(V3_TRANSCRIBER),
        M::up(V4_ANALYSIS_OUTCOME),
        M::up(V5_LIVE_CALLS),
    ])
}

/// Fill the catalog with the pairs the original system shipped with.
fn seed_catalog(tx: &Transaction) -> HookResult {
    let now = clock::now_rfc3339();
    let mut insert = tx.prepare(
        "INSERT INTO domains (domain, category, description, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?4)",
    )?;
    for entry in DomainCatalog::seed().entries {
        insert.execute(params![
            entry.domain,
            entry.category,
            entry.description,
            now
        ])?;
    }
    Ok(())
}
