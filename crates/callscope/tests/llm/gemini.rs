//! Gemini's wire format: `generateContent`, the key in `x-goog-api-key`, a `responseSchema`
//! in the documented subset, tokens from `usageMetadata`.

use callscope::store::Store;
use serde_json::Value;

use super::model::{analyse, assert_private, asked, tokens, Asked, Wire, KEY};
use super::server::Server;

/// Every key a schema object uses, recursively.
fn schema_keys(schema: &Value, found: &mut Vec<String>) {
    if let Some(object) = schema.as_object() {
        for (key, value) in object {
            found.push(key.clone());
            match key.as_str() {
                "properties" => value.as_object().into_iter().flatten().for_each(|(_, v)| schema_keys(v, found)),
                "items" => schema_keys(value, found),
                _ => {}
            }
        }
    }
}

#[test]
fn gemini_is_asked_at_generate_content_with_the_key_only_in_its_header_and_a_response_schema() {
    let server = Server::start(|r, _| Wire::Gemini.correct(r));
    let mut store = Store::open_in_memory().expect("library");
    analyse(Wire::Gemini.provider(&server.url(), KEY).as_ref(), &mut store).expect("analysis succeeds");

    let received = server.received();
    let stages: Vec<Asked> = received.iter().map(asked).collect();
    assert_eq!(stages, [Asked::NewPair], "the first call of a pair is one request");
    assert_private(&received, "x-goog-api-key");
    for r in &received {
        assert_eq!(r.uri, "/v1beta/models/gemini-2.5-flash:generateContent");
        assert_eq!(r.header("content-type"), Some("application/json"));
        assert_eq!(r.header("authorization"), None);
        let body = r.json();
        assert_eq!(body["generationConfig"]["responseMimeType"], "application/json");
        let schema = &body["generationConfig"]["responseSchema"];
        assert_eq!(schema["type"], "OBJECT", "{schema}");
        let mut keys = Vec::new();
        schema_keys(schema, &mut keys);
        let allowed = ["type", "enum", "items", "properties", "required", "nullable", "maxItems", "description"];
        assert!(keys.iter().all(|k| allowed.contains(&k.as_str())), "outside Gemini's schema subset: {keys:?}");
        assert!(body["systemInstruction"]["parts"][0]["text"].as_str().is_some_and(|t| !t.is_empty()));
        let question = body["contents"][0]["parts"][0]["text"].as_str().unwrap_or_default();
        assert!(question.contains("Recorded on 2025-11-14"), "the recording day is not given: {question}");
        assert!(question.contains("[CARD_1]"), "{question}");
    }
}

#[test]
fn tokens_per_stage_come_from_usage_metadata_with_thinking_counted_as_output() {
    let server = Server::start(|r, _| Wire::Gemini.correct(r));
    let mut store = Store::open_in_memory().expect("library");
    let call = analyse(Wire::Gemini.provider(&server.url(), KEY).as_ref(), &mut store).expect("analysis succeeds");
    let stored = store.call(call.call_id).expect("read").expect("stored");
    let usage = stored.token_usage;
    // The first call of a pair: detection, the prompt and the analysis in one answer.
    assert_eq!((usage.stage2_combined_analysis.input, usage.stage2_combined_analysis.output), (1350, 480));
    assert_eq!(usage.stage1_transcription_and_detection.total, 0);
    assert_eq!(usage.prompt_generation.total, 0);
    let total = tokens(Asked::NewPair);
    assert_eq!((usage.total.input, usage.total.output, usage.total.total), (total.input, total.output, total.total()));
    assert_eq!((stored.provider.as_str(), stored.model.as_str()), ("gemini", "gemini-2.5-flash"));
}

#[test]
fn a_remote_answer_is_stored_with_placeholders_resolved_only_where_the_library_keeps_values() {
    let server = Server::start(|r, _| Wire::Gemini.correct(r));
    let mut store = Store::open_in_memory().expect("library");
    let call = analyse(Wire::Gemini.provider(&server.url(), KEY).as_ref(), &mut store).expect("analysis succeeds");
    let stored = store.call(call.call_id).expect("read").expect("stored");
    assert_eq!((stored.domain.as_str(), stored.category.as_str()), ("insurance", "premium_payment"));
    let fields = &stored.domain_specific_data;
    assert_eq!(fields.get("card_last_four"), Some(&Value::from("9134")), "{fields:?}");
    assert_eq!(fields.get("payment_amount"), Some(&Value::from(412.6)), "{fields:?}");
    assert_eq!(fields.get("confirmation_number"), Some(&Value::from("PMT50381")), "{fields:?}");
    assert!(stored.summary.contains("[CARD_1]") && !stored.summary.contains("4532"), "{}", stored.summary);
    assert!(!stored.transcription.text.contains("gmail"), "{}", stored.transcription.text);
    assert_eq!(stored.general.agent_name.as_deref(), Some("Luis"));
    let turns: Vec<(usize, u64)> = stored.turn_sentiments.iter().map(|t| (t.segment, t.start_ms)).collect();
    assert_eq!(turns, [(1, 4_000), (7, 28_000)], "a turn the call does not have is dropped");
}
