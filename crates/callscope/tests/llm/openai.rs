//! OpenAI-compatible servers: `chat/completions`, `Authorization: Bearer` (none without a key),
//! a strict `json_schema`, the `json_object` fallback for servers that refuse it, tokens from
//! `usage`.

use callscope::store::Store;
use serde_json::json;

use super::model::{analyse, assert_private, asked, Asked, Wire, KEY};
use super::server::{Received, Reply, Server};

fn response_format(r: &Received) -> String {
    r.json()["response_format"]["type"].as_str().unwrap_or_default().to_string()
}

#[test]
fn openai_is_asked_at_chat_completions_with_a_bearer_key_and_a_strict_json_schema() {
    let server = Server::start(|r, _| Wire::OpenAi.correct(r));
    let mut store = Store::open_in_memory().expect("library");
    let call = analyse(Wire::OpenAi.provider(&server.url(), KEY).as_ref(), &mut store).expect("analysis succeeds");

    let received = server.received();
    assert_eq!(received.iter().map(asked).collect::<Vec<_>>(), [Asked::NewPair]);
    assert_private(&received, "authorization");
    for r in &received {
        assert_eq!(r.uri, "/v1/chat/completions");
        assert_eq!(r.header("authorization"), Some(format!("Bearer {KEY}").as_str()));
        let body = r.json();
        assert_eq!(body["model"], "gpt-4o-mini");
        assert_eq!(body["messages"][0]["role"], "system");
        assert_eq!(body["messages"][1]["role"], "user");
        assert!(body["messages"][1]["content"].as_str().is_some_and(|q| q.contains("Recorded on 2025-11-14")));
        let format = &body["response_format"];
        assert_eq!(format["type"], "json_schema");
        assert_eq!(format["json_schema"]["strict"], true);
        assert!(format["json_schema"]["name"].as_str().is_some_and(|n| !n.is_empty()));
        assert_eq!(format["json_schema"]["schema"]["additionalProperties"], false);
    }
    let stored = store.call(call.call_id).expect("read").expect("stored");
    assert_eq!((stored.provider.as_str(), stored.model.as_str()), ("openai", "gpt-4o-mini"));
    let analysis = stored.token_usage.stage2_combined_analysis;
    assert_eq!((analysis.input, analysis.output, analysis.total), (1350, 480, 1830), "tokens come from `usage`");
}

#[test]
fn a_local_server_without_a_key_gets_no_authorization_header() {
    let server = Server::start(|r, _| Wire::OpenAi.correct(r));
    let mut store = Store::open_in_memory().expect("library");
    analyse(Wire::OpenAi.provider(&server.url(), "").as_ref(), &mut store).expect("analysis succeeds");
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert!(received.iter().all(|r| r.header("authorization").is_none()), "{:?}", received[0].headers);
}

#[test]
fn a_server_that_refuses_json_schema_is_asked_with_json_object_once_and_that_is_remembered() {
    let server = Server::start(|r, _| {
        if response_format(r) == "json_schema" {
            return Reply::status(400, json!({"error": {
                "message": "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.",
                "type": "invalid_request_error", "param": "response_format", "code": null
            }}));
        }
        Wire::OpenAi.correct(r)
    });
    let mut store = Store::open_in_memory().expect("library");
    analyse(Wire::OpenAi.provider(&server.url(), KEY).as_ref(), &mut store).expect("first call, with the fallback");
    // The next job builds a new provider for the same server: the refusal is not asked again.
    analyse(Wire::OpenAi.provider(&server.url(), KEY).as_ref(), &mut store).expect("second call");

    let received = server.received();
    let formats: Vec<String> = received.iter().map(response_format).collect();
    assert_eq!(formats.iter().filter(|f| *f == "json_schema").count(), 1, "{formats:?}");
    // First call: the refused request, then its one request; second call (the pair's prompt is
    // saved): one combined request.
    assert_eq!(formats.len(), 3, "{formats:?}");
    for r in received.iter().filter(|r| response_format(r) == "json_object") {
        let system = r.json()["messages"][0]["content"].as_str().unwrap_or_default().to_string();
        assert!(system.contains("JSON schema") && system.contains("\"properties\""), "the shape must be in the instructions: {system}");
    }
}
