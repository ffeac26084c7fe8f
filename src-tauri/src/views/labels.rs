//! The engine's small label enums as the UI sees them (same JSON spelling as the engine).

use callscope::llm::{Resolution, Sentiment, SentimentTrend};
use callscope::store::CallSort;
use callscope::stt::Speaker;
use serde::{Deserialize, Serialize};
use specta::Type;

/// Overall feeling of a call (`callscope::llm::Sentiment`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "lowercase")]
pub enum SentimentLabel {
    Positive,
    Neutral,
    Negative,
}

/// How the customer's sentiment moved (`callscope::llm::SentimentTrend`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "lowercase")]
pub enum TrendLabel {
    Improving,
    Stable,
    Declining,
}

/// How a call ended (`callscope::llm::Resolution`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "snake_case")]
pub enum ResolutionLabel {
    Resolved,
    Unresolved,
    Escalated,
    FollowUp,
}

/// Who spoke a segment (`callscope::stt::Speaker`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "lowercase")]
pub enum SpeakerLabel {
    Agent,
    Customer,
    Unknown,
}

/// The order of a call list (`callscope::store::CallSort`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Type)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    Newest,
    Oldest,
    Longest,
    Shortest,
}

impl From<Sentiment> for SentimentLabel {
    fn from(s: Sentiment) -> Self {
        match s {
            Sentiment::Positive => SentimentLabel::Positive,
            Sentiment::Neutral => SentimentLabel::Neutral,
            Sentiment::Negative => SentimentLabel::Negative,
        }
    }
}

impl From<SentimentLabel> for Sentiment {
    fn from(s: SentimentLabel) -> Self {
        match s {
            SentimentLabel::Positive => Sentiment::Positive,
            SentimentLabel::Neutral => Sentiment::Neutral,
            SentimentLabel::Negative => Sentiment::Negative,
        }
    }
}

impl From<SentimentTrend> for TrendLabel {
    fn from(t: SentimentTrend) -> Self {
        match t {
            SentimentTrend::Improving => TrendLabel::Improving,
            SentimentTrend::Stable => TrendLabel::Stable,
            SentimentTrend::Declining => TrendLabel::Declining,
        }
    }
}

impl From<Resolution> for ResolutionLabel {
    fn from(r: Resolution) -> Self {
        match r {
            Resolution::Resolved => ResolutionLabel::Resolved,
            Resolution::Unresolved => ResolutionLabel::Unresolved,
            Resolution::Escalated => ResolutionLabel::Escalated,
            Resolution::FollowUp => ResolutionLabel::FollowUp,
        }
    }
}

impl From<ResolutionLabel> for Resolution {
    fn from(r: ResolutionLabel) -> Self {
        match r {
            ResolutionLabel::Resolved => Resolution::Resolved,
            ResolutionLabel::Unresolved => Resolution::Unresolved,
            ResolutionLabel::Escalated => Resolution::Escalated,
            ResolutionLabel::FollowUp => Resolution::FollowUp,
        }
    }
}

impl From<Speaker> for SpeakerLabel {
    fn from(s: Speaker) -> Self {
        match s {
            Speaker::Agent => SpeakerLabel::Agent,
            Speaker::Customer => SpeakerLabel::Customer,
            Speaker::Unknown => SpeakerLabel::Unknown,
        }
    }
}

impl From<SortOrder> for CallSort {
    fn from(s: SortOrder) -> Self {
        match s {
            SortOrder::Newest => CallSort::Newest,
            SortOrder::Oldest => CallSort::Oldest,
            SortOrder::Longest => CallSort::Longest,
            SortOrder::Shortest => CallSort::Shortest,
        }
    }
}
