//! Measuring an analysis against ground truth (the fixture format: `expected` with names,
//! sentiment, trend, resolution, fields, PII and summary keywords). Used by the accuracy tests
//! and reusable by any accuracy harness.

mod fields;
mod pair;
mod pii;
mod values;

pub use fields::{score_fields, FieldScore, KEY_SYNONYMS};
pub use pair::{pair_matches, same_domain, PairMatch};
pub use values::{content_words, name_matches, text_match, values_match};
pub use pii::{pii_recall, PiiScore};

use serde_json::Value as Json;

use crate::analysis::redact::RedactedTranscript;
use crate::call::{Resolution, Sentiment, SentimentTrend};
use crate::call::Findings;

/// One call's result against its ground truth.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallScore {
    /// Domain-specific fields.
    pub fields: FieldScore,
    /// PII redaction recall.
    pub pii: PiiScore,
    /// Whether the agent's name matched (both absent counts as a match).
    pub agent_name: bool,
    /// Whether the customer's name matched.
    pub customer_name: bool,
    /// Whether the overall sentiment label matched.
    pub sentiment: bool,
    /// Whether the sentiment trend matched ("worsening" = declining).
    pub trend: bool,
    /// Whether the resolution matched.
    pub resolution: bool,
    /// Summary keywords whose content words all appear in the summary, and how many there are.
    pub summary_keywords: (usize, usize),
}

/// The expected PII items of a ground-truth object as `(type, value)`.
pub fn expected_pii(expected: &Json) -> Vec<(String, String)> {
    expected["pii"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| (i["type"].as_str().unwrap_or_default().to_string(), i["value"].as_str().unwrap_or_default().to_string()))
                .collect()
        })
        .unwrap_or_default()
}

fn sentiment_label(s: Sentiment) -> &'static str {
    match s {
        Sentiment::Positive => "positive",
        Sentiment::Neutral => "neutral",
        Sentiment::Negative => "negative",
    }
}

/// "worsening" and "declining" name the same trend.
fn trend_label(t: SentimentTrend) -> &'static [&'static str] {
    match t {
        SentimentTrend::Improving => &["improving"],
        SentimentTrend::Stable => &["stable"],
        SentimentTrend::Declining => &["declining", "worsening"],
    }
}

fn resolution_label(r: Resolution) -> &'static str {
    match r {
        Resolution::Resolved => "resolved",
        Resolution::Unresolved => "unresolved",
        Resolution::Escalated => "escalated",
        Resolution::FollowUp => "follow_up",
    }
}

/// Score an analysis and a redaction against a ground-truth `expected` object.
pub fn score_call(expected: &Json, analysis: &Findings, redacted: &RedactedTranscript) -> CallScore {
    let g = &analysis.general;
    let fields = expected["fields"].as_object().cloned().unwrap_or_default();
    let keywords: Vec<&str> = expected["summary_keywords"].as_array().map(|k| k.iter().filter_map(Json::as_str).collect()).unwrap_or_default();
    let summary_words = content_words(&analysis.summary);
    let covered = keywords.iter().filter(|k| content_words(k).iter().all(|w| summary_words.contains(w))).count();
    CallScore {
        fields: score_fields(&fields, &analysis.fields),
        pii: pii_recall(&expected_pii(expected), redacted),
        agent_name: name_matches(expected["agent_name"].as_str(), g.agent_name.as_deref()),
        customer_name: name_matches(expected["customer_name"].as_str(), g.customer_name.as_deref()),
        sentiment: expected["sentiment"].as_str() == Some(sentiment_label(g.sentiment)),
        trend: expected["sentiment_trend"].as_str().is_some_and(|t| trend_label(g.sentiment_trend).contains(&t)),
        resolution: expected["resolution"].as_str() == Some(resolution_label(g.resolution)),
        summary_keywords: (covered, keywords.len()),
    }
}
