//! Token usage and its cost across the library: per call, per day or per domain, for
//! `callscope calls stats` and the library screen.

use rusqlite::params_from_iter;
use serde::{Deserialize, Serialize};

use crate::call::{PriceTable, TokenUsage};

use super::query::where_sql;
use super::{CallFilter, Store, StoreError};

/// How a usage report groups calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "lowercase")]
pub enum UsageGrouping {
    /// One row per call.
    Call,
    /// One row per day the calls were analysed (UTC).
    #[default]
    Day,
    /// One row per domain.
    Domain,
}

/// Tokens and cost of one group of calls.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UsageRow {
    /// The call's id, the day (`YYYY-MM-DD`) or the domain; empty for the total.
    pub key: String,
    /// What a person reads: the call's file name, the day, the domain, `total`.
    pub label: String,
    pub calls: u64,
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub total_tokens: u64,
    /// Estimated from the price table, in US dollars.
    pub cost_usd: f64,
    /// Models that spent tokens here but have no price (counted as free), e.g. a local server's.
    pub unpriced_models: Vec<String>,
}

/// Token usage and cost of the calls matching a filter.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UsageReport {
    pub grouping: UsageGrouping,
    /// Oldest day, lowest call id or domain name first.
    pub rows: Vec<UsageRow>,
    pub total: UsageRow,
}

/// One group's tokens spent by one model, before pricing.
struct ModelTokens {
    key: String,
    label: String,
    model: String,
    calls: u64,
    usage: TokenUsage,
}

const SUMS: &str = "g.model, count(*), \
     sum(g.stage1_input_tokens + g.stage2_input_tokens + g.prompt_generation_input_tokens), \
     sum(g.stage1_output_tokens + g.stage2_output_tokens + g.prompt_generation_output_tokens)";

impl Store {
    /// Tokens and estimated cost of the calls matching `filter`, grouped by `grouping`, priced
    /// with `prices`.
    pub fn usage_report(&self, filter: &CallFilter, grouping: UsageGrouping, prices: &PriceTable) -> Result<UsageReport, StoreError> {
        let (key, label, order) = match grouping {
            UsageGrouping::Call => ("CAST(g.id AS TEXT)", "min(g.file_name)", "min(g.id)"),
            UsageGrouping::Day => ("substr(g.created_at, 1, 10)", "substr(g.created_at, 1, 10)", "1"),
            UsageGrouping::Domain => ("g.domain", "g.domain", "1"),
        };
        let mut params = Vec::new();
        let sql = format!(
            "SELECT {key}, {label}, {SUMS} FROM general g{} GROUP BY 1, 3 ORDER BY {order}, 3",
            where_sql(filter, &mut params)
        );
        let count = |v: i64| u64::try_from(v).unwrap_or(0);
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.sql_error(e))?;
        let parts = stmt
            .query_map(params_from_iter(params), |r| {
                Ok(ModelTokens {
                    key: r.get(0)?,
                    label: r.get(1)?,
                    model: r.get(2)?,
                    calls: count(r.get(3)?),
                    usage: TokenUsage { input: count(r.get(4)?), output: count(r.get(5)?) },
                })
            })
            .and_then(|rows| rows.collect::<Result<Vec<_>, _>>())
            .map_err(|e| self.sql_error(e))?;
        Ok(priced(grouping, parts, prices))
    }
}

/// Rows per group (a group's models folded together) and their total.
fn priced(grouping: UsageGrouping, parts: Vec<ModelTokens>, prices: &PriceTable) -> UsageReport {
    let mut rows: Vec<UsageRow> = Vec::new();
    let mut total = UsageRow { label: "total".into(), ..UsageRow::default() };
    for part in parts {
        if rows.last().is_none_or(|r| r.key != part.key) {
            rows.push(UsageRow { key: part.key.clone(), label: part.label.clone(), ..UsageRow::default() });
        }
        let Some(row) = rows.last_mut() else { continue };
        for target in [&mut *row, &mut total] {
            target.calls += part.calls;
            target.input_tokens += part.usage.input;
            target.output_tokens += part.usage.output;
            target.total_tokens += part.usage.total();
            match prices.price(&part.model) {
                Some(price) => target.cost_usd += price.cost(part.usage),
                None if part.usage.total() > 0 && !target.unpriced_models.contains(&part.model) => {
                    target.unpriced_models.push(part.model.clone());
                }
                None => {}
            }
        }
    }
    UsageReport { grouping, rows, total }
}
