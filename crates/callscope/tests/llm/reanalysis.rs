//! What a call keeps when a stage after detection fails, and analysing it again: a failed
//! extraction is stored with its error and retried in place; a prompt that cannot be read or
//! generated is replaced by a generic one, and the call says so.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use callscope::llm::offline::OfflineProvider;
use callscope::pipeline::{block_on, reanalyze, PipelineError};
use callscope::progress::{ignore_progress, CancelToken};
use callscope::store::{OutboxEntity, OutboxOp, Store, StoreError};
use serde_json::json;

use super::model::{analyse, assert_private, asked, stored_calls, tokens, unusable_one_request, Asked, Wire, KEY};
use super::server::{Reply, Server};

/// A server whose extraction answers (one-request ones included) break the schema while
/// `broken` is set.
fn flaky_extraction(wire: Wire, broken: Arc<AtomicBool>) -> Server {
    Server::start(move |r, _| {
        if let Some(unusable) = unusable_one_request(wire, r).filter(|_| broken.load(Ordering::SeqCst)) {
            return unusable;
        }
        if asked(r) == Asked::Analysis && broken.load(Ordering::SeqCst) {
            return wire.reply(&json!({"fields": {}, "general": {}, "summary": 3}).to_string(), tokens(Asked::Analysis));
        }
        wire.correct(r)
    })
}

fn again(provider: &dyn callscope::llm::LlmProvider, store: &mut Store, id: i64) -> Result<callscope::call::CallAnalysis, PipelineError> {
    block_on(reanalyze(provider, store, id, false, &ignore_progress, &CancelToken::new()))
}

#[test]
fn a_call_whose_extraction_failed_is_analysed_again_in_place() {
    for wire in [Wire::Gemini, Wire::OpenAi] {
        let broken = Arc::new(AtomicBool::new(true));
        let server = flaky_extraction(wire, Arc::clone(&broken));
        let provider = wire.provider(&server.url(), KEY);
        let mut store = Store::open_in_memory().expect("library");
        let failed = analyse(provider.as_ref(), &mut store).expect("kept with its error");
        assert!(failed.analysis_error.is_some() && failed.domain_specific_data.is_empty());
        let before = store.outbox_pending(100).expect("outbox").len();

        broken.store(false, Ordering::SeqCst);
        let fixed = again(provider.as_ref(), &mut store, failed.call_id).expect("analysed again");
        assert_eq!(fixed.call_id, failed.call_id);
        assert_eq!(stored_calls(&store), 1, "replaced, not added");
        assert_eq!(fixed.analysis_error, None);
        assert_eq!(fixed.domain_specific_data.get("payment_amount"), Some(&json!(412.6)), "{:?}", fixed.domain_specific_data);
        // The stored transcript holds [CARD_1], not the card: no digits can come back, and a
        // placeholder is not kept as if it were the card's last four.
        assert_eq!(failed.redactions.iter().filter(|r| r.kind == "card").count(), 1);
        assert_eq!(fixed.domain_specific_data.get("card_last_four"), None, "{:?}", fixed.domain_specific_data);
        assert_eq!(fixed.domain_specific_data.get("confirmation_number"), Some(&json!("PMT50381")));
        // The pair's prompt was saved by the first analysis: one combined request.
        assert_eq!(fixed.token_usage.stage2_combined_analysis.input, tokens(Asked::Combined).input);
        assert_eq!(fixed.token_usage.stage1_transcription_and_detection.total, 0);
        assert_eq!(fixed.transcription.segments, failed.transcription.segments, "the transcript stays");
        assert_eq!(fixed.redactions, failed.redactions, "the redaction record stays");
        // The stored transcript is the redacted one: analysing again sends no personal data.
        assert_private(&server.received(), wire.key_header());
        let pending = store.outbox_pending(100).expect("outbox");
        assert_eq!(pending.len(), before + 1);
        let last = pending.last().expect("an entry");
        assert_eq!((last.entity, last.op), (OutboxEntity::Call, OutboxOp::Upsert));
        assert_eq!(last.payload.as_ref().and_then(|p| p["analysis_error"].as_str()), None, "the sync carries the new state");
    }
}

#[test]
fn a_failed_reanalysis_changes_nothing_and_another_provider_can_be_used() {
    let broken = Arc::new(AtomicBool::new(true));
    let server = flaky_extraction(Wire::Gemini, Arc::clone(&broken));
    let gemini = Wire::Gemini.provider(&server.url(), KEY);
    let mut store = Store::open_in_memory().expect("library");
    let first = analyse(gemini.as_ref(), &mut store).expect("kept");
    let detection_down = Server::start(|_, _| Reply::status(503, json!({"error": {"message": "overloaded"}})));
    let down = Wire::Gemini.provider(&detection_down.url(), KEY);
    let err = again(down.as_ref(), &mut store, first.call_id).expect_err("detection fails");
    assert!(matches!(err, PipelineError::Provider { .. }), "{err:?}");
    assert_eq!(store.call(first.call_id).expect("read"), Some(first.clone()), "nothing changed");

    let offline = again(&OfflineProvider::with_reference_year(2025), &mut store, first.call_id).expect("offline");
    assert_eq!((offline.provider.as_str(), offline.analysis_error.as_deref()), ("offline", None));
    assert_eq!(offline.token_usage.total.total, 0);

    let missing = again(&OfflineProvider::new(), &mut store, 4242).expect_err("no such call");
    assert!(matches!(missing, PipelineError::Store { source: StoreError::CallNotFound { id: 4242 }, .. }), "{missing:?}");
}

#[test]
fn a_prompt_that_cannot_be_generated_is_replaced_by_a_generic_one_until_one_can() {
    let prompt_down = Arc::new(AtomicBool::new(true));
    let down = Arc::clone(&prompt_down);
    let server = Server::start(move |r, _| {
        if let Some(unusable) = unusable_one_request(Wire::OpenAi, r).filter(|_| down.load(Ordering::SeqCst)) {
            return unusable;
        }
        if asked(r) == Asked::Prompt && down.load(Ordering::SeqCst) {
            return Reply::status(500, json!({"error": {"message": "internal"}}));
        }
        Wire::OpenAi.correct(r)
    });
    let provider = Wire::OpenAi.provider(&server.url(), KEY);
    let mut store = Store::open_in_memory().expect("library");
    let call = analyse(provider.as_ref(), &mut store).expect("analysed with a generic prompt");
    assert!(call.generic_prompt && call.analysis_error.is_none(), "{call:?}");
    assert_eq!(call.token_usage.prompt_generation.total, 0);
    assert_eq!(store.prompt("insurance", "premium_payment").expect("read"), None, "a generic prompt is not saved");
    let analysis = server.received().into_iter().find(|r| asked(r) == Asked::Analysis).expect("extraction still ran");
    assert!(analysis.json()["response_format"]["json_schema"]["schema"]["properties"]["fields"].is_object());

    prompt_down.store(false, Ordering::SeqCst);
    let next = analyse(provider.as_ref(), &mut store).expect("analysed");
    assert!(!next.generic_prompt);
    assert!(store.prompt("insurance", "premium_payment").expect("read").is_some(), "generated and saved once it could be");
}

#[test]
fn a_saved_prompt_that_cannot_be_read_is_replaced_by_a_generic_one() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("library.sqlite");
    let mut store = Store::open(&path).expect("library");
    {
        // A prompt row another program damaged: valid JSON, not a prompt.
        let conn = rusqlite::Connection::open(&path).expect("open the file");
        conn.execute(
            "INSERT OR IGNORE INTO domains (domain, category, description, created_at, updated_at) VALUES ('insurance', 'premium_payment', '', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')",
            [],
        )
        .expect("domain");
        conn.execute(
            "INSERT INTO prompts (domain, category, prompt, created_at, updated_at) VALUES ('insurance', 'premium_payment', '{\"oops\": 1}', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')",
            [],
        )
        .expect("damaged prompt");
    }
    assert!(store.prompt("insurance", "premium_payment").is_err(), "the damaged prompt cannot be read");
    let server = Server::start(|r, _| Wire::Gemini.correct(r));
    let call = analyse(Wire::Gemini.provider(&server.url(), KEY).as_ref(), &mut store).expect("analysed");
    assert!(call.generic_prompt && call.analysis_error.is_none(), "{call:?}");
    assert_eq!(server.received().iter().map(asked).collect::<Vec<_>>(), [Asked::NewPair]);
    assert!(store.prompt("insurance", "premium_payment").is_err(), "the damaged prompt is not silently replaced");
    let stored = store.call(call.call_id).expect("read").expect("stored");
    assert!(stored.generic_prompt, "the fallback is recorded with the call");
}
