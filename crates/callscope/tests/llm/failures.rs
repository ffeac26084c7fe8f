//! How a remote provider fails, for both wire formats: transient refusals are retried with
//! backoff (honouring `Retry-After`), timeouts and dropped connections too, a bad answer gets
//! one repair attempt, and whatever finally fails names the provider and the stage. A failed
//! detection leaves nothing stored; a failed extraction keeps the call with the error.

use std::time::{Duration, Instant};

use callscope::llm::{HttpOptions, LlmError};
use callscope::pipeline::PipelineError;
use callscope::progress::CancelToken;
use callscope::store::Store;
use serde_json::json;

use super::model::{analyse, analyse_with, answer, asked, fast, stored_calls, tokens, unusable_one_request, Asked, Wire, KEY};
use super::server::{Received, Reply, Server};

const WIRES: [Wire; 2] = [Wire::Gemini, Wire::OpenAi];

/// The provider's error inside a file's error.
fn provider_error(result: Result<impl std::fmt::Debug, PipelineError>) -> (LlmError, String) {
    match result {
        Err(e @ PipelineError::Provider { .. }) => {
            let message = e.to_string();
            let PipelineError::Provider { source, .. } = e else { unreachable!() };
            assert!(!message.contains(KEY), "the key is in the message: {message}");
            (source, message)
        }
        other => panic!("expected a provider error, got {other:?}"),
    }
}

fn provider_name(wire: Wire) -> &'static str {
    match wire {
        Wire::Gemini => "Gemini",
        Wire::OpenAi => "OpenAI-compatible server at 127.0.0.1",
    }
}

fn analysis_requests(server: &Server) -> usize {
    server.received().iter().filter(|r| asked(r) == Asked::Analysis).count()
}

#[test]
fn a_429_with_retry_after_is_waited_out_and_then_the_call_succeeds() {
    for wire in WIRES {
        let server = Server::start(move |r, n| match n {
            0 => Reply::Answer { status: 429, headers: vec![("retry-after", "1".into())], body: json!({"error": {"message": "Resource exhausted"}}).to_string() },
            _ => wire.correct(r),
        });
        let mut store = Store::open_in_memory().expect("library");
        analyse(wire.provider(&server.url(), KEY).as_ref(), &mut store).expect("succeeds after waiting");
        let received = server.received();
        let waited = received[1].at - received[0].at;
        assert!(waited >= Duration::from_millis(950), "{wire:?}: retried after {waited:?}, before Retry-After said");
        assert_eq!(stored_calls(&store), 1);
    }
}

#[test]
fn a_retry_after_beyond_the_bound_fails_at_once_saying_how_long_the_server_asked() {
    for wire in WIRES {
        let server = Server::start(|_, _| Reply::Answer { status: 429, headers: vec![("retry-after", "3600".into())], body: "{}".into() });
        let mut store = Store::open_in_memory().expect("library");
        let (error, message) = provider_error(analyse(wire.provider(&server.url(), KEY).as_ref(), &mut store));
        assert!(matches!(error, LlmError::RateLimited { .. }), "{error:?}");
        assert!(message.contains("3600 s") && message.contains(provider_name(wire)), "{message}");
        assert_eq!(server.received().len(), 1);
        assert_eq!(stored_calls(&store), 0);
    }
}

#[test]
fn a_500_is_retried_and_the_next_answer_is_used() {
    for wire in WIRES {
        let server = Server::start(move |r, n| if n == 0 { Reply::status(500, json!({"error": {"message": "internal"}})) } else { wire.correct(r) });
        let mut store = Store::open_in_memory().expect("library");
        analyse(wire.provider(&server.url(), KEY).as_ref(), &mut store).expect("succeeds on the retry");
        assert_eq!(server.received().len(), 2, "{wire:?}: one retry of the first call's one request");
        assert_eq!(stored_calls(&store), 1);
    }
}

#[test]
fn a_server_that_keeps_failing_ends_the_file_naming_the_provider_and_the_stage() {
    for wire in WIRES {
        let server = Server::start(|_, _| Reply::status(503, json!({"error": {"message": "overloaded"}})));
        let mut store = Store::open_in_memory().expect("library");
        let (error, message) = provider_error(analyse(wire.provider(&server.url(), KEY).as_ref(), &mut store));
        assert!(matches!(error, LlmError::Unreachable { .. }), "{error:?}");
        assert!(message.contains(provider_name(wire)) && message.contains("analysing the first call of a new kind") && message.contains("503"), "{message}");
        assert_eq!(server.received().len(), fast().attempts as usize, "bounded retries");
        assert_eq!(stored_calls(&store), 0);
    }
}

#[test]
fn a_request_that_times_out_is_retried_and_then_fails_naming_the_stage() {
    for wire in WIRES {
        let server = Server::start(move |r, _| Reply::After(Duration::from_secs(3), Box::new(wire.correct(r))));
        let mut store = Store::open_in_memory().expect("library");
        let http = HttpOptions { timeout: Duration::from_millis(300), attempts: 2, ..fast() };
        let started = Instant::now();
        let (error, message) = provider_error(analyse(wire.provider_with(&server.url(), KEY, http).as_ref(), &mut store));
        assert!(started.elapsed() < Duration::from_millis(2_500), "{:?}", started.elapsed());
        assert!(matches!(error, LlmError::Unreachable { .. }), "{error:?}");
        assert!(message.contains("no answer within 0.3 s, 2 times") && message.contains("first call of a new kind"), "{message}");
        assert_eq!(server.received().len(), 2);
        assert_eq!(stored_calls(&store), 0);
    }
}

#[test]
fn a_dropped_connection_is_retried() {
    for wire in WIRES {
        let server = Server::start(move |r, n| if n == 0 { Reply::Drop } else { wire.correct(r) });
        let mut store = Store::open_in_memory().expect("library");
        analyse(wire.provider(&server.url(), KEY).as_ref(), &mut store).expect("succeeds on the retry");
        let stages: Vec<Asked> = server.received().iter().map(asked).collect();
        assert_eq!(stages, [Asked::NewPair, Asked::NewPair], "{wire:?}");
        assert_eq!(stored_calls(&store), 1);
    }
}

#[test]
fn truncated_json_gets_one_repair_and_the_repaired_answer_is_used_and_paid_for() {
    for wire in WIRES {
        let server = Server::start(move |r: &Received, _| {
            let first_answer = asked(r) == Asked::NewPair && !r.body.contains("could not be used");
            if first_answer {
                let full = answer(Asked::NewPair);
                return wire.reply(&full[..full.len() / 2], tokens(Asked::NewPair));
            }
            wire.correct(r)
        });
        let mut store = Store::open_in_memory().expect("library");
        let call = analyse(wire.provider(&server.url(), KEY).as_ref(), &mut store).expect("the repair is used");
        let stages: Vec<Asked> = server.received().iter().map(asked).collect();
        assert_eq!(stages, [Asked::NewPair, Asked::NewPair], "{wire:?}");
        let repair = server.received().into_iter().nth(1).expect("the repair request");
        assert!(repair.body.contains("ends too early"), "the repair says what was wrong: {}", repair.body);
        let stage2 = call.token_usage.stage2_combined_analysis;
        assert_eq!(stage2.input, 2 * tokens(Asked::NewPair).input, "both attempts are paid for");
        assert_eq!(stored_calls(&store), 1);
    }
}

#[test]
fn an_extraction_that_violates_the_schema_twice_keeps_the_call_with_the_error_and_no_fields() {
    for wire in WIRES {
        let server = Server::start(move |r, _| {
            if let Some(unusable) = unusable_one_request(wire, r) {
                return unusable;
            }
            if asked(r) == Asked::Analysis {
                let wrong = json!({"fields": {}, "general": {"sentiment": "happy"}, "turn_sentiments": [], "summary": "ok"});
                return wire.reply(&wrong.to_string(), tokens(Asked::Analysis));
            }
            wire.correct(r)
        });
        let mut store = Store::open_in_memory().expect("library");
        let call = analyse(wire.provider(&server.url(), KEY).as_ref(), &mut store).expect("the call is kept");
        assert_eq!(analysis_requests(&server), 2, "exactly one repair attempt");
        let stages: Vec<Asked> = server.received().iter().map(asked).collect();
        assert_eq!(stages[..4], [Asked::NewPair, Asked::NewPair, Asked::Detection, Asked::Prompt], "stage by stage after the unusable one-request answer");
        let error = call.analysis_error.clone().expect("the error is stored with the call");
        assert!(error.contains(provider_name(wire)) && error.contains("extracting the call's fields and summary"), "{error}");
        assert!(error.contains("`general.sentiment` is \"happy\""), "{error}");
        assert!(!error.contains(KEY), "{error}");
        // What the detection stage found and what was measured locally is kept; no fields are.
        let stored = store.call(call.call_id).expect("read").expect("stored");
        assert_eq!((stored.domain.as_str(), stored.category.as_str()), ("insurance", "premium_payment"));
        assert!(stored.domain_specific_data.is_empty(), "{:?}", stored.domain_specific_data);
        assert_eq!(stored.transcription.segments.len(), 9);
        assert!(stored.metrics.agent_turns > 0 && !stored.summary.is_empty());
        assert_eq!(stored.analysis_error.as_deref(), Some(error.as_str()));
        assert!(!stored.summary.contains("4532 7718"), "the local summary is redacted too: {}", stored.summary);
        // The prompt generated before the failure is kept: a retry does not pay for it again.
        assert!(store.prompt("insurance", "premium_payment").expect("read").is_some());
    }
}

#[test]
fn a_rejected_key_is_reported_at_once_without_the_key() {
    for wire in WIRES {
        let server = Server::start(move |_, _| match wire {
            // Gemini answers a wrong key with 400, as its documentation shows.
            Wire::Gemini => Reply::status(400, json!({"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT", "details": [{"reason": "API_KEY_INVALID"}]}})),
            Wire::OpenAi => Reply::status(401, json!({"error": {"message": format!("Incorrect API key provided: {KEY}."), "type": "invalid_request_error", "code": "invalid_api_key"}})),
        });
        let mut store = Store::open_in_memory().expect("library");
        let (error, _) = provider_error(analyse(wire.provider(&server.url(), KEY).as_ref(), &mut store));
        assert!(matches!(error, LlmError::Unauthorized { .. }), "{error:?}");
        assert_eq!(server.received().len(), 1, "a wrong key is not retried");
    }
}

#[test]
fn cancelling_a_job_aborts_its_request_in_flight() {
    for wire in WIRES {
        let server = Server::start(move |r, _| Reply::After(Duration::from_secs(10), Box::new(wire.correct(r))));
        let mut store = Store::open_in_memory().expect("library");
        let cancel = CancelToken::new();
        let canceller = cancel.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(200));
            canceller.cancel();
        });
        let started = Instant::now();
        let result = analyse_with(wire.provider(&server.url(), KEY).as_ref(), &mut store, &cancel);
        assert!(matches!(&result, Err(e) if e.is_cancelled()), "{result:?}");
        assert!(started.elapsed() < Duration::from_secs(2), "waited {:?} for a cancelled request", started.elapsed());
        assert_eq!(stored_calls(&store), 0);
    }
}
