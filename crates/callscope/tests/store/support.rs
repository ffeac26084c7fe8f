//! Calls to store: one realistic call built from a fixture, and light calls in bulk.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use callscope::call::{CallAnalysis, ConversationMetrics, Redaction, StageTokenUsage, Transcription};
use callscope::call::{GeneralInfo, Resolution, Sentiment, SentimentTrend, TokenUsage, TurnSentiment};
use callscope::store::{CallRow, Store};
use callscope::stt::{Segment, Speaker};
use serde_json::Value;
use tempfile::TempDir;

/// A new library in a temporary folder (kept while the `TempDir` lives).
pub fn library() -> (TempDir, Store) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&library_path(&dir)).expect("open library");
    (dir, store)
}

/// The library file of a `library()`.
pub fn library_path(dir: &TempDir) -> PathBuf {
    dir.path().join("library/callscope.sqlite3")
}

/// A count read straight from the file, for what the public API does not show.
pub fn count_rows(path: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open(path).expect("open raw connection");
    conn.query_row(sql, [], |r| r.get(0)).expect("count rows")
}

/// The ids of a page of calls, in order.
pub fn ids(page: &[CallRow]) -> Vec<i64> {
    page.iter().map(|r| r.id).collect()
}

fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures/calls")
        .join(name)
}

/// call_06 (an overdue insurance premium paid by card) as the pipeline would store it: turns
/// become segments with synthetic timings (330 ms a word, the fixture's pauses between turns).
pub fn premium_payment_call() -> CallAnalysis {
    let text = std::fs::read_to_string(fixture_path("call_06.json"))
        .expect("fixture call_06.json is readable");
    let fixture: Value = serde_json::from_str(&text).expect("fixture call_06.json is JSON");
    let expected = &fixture["expected"];

    let mut segments = Vec::new();
    let mut cursor_ms = 250u64;
    for turn in fixture["turns"].as_array().expect("fixture has turns") {
        let text = turn["text"].as_str().unwrap_or_default().to_string();
        let words = text.split_whitespace().count() as u64;
        let speaker = if turn["speaker"] == "agent" {
            Speaker::Agent
        } else {
            Speaker::Customer
        };
        let end_ms = cursor_ms + (words * 330).max(800);
        segments.push(Segment {
            start_ms: cursor_ms,
            end_ms,
            speaker,
            text,
            confidence: 0.875,
        });
        cursor_ms = end_ms + turn["pause_after_ms"].as_u64().unwrap_or(0);
    }
    let duration_ms = cursor_ms + 600;
    let plain = segments
        .iter()
        .map(|s| s.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    let fields: BTreeMap<String, Value> =
        serde_json::from_value(expected["fields"].clone()).expect("fields object");
    let label = |key: &str| expected[key].clone();
    let redactions = [
        ("account_number", 3),
        ("date_of_birth", 5),
        ("card", 11),
        ("email", 19),
    ]
    .iter()
    .map(|(kind, seg)| Redaction {
        kind: (*kind).to_string(),
        start_ms: segments[*seg].start_ms,
    })
    .collect();
    let turn_sentiments = segments
        .iter()
        .enumerate()
        .map(|(i, s)| TurnSentiment {
            segment: i,
            start_ms: s.start_ms,
            score: (i as f32 * 0.037) - 0.2,
        })
        .collect();

    CallAnalysis {
        call_id: 0,
        file_name: "call_06.wav".into(),
        duration_ms,
        domain: fixture["domain"].as_str().unwrap_or_default().into(),
        category: fixture["category"].as_str().unwrap_or_default().into(),
        domain_confidence: 0.93,
        transcription: Transcription {
            text: plain,
            segments,
        },
        domain_specific_data: fields,
        general: GeneralInfo {
            agent_name: Some("Luis".into()),
            customer_name: Some("Yuki Tanaka".into()),
            sentiment: serde_json::from_value(label("sentiment")).expect("sentiment label"),
            sentiment_trend: serde_json::from_value(label("sentiment_trend")).expect("trend label"),
            resolution: serde_json::from_value(label("resolution")).expect("resolution label"),
            call_reason: expected["call_reason"].as_str().unwrap_or_default().into(),
            follow_up_actions: serde_json::from_value(label("follow_up_actions"))
                .expect("follow-ups"),
        },
        metrics: ConversationMetrics {
            agent_talk_pct: 0.5125,
            customer_talk_pct: 0.3741,
            silence_pct: 0.1134,
            longest_silence_ms: 500,
            overtalk_count: 1,
            overtalk_ms: 120,
            interruptions_by_agent: 0,
            interruptions_by_customer: 1,
            agent_wpm: 171.3,
            customer_wpm: 158.9,
            agent_turns: 12,
            customer_turns: 11,
        },
        turn_sentiments,
        summary: "Customer paid an overdue auto insurance premium of $412.60 by Visa; \
                  autopay re-enrolled, confirmation PMT50381."
            .into(),
        redactions,
        token_usage: StageTokenUsage::from_stages(
            TokenUsage {
                input: 1830,
                output: 42,
            },
            TokenUsage {
                input: 2210,
                output: 515,
            },
            TokenUsage {
                input: 0,
                output: 0,
            },
        ),
        provider: "offline".into(),
        model: "offline-rules-1".into(),
        transcriber: "whisper.cpp (ggml-tiny.en-q8_0.bin)".into(),
        created_at: "2025-11-03T10:15:00Z".into(),
        analysis_error: None,
        generic_prompt: false,
    }
}

/// A small call, varied by `i`: four domains, three sentiments, four resolutions, four agents,
/// one call a day (UTC) from 2025-01-01, durations growing with `i`.
pub fn light_call(i: u64) -> CallAnalysis {
    let (domain, category) = [
        ("insurance", "claim_inquiry"),
        ("internet", "technical_support"),
        ("healthcare", "billing_inquiry"),
        ("insurance", "premium_payment"),
    ][(i % 4) as usize];
    let sentiment =
        [Sentiment::Positive, Sentiment::Neutral, Sentiment::Negative][(i % 3) as usize];
    let resolution = [
        Resolution::Resolved,
        Resolution::Unresolved,
        Resolution::Escalated,
        Resolution::FollowUp,
    ][(i % 4) as usize];
    let agent = ["Maria Lopez", "DEVON Price", "Aisha Khan", "Tom Reyes"][((i / 4) % 4) as usize];
    let day = time::Date::from_calendar_date(2025, time::Month::January, 1).expect("valid date")
        + time::Duration::days((i % 3650) as i64);
    CallAnalysis {
        call_id: 0,
        file_name: format!("call_{i:06}.wav"),
        duration_ms: 30_000 + i * 1_000,
        domain: domain.into(),
        category: category.into(),
        domain_confidence: 0.8,
        transcription: Transcription {
            text: format!("light call number {i}"),
            segments: Vec::new(),
        },
        domain_specific_data: BTreeMap::new(),
        general: GeneralInfo {
            agent_name: Some(agent.into()),
            customer_name: None,
            sentiment,
            sentiment_trend: SentimentTrend::Stable,
            resolution,
            call_reason: "question".into(),
            follow_up_actions: Vec::new(),
        },
        metrics: ConversationMetrics::default(),
        turn_sentiments: Vec::new(),
        summary: format!("Light call {i} about {category}."),
        redactions: Vec::new(),
        token_usage: StageTokenUsage::default(),
        provider: "offline".into(),
        model: "offline-rules-1".into(),
        transcriber: "whisper.cpp (ggml-tiny.en-q8_0.bin)".into(),
        created_at: format!("{day}T12:00:00Z"),
        analysis_error: None,
        generic_prompt: false,
    }
}
