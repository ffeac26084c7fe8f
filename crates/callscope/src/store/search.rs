//! Full-text search over transcripts, summaries, names and topics (SQLite FTS5).
//!
//! Whatever the user types is searched as plain words: each word is quoted as an FTS5 string,
//! so quotes, `AND`/`OR`/`NOT`/`NEAR`, `*`, `-`, parentheses and `column:` prefixes never reach
//! the query parser as syntax. All words must occur (in any column, any order).

use rusqlite::params_from_iter;
use rusqlite::types::Value as SqlValue;
use serde::Serialize;

use super::query::{conditions, CallFilter, CallRow, RawRow, ROW_COLUMNS};
use super::{Store, StoreError};

/// A call that matched a search, with the passage that matched.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchHit {
    pub call: CallRow,
    /// The best-matching passage, split into plain and matched parts.
    pub snippet: Vec<SnippetPart>,
}

/// A piece of a search snippet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SnippetPart {
    pub text: String,
    /// Whether this piece is a searched word (to be highlighted).
    pub matched: bool,
}

impl SearchHit {
    /// The snippet as one string with matched words wrapped in `open` … `close`.
    pub fn snippet_marked(&self, open: &str, close: &str) -> String {
        self.snippet
            .iter()
            .map(|p| {
                if p.matched {
                    format!("{open}{}{close}", p.text)
                } else {
                    p.text.clone()
                }
            })
            .collect()
    }
}

/// Marks `snippet()` puts around matches; control characters never typed in a transcript.
const MATCH_START: &str = "\u{1}";
const MATCH_END: &str = "\u{2}";
/// Words of context in a snippet.
const SNIPPET_WORDS: i64 = 16;

impl Store {
    /// The calls whose transcript, summary, names, topic or file name contain every word of
    /// `query`, best match first. Empty or punctuation-only queries find nothing.
    pub fn search(
        &self,
        query: &str,
        filter: &CallFilter,
        limit: u32,
    ) -> Result<Vec<SearchHit>, StoreError> {
        let Some(fts_query) = fts_query(query) else {
            return Ok(Vec::new());
        };
        let mut params = vec![
            SqlValue::Text(MATCH_START.into()),
            SqlValue::Text(MATCH_END.into()),
            SqlValue::Integer(SNIPPET_WORDS),
            SqlValue::Text(fts_query),
        ];
        let mut conds = vec!["calls_fts MATCH ?".to_string()];
        conds.extend(conditions(filter, &mut params));
        params.push(SqlValue::Integer(i64::from(
            limit.min(super::Paging::MAX_LIMIT),
        )));
        let sql = format!(
            "SELECT {ROW_COLUMNS}, snippet(calls_fts, -1, ?, ?, '…', ?) AS snippet
             FROM calls_fts JOIN general g ON g.id = calls_fts.rowid
             WHERE {} ORDER BY calls_fts.rank LIMIT ?",
            conds.join(" AND ")
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.sql_error(e))?;
        let raw = stmt
            .query_map(params_from_iter(params), |r| {
                Ok((RawRow::read(r)?, r.get::<_, String>("snippet")?))
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.sql_error(e))?;
        raw.into_iter()
            .map(|(row, snippet)| {
                Ok(SearchHit {
                    call: row.decode(&self.path)?,
                    snippet: split_snippet(&snippet),
                })
            })
            .collect()
    }
}

/// The user's text as an FTS5 query of quoted words, or `None` when it has no word at all.
///
/// A token without any letter or digit (`-`, `*`, `(`, an emoji) would become an empty
/// phrase, so it is dropped; inside a kept token `"` is doubled, as FTS5 strings require.
fn fts_query(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split_whitespace()
        .filter(|token| token.chars().any(char::is_alphanumeric))
        .map(|token| format!("\"{}\"", token.replace('"', "\"\"")))
        .collect();
    if terms.is_empty() {
        None
    } else {
        Some(terms.join(" "))
    }
}

/// Split a snippet marked with `MATCH_START`/`MATCH_END` into parts.
fn split_snippet(marked: &str) -> Vec<SnippetPart> {
    let mut parts = Vec::new();
    let mut rest = marked;
    while let Some(start) = rest.find(MATCH_START) {
        if start > 0 {
            parts.push(SnippetPart {
                text: rest[..start].to_string(),
                matched: false,
            });
        }
        let after = &rest[start + MATCH_START.len()..];
        let end = after.find(MATCH_END).unwrap_or(after.len());
        parts.push(SnippetPart {
            text: after[..end].to_string(),
            matched: true,
        });
        rest = after.get(end + MATCH_END.len()..).unwrap_or("");
    }
    if !rest.is_empty() {
        parts.push(SnippetPart {
            text: rest.to_string(),
            matched: false,
        });
    }
    parts
}
