//! The analysis pipeline with the offline provider and a real SQLite library: prompts are
//! generated once per new domain/category pair and reused after, personal data is stored
//! redacted, card numbers never beyond their last four digits.

use std::path::Path;

use callscope::call::CallAnalysis;
use callscope::pipeline::{analyze_and_store, block_on, AnalysisRequest};
use callscope::llm::offline::OfflineProvider;
use callscope::progress::{ignore_progress, CancelToken, Progress, Stage};
use callscope::store::Store;
use callscope::stt::{Segment, Speaker, Transcript};

/// A fixture call's script as a transcript with synthetic timings (words at 160 wpm).
fn scripted(id: &str) -> Transcript {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../tests/fixtures/calls/{id}.json"));
    let call: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut t = 0u64;
    let mut segments = Vec::new();
    for turn in call["turns"].as_array().unwrap() {
        let text = turn["text"].as_str().unwrap().to_string();
        let length = text.split_whitespace().count() as u64 * 375;
        let speaker = if turn["speaker"] == "agent" { Speaker::Agent } else { Speaker::Customer };
        segments.push(Segment { start_ms: t, end_ms: t + length, speaker, text, confidence: 1.0 });
        t += length + turn["pause_after_ms"].as_u64().unwrap_or(400);
    }
    Transcript { segments, duration_ms: t }
}

fn analyse(store: &mut Store, id: &str, keep_original_pii: bool) -> CallAnalysis {
    let transcript = scripted(id);
    let request = AnalysisRequest { file_name: &format!("{id}.wav"), transcript: &transcript, keep_original_pii, transcriber: "script", recorded_on: time::OffsetDateTime::now_utc().date() };
    block_on(analyze_and_store(&OfflineProvider::with_reference_year(2025), store, &request, None, &ignore_progress, &CancelToken::new()))
        .expect("analysis succeeds")
}

#[test]
fn a_new_pair_gets_its_prompt_saved_once_and_reused_by_the_next_call() {
    let mut store = Store::open_in_memory().unwrap();
    // call_12 is retail/order_status: not in the seed catalog.
    assert!(!store.catalog().unwrap().contains("retail", "order_status"));
    let first = analyse(&mut store, "call_12", false);
    assert_eq!((first.domain.as_str(), first.category.as_str()), ("retail", "order_status"));
    let saved = store.prompt("retail", "order_status").unwrap().expect("prompt saved for the new pair");
    assert!(!saved.fields.is_empty());
    assert!(store.catalog().unwrap().contains("retail", "order_status"), "the pair joined the catalog");

    // Edit the saved prompt: a second call of the pair must use it, not regenerate it.
    let mut edited = saved.clone();
    edited.instructions = "Edited by a supervisor.".into();
    store.save_prompt(&edited).unwrap();
    let second = analyse(&mut store, "call_12", false);
    assert_eq!(second.category, "order_status");
    assert_eq!(store.prompt("retail", "order_status").unwrap().unwrap().instructions, "Edited by a supervisor.");
    assert_eq!(store.list_prompts().unwrap().iter().filter(|p| p.domain == "retail").count(), 1);
}

#[test]
fn stored_transcripts_are_redacted_and_cards_keep_only_their_last_four_digits() {
    let mut store = Store::open_in_memory().unwrap();
    // call_06: a premium paid by card, a date of birth and an e-mail address.
    let call = analyse(&mut store, "call_06", false);
    let stored = store.call(call.call_id).unwrap().expect("stored");
    let text = stored.transcription.text.to_lowercase();
    assert!(!text.contains("gmail"), "the e-mail address is redacted: {text}");
    assert!(text.contains("[email"), "{text}");
    assert!(stored.redactions.iter().any(|r| r.kind == "card"), "{:?}", stored.redactions);
    let all_fields = serde_json::to_string(&stored.domain_specific_data).unwrap();
    assert!(!all_fields.contains("4532"), "no full card number in the fields: {all_fields}");
    assert_eq!(stored.domain_specific_data.get("card_last_four"), Some(&serde_json::json!("9134")));
    assert!(!stored.summary.contains("gmail"), "{}", stored.summary);
}

#[test]
fn keeping_original_pii_is_an_explicit_choice_that_stores_the_words_as_said() {
    let mut store = Store::open_in_memory().unwrap();
    let call = analyse(&mut store, "call_06", true);
    let stored = store.call(call.call_id).unwrap().unwrap();
    assert!(stored.transcription.text.contains("gmail"));
}

#[test]
fn the_offline_provider_reports_zero_tokens_for_every_stage() {
    let mut store = Store::open_in_memory().unwrap();
    let call = analyse(&mut store, "call_01", false);
    assert_eq!(call.provider, "offline");
    assert_eq!(call.token_usage.total.total, 0);
    assert!(call.call_id > 0);
    assert!(!call.created_at.is_empty());
}

#[test]
fn progress_walks_the_stages_and_a_cancelled_analysis_stores_nothing() {
    let mut store = Store::open_in_memory().unwrap();
    let transcript = scripted("call_03");
    let request = AnalysisRequest { file_name: "call_03.wav", transcript: &transcript, keep_original_pii: false, transcriber: "script", recorded_on: time::OffsetDateTime::now_utc().date() };
    let seen = std::sync::Mutex::new(Vec::new());
    let sink = |p: Progress| seen.lock().unwrap().push((p.stage, p.fraction));
    block_on(analyze_and_store(&OfflineProvider::new(), &mut store, &request, None, &sink, &CancelToken::new())).unwrap();
    let reports = seen.into_inner().unwrap();
    let stages: Vec<Stage> = reports.iter().map(|(s, _)| *s).collect();
    for stage in [Stage::Redacting, Stage::Detecting, Stage::Extracting, Stage::Measuring, Stage::Saving, Stage::Done] {
        assert!(stages.contains(&stage), "{stage:?} reported: {stages:?}");
    }
    for stage in [Stage::Redacting, Stage::Detecting, Stage::Extracting, Stage::Measuring] {
        assert!(reports.contains(&(stage, 1.0)), "{stage:?} never reported itself finished: {reports:?}");
    }

    let cancel = CancelToken::new();
    cancel.cancel();
    let before = store.count_calls(&Default::default()).unwrap();
    let err = block_on(analyze_and_store(&OfflineProvider::new(), &mut store, &request, None, &ignore_progress, &cancel)).unwrap_err();
    assert!(err.to_string().contains("cancelled"), "{err}");
    assert_eq!(store.count_calls(&Default::default()).unwrap(), before);
}
