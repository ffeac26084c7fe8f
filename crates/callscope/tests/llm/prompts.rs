//! Extraction prompts with a remote provider: a new pair's prompt is generated once and saved,
//! every later call of the pair uses the saved one (in one combined request), and a prompt a
//! user edited is used as edited.

use callscope::call::{ExtractionPrompt, FieldKind, FieldSpec};
use callscope::store::Store;

use super::model::{analyse, answer, asked, stored_calls, tokens, Asked, Wire, KEY};
use super::server::Server;

#[test]
fn a_new_pairs_prompt_is_generated_once_across_several_calls() {
    let server = Server::start(|r, _| Wire::Gemini.correct(r));
    let mut store = Store::open_in_memory().expect("library");
    assert_eq!(store.prompt("insurance", "premium_payment").expect("read"), None);
    for _ in 0..3 {
        analyse(Wire::Gemini.provider(&server.url(), KEY).as_ref(), &mut store).expect("analysis succeeds");
    }
    let stages: Vec<Asked> = server.received().iter().map(asked).collect();
    // The first call designs the pair's prompt (in its one request); every later call of the
    // pair uses the saved prompt, also in one request.
    assert_eq!(stages, [Asked::NewPair, Asked::Combined, Asked::Combined]);
    assert_eq!(stored_calls(&store), 3);
    let saved = store.prompt("insurance", "premium_payment").expect("read").expect("saved");
    let names: Vec<&str> = saved.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["payment_amount", "card_last_four", "confirmation_number"]);
    assert!(saved.instructions.contains("Use the amount actually charged."), "{}", saved.instructions);
}

#[test]
fn a_prompt_edited_by_a_user_is_sent_as_edited() {
    let server = Server::start(|r, _| Wire::OpenAi.correct(r));
    let mut store = Store::open_in_memory().expect("library");
    let edited = ExtractionPrompt {
        domain: "insurance".into(),
        category: "premium_payment".into(),
        fields: vec![FieldSpec { name: "renewal_date".into(), kind: FieldKind::Date, description: "when the policy renews".into() }],
        instructions: "Edited by a supervisor: extract the renewal date only.".into(),
    };
    store.save_prompt(&edited).expect("save");
    analyse(Wire::OpenAi.provider(&server.url(), KEY).as_ref(), &mut store).expect("analysis succeeds");

    let received = server.received();
    assert_eq!(received.iter().map(asked).collect::<Vec<_>>(), [Asked::Combined], "one request for a pair whose prompt is saved");
    let analysis = received[0].json();
    let system = analysis["messages"][0]["content"].as_str().unwrap_or_default();
    assert!(system.contains("Then, with the same answer:\nEdited by a supervisor: extract the renewal date only."), "{system}");
    let fields = &analysis["response_format"]["json_schema"]["schema"]["properties"]["fields"]["properties"];
    assert_eq!(fields.as_object().map(|f| f.keys().cloned().collect::<Vec<_>>()), Some(vec!["renewal_date".to_string()]));
    assert_eq!(store.prompt("insurance", "premium_payment").expect("read"), Some(edited), "the edit is kept");
}

#[test]
fn a_combined_answer_for_another_pair_counts_as_the_detection_and_that_pairs_prompt_extracts() {
    let server = Server::start(|r, _| {
        if asked(r) == Asked::Combined {
            // The model takes the call for a billing question, not a premium payment.
            let mut value: serde_json::Value = serde_json::from_str(&answer(Asked::Combined)).expect("JSON");
            value["domain"] = "insurance".into();
            value["category"] = "billing_question".into();
            return Wire::Gemini.reply(&value.to_string(), tokens(Asked::Combined));
        }
        Wire::Gemini.correct(r)
    });
    let mut store = Store::open_in_memory().expect("library");
    analyse(Wire::Gemini.provider(&server.url(), KEY).as_ref(), &mut store).expect("first call");
    let second = analyse(Wire::Gemini.provider(&server.url(), KEY).as_ref(), &mut store).expect("second call");
    let stages: Vec<Asked> = server.received().iter().map(asked).collect();
    assert_eq!(stages, [Asked::NewPair, Asked::Combined, Asked::Prompt, Asked::Analysis]);
    assert_eq!((second.domain.as_str(), second.category.as_str()), ("insurance", "billing_question"));
    let t = second.token_usage;
    assert_eq!(t.stage1_transcription_and_detection.input, tokens(Asked::Combined).input, "the combined answer was the detection");
    assert_eq!(t.stage2_combined_analysis.input, tokens(Asked::Analysis).input);
    assert!(store.prompt("insurance", "billing_question").expect("read").is_some());
}
