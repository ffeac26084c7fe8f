//! Listing and counting calls: filters, sort orders, pages and the light row list views show.

use std::path::Path;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params_from_iter, Row};
use serde::{Deserialize, Deserializer, Serialize};
use time::Date;

use crate::call::{Resolution, Sentiment};

use super::codec::{from_label, label};
use super::{clock, Store, StoreError};

/// Which calls to show; every criterion left `None` matches all calls.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct CallFilter {
    pub domain: Option<String>,
    pub category: Option<String>,
    pub sentiment: Option<Sentiment>,
    pub resolution: Option<Resolution>,
    /// Part of the agent's name; case is ignored for ASCII letters.
    pub agent: Option<String>,
    /// First day included (UTC), by when the call was analysed; `YYYY-MM-DD` in JSON.
    #[serde(deserialize_with = "optional_date")]
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub since: Option<Date>,
    /// Last day included (UTC), by when the call was analysed; `YYYY-MM-DD` in JSON.
    #[serde(deserialize_with = "optional_date")]
    #[cfg_attr(feature = "specta", specta(type = Option<String>))]
    pub until: Option<Date>,
}

/// A `YYYY-MM-DD` date, where blank or absent means no date.
fn optional_date<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Date>, D::Error> {
    let text: Option<String> = Option::deserialize(deserializer)?;
    match text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => clock::parse_date(t).map(Some).map_err(serde::de::Error::custom),
    }
}

/// The order of a call list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum CallSort {
    /// Most recently analysed first.
    #[default]
    Newest,
    /// Oldest first.
    Oldest,
    /// Longest call first.
    Longest,
    /// Shortest call first.
    Shortest,
}

/// Which slice of a list to return.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Paging {
    pub sort: CallSort,
    /// At most this many rows (capped at `Paging::MAX_LIMIT`).
    pub limit: u32,
    /// Rows to skip first.
    pub offset: u64,
}

impl Paging {
    /// The largest page the library returns at once.
    pub const MAX_LIMIT: u32 = 10_000;
}

impl Default for Paging {
    fn default() -> Self {
        Paging {
            sort: CallSort::Newest,
            limit: 50,
            offset: 0,
        }
    }
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The offset this page starts at.
    pub offset: u64,
    /// Whether rows follow this page (ask again with `offset + items.len()`).
    pub has_more: bool,
}

/// A call as list views show it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CallRow {
    pub id: i64,
    pub file_name: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    pub duration_ms: u64,
    pub domain: String,
    pub category: String,
    pub sentiment: Sentiment,
    pub resolution: Resolution,
    pub agent_name: Option<String>,
    pub customer_name: Option<String>,
    /// The start of the summary, cut at a word with `…` when longer.
    pub summary_snippet: String,
}

/// The `general` columns a `CallRow` is read from (table aliased `g`).
pub(crate) const ROW_COLUMNS: &str = "g.id, g.file_name, g.created_at, g.duration_ms, g.domain, \
     g.category, g.sentiment, g.resolution, g.agent_name, g.customer_name, \
     substr(g.summary, 1, 400) AS summary_head";

/// Characters of summary a `CallRow` carries.
const SNIPPET_CHARS: usize = 160;

impl Store {
    /// One page of the calls matching `filter`, in `paging.sort` order.
    pub fn list_calls(
        &self,
        filter: &CallFilter,
        paging: Paging,
    ) -> Result<Page<CallRow>, StoreError> {
        let limit = paging.limit.min(Paging::MAX_LIMIT);
        let (sql, params) = list_sql(filter, paging.sort, limit, paging.offset);
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.sql_error(e))?;
        let raw = stmt
            .query_map(params_from_iter(params), RawRow::read)
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.sql_error(e))?;
        let has_more = raw.len() > limit as usize;
        let items = raw
            .into_iter()
            .take(limit as usize)
            .map(|r| r.decode(&self.path))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page {
            items,
            offset: paging.offset,
            has_more,
        })
    }

    /// How many calls match `filter`.
    pub fn count_calls(&self, filter: &CallFilter) -> Result<u64, StoreError> {
        let mut params = Vec::new();
        let sql = format!(
            "SELECT count(*) FROM general g{}",
            where_sql(filter, &mut params)
        );
        let count: i64 = self
            .conn
            .query_row(&sql, params_from_iter(params), |row| row.get(0))
            .map_err(|e| self.sql_error(e))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// How SQLite will run `list_calls` for this filter (one line per step of
    /// `EXPLAIN QUERY PLAN`), for diagnosing a slow library.
    pub fn list_query_plan(
        &self,
        filter: &CallFilter,
        paging: Paging,
    ) -> Result<Vec<String>, StoreError> {
        let (sql, params) = list_sql(
            filter,
            paging.sort,
            paging.limit.min(Paging::MAX_LIMIT),
            paging.offset,
        );
        let mut stmt = self
            .conn
            .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
            .map_err(|e| self.sql_error(e))?;
        stmt.query_map(params_from_iter(params), |row| row.get::<_, String>(3))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.sql_error(e))
    }
}

/// The list query and its parameters; asks for one row more than `limit` to learn `has_more`.
fn list_sql(
    filter: &CallFilter,
    sort: CallSort,
    limit: u32,
    offset: u64,
) -> (String, Vec<SqlValue>) {
    let mut params = Vec::new();
    let order = match sort {
        CallSort::Newest => "g.created_ms DESC, g.id DESC",
        CallSort::Oldest => "g.created_ms ASC, g.id ASC",
        CallSort::Longest => "g.duration_ms DESC, g.id DESC",
        CallSort::Shortest => "g.duration_ms ASC, g.id ASC",
    };
    let mut sql = format!(
        "SELECT {ROW_COLUMNS} FROM general g{}",
        where_sql(filter, &mut params)
    );
    sql.push_str(&format!(" ORDER BY {order} LIMIT ? OFFSET ?"));
    params.push(SqlValue::Integer(i64::from(limit) + 1));
    params.push(SqlValue::Integer(i64::try_from(offset).unwrap_or(i64::MAX)));
    (sql, params)
}

/// ` WHERE …` for the filter over `general g` (empty when it matches everything); pushes the
/// values its `?` placeholders take, in order.
pub(crate) fn where_sql(filter: &CallFilter, params: &mut Vec<SqlValue>) -> String {
    let conditions = conditions(filter, params);
    if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    }
}

/// The filter's conditions over `general g`, to be joined with `AND`.
pub(crate) fn conditions(filter: &CallFilter, params: &mut Vec<SqlValue>) -> Vec<String> {
    let mut out = Vec::new();
    let mut text = |column: &str, value: &Option<String>, out: &mut Vec<String>| {
        if let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            out.push(format!("g.{column} = ?"));
            params.push(SqlValue::Text(value.to_string()));
        }
    };
    text("domain", &filter.domain, &mut out);
    text("category", &filter.category, &mut out);
    text("sentiment", &filter.sentiment.as_ref().map(label), &mut out);
    text(
        "resolution",
        &filter.resolution.as_ref().map(label),
        &mut out,
    );
    if let Some(agent) = filter
        .agent
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        out.push("g.agent_name LIKE ? ESCAPE '\\'".to_string());
        let escaped = agent
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        params.push(SqlValue::Text(format!("%{escaped}%")));
    }
    if let Some(since) = filter.since {
        out.push("g.created_ms >= ?".to_string());
        params.push(SqlValue::Integer(clock::day_start_ms(since)));
    }
    if let Some(next_day) = filter.until.and_then(|d| d.next_day()) {
        out.push("g.created_ms < ?".to_string());
        params.push(SqlValue::Integer(clock::day_start_ms(next_day)));
    }
    out
}

/// A `CallRow` before its labels are decoded.
pub(crate) struct RawRow {
    id: i64,
    file_name: String,
    created_at: String,
    duration_ms: i64,
    domain: String,
    category: String,
    sentiment: String,
    resolution: String,
    agent_name: Option<String>,
    customer_name: Option<String>,
    summary_head: String,
}

impl RawRow {
    /// Read the `ROW_COLUMNS` of a result row.
    pub(crate) fn read(r: &Row) -> rusqlite::Result<RawRow> {
        Ok(RawRow {
            id: r.get("id")?,
            file_name: r.get("file_name")?,
            created_at: r.get("created_at")?,
            duration_ms: r.get("duration_ms")?,
            domain: r.get("domain")?,
            category: r.get("category")?,
            sentiment: r.get("sentiment")?,
            resolution: r.get("resolution")?,
            agent_name: r.get("agent_name")?,
            customer_name: r.get("customer_name")?,
            summary_head: r.get("summary_head")?,
        })
    }

    /// The row with its labels decoded.
    pub(crate) fn decode(self, path: &Path) -> Result<CallRow, StoreError> {
        Ok(CallRow {
            id: self.id,
            file_name: self.file_name,
            created_at: self.created_at,
            duration_ms: u64::try_from(self.duration_ms).unwrap_or(0),
            domain: self.domain,
            category: self.category,
            sentiment: from_label(path, "sentiment", &self.sentiment)?,
            resolution: from_label(path, "resolution", &self.resolution)?,
            agent_name: self.agent_name,
            customer_name: self.customer_name,
            summary_snippet: shorten(&self.summary_head, SNIPPET_CHARS),
        })
    }
}

/// `text` cut to at most `max_chars` characters at a word boundary, with `…` when cut.
pub(crate) fn shorten(text: &str, max_chars: usize) -> String {
    let text = text.trim();
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let at_word = match cut.rfind(char::is_whitespace) {
        Some(space) if space > cut.len() / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!(
        "{}…",
        at_word.trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == '.')
    )
}
