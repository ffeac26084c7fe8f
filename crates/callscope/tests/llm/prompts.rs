//! Extraction prompts with a remote provider: a new pair's prompt is generated once and saved,
//! every later call of the pair uses the saved one, and a prompt a user edited is used as edited.

use callscope::call::{ExtractionPrompt, FieldKind, FieldSpec};
use callscope::store::Store;

use super::model::{analyse, asked, stored_calls, Asked, Wire, KEY};
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
    assert_eq!(stages.iter().filter(|s| **s == Asked::Prompt).count(), 1, "{stages:?}");
    assert_eq!(stages.len(), 3 + 2 + 2);
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
    assert!(received.iter().all(|r| asked(r) != Asked::Prompt), "no prompt is generated for a pair that has one");
    let analysis = received.iter().find(|r| asked(r) == Asked::Analysis).expect("an analysis request").json();
    let system = analysis["messages"][0]["content"].as_str().unwrap_or_default();
    assert!(system.starts_with("Edited by a supervisor: extract the renewal date only."), "{system}");
    let fields = &analysis["response_format"]["json_schema"]["schema"]["properties"]["fields"]["properties"];
    assert_eq!(fields.as_object().map(|f| f.keys().cloned().collect::<Vec<_>>()), Some(vec!["renewal_date".to_string()]));
    assert_eq!(store.prompt("insurance", "premium_payment").expect("read"), Some(edited), "the edit is kept");
}
