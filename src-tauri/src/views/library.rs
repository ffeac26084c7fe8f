//! The call library as list views see it: filters, pages of rows and search hits.

use callscope::store::{parse_date, CallFilter, CallRow, Page, SearchHit, SnippetPart, StoreError};
use serde::{Deserialize, Serialize};
use specta::Type;

use super::labels::{ResolutionLabel, SentimentLabel};

/// Which calls to show; empty or absent criteria match every call.
#[derive(Debug, Clone, Default, Deserialize, Type)]
pub struct LibraryFilter {
    pub domain: Option<String>,
    pub category: Option<String>,
    pub sentiment: Option<SentimentLabel>,
    pub resolution: Option<ResolutionLabel>,
    /// Part of the agent's name.
    pub agent: Option<String>,
    /// First day included, `YYYY-MM-DD`.
    pub since: Option<String>,
    /// Last day included, `YYYY-MM-DD`.
    pub until: Option<String>,
}

impl LibraryFilter {
    /// The engine's filter; a malformed date is an error naming the date.
    pub fn to_engine(&self) -> Result<CallFilter, StoreError> {
        let date = |d: &Option<String>| {
            d.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(parse_date).transpose()
        };
        Ok(CallFilter {
            domain: self.domain.clone(),
            category: self.category.clone(),
            sentiment: self.sentiment.map(Into::into),
            resolution: self.resolution.map(Into::into),
            agent: self.agent.clone(),
            since: date(&self.since)?,
            until: date(&self.until)?,
        })
    }
}

/// A call as list views show it.
#[derive(Debug, Clone, Serialize, Type)]
pub struct CallRowView {
    pub id: i64,
    pub file_name: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    pub duration_ms: u64,
    pub domain: String,
    pub category: String,
    pub sentiment: SentimentLabel,
    pub resolution: ResolutionLabel,
    pub agent_name: Option<String>,
    pub customer_name: Option<String>,
    pub summary_snippet: String,
}

/// One page of the call list.
#[derive(Debug, Clone, Serialize, Type)]
pub struct CallPage {
    pub items: Vec<CallRowView>,
    pub offset: u64,
    pub has_more: bool,
}

/// A call that matched a search, with the passage that matched.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SearchHitView {
    pub call: CallRowView,
    pub snippet: Vec<SnippetPartView>,
}

/// A piece of a search snippet; matched pieces are highlighted.
#[derive(Debug, Clone, Serialize, Type)]
pub struct SnippetPartView {
    pub text: String,
    pub matched: bool,
}

impl From<CallRow> for CallRowView {
    fn from(r: CallRow) -> Self {
        let CallRow {
            id,
            file_name,
            created_at,
            duration_ms,
            domain,
            category,
            sentiment,
            resolution,
            agent_name,
            customer_name,
            summary_snippet,
        } = r;
        CallRowView {
            id,
            file_name,
            created_at,
            duration_ms,
            domain,
            category,
            sentiment: sentiment.into(),
            resolution: resolution.into(),
            agent_name,
            customer_name,
            summary_snippet,
        }
    }
}

impl From<Page<CallRow>> for CallPage {
    fn from(p: Page<CallRow>) -> Self {
        let Page { items, offset, has_more } = p;
        CallPage { items: items.into_iter().map(Into::into).collect(), offset, has_more }
    }
}

impl From<SearchHit> for SearchHitView {
    fn from(h: SearchHit) -> Self {
        let SearchHit { call, snippet } = h;
        SearchHitView { call: call.into(), snippet: snippet.into_iter().map(Into::into).collect() }
    }
}

impl From<SnippetPart> for SnippetPartView {
    fn from(p: SnippetPart) -> Self {
        let SnippetPart { text, matched } = p;
        SnippetPartView { text, matched }
    }
}
