//! Full-text search: what it finds, and that no typed text breaks it.

use callscope::store::CallFilter;

use crate::support::{library, light_call, premium_payment_call};

#[test]
fn search_finds_a_call_by_a_transcript_word_and_by_a_summary_word() {
    let (_dir, mut store) = library();
    store
        .insert_calls(&(0..5).map(light_call).collect::<Vec<_>>())
        .expect("insert");
    let id = store
        .insert_call(&premium_payment_call(), None)
        .expect("insert");
    let by_transcript = store
        .search("switched banks", &CallFilter::default(), 10)
        .expect("search");
    assert_eq!(
        by_transcript.iter().map(|h| h.call.id).collect::<Vec<_>>(),
        vec![id]
    );
    assert!(by_transcript[0]
        .snippet
        .iter()
        .any(|p| p.matched && p.text.eq_ignore_ascii_case("banks")));
    let by_summary = store
        .search("re-enrolled", &CallFilter::default(), 10)
        .expect("search");
    assert_eq!(by_summary.len(), 1);
    assert!(
        by_summary[0]
            .snippet_marked("[", "]")
            .contains("[re-enrolled]"),
        "{:?}",
        by_summary[0]
    );
    let by_name = store
        .search("tanaka", &CallFilter::default(), 10)
        .expect("search");
    assert_eq!(by_name.len(), 1);
    let filtered = CallFilter {
        domain: Some("internet".into()),
        ..Default::default()
    };
    assert!(store
        .search("tanaka", &filtered, 10)
        .expect("search")
        .is_empty());
}

#[test]
fn search_treats_any_typed_text_as_plain_words() {
    let (_dir, mut store) = library();
    let id = store
        .insert_call(&premium_payment_call(), None)
        .expect("insert");
    let none = CallFilter::default();
    for hostile in [
        "",
        "   ",
        "\"",
        "\"unbalanced",
        "NEAR(",
        "NEAR(autopay",
        "AND",
        "OR NOT",
        "*",
        "-",
        "()",
        ")(",
        "summary:Tanaka",
        "transcript:",
        "^autopay",
        "😀",
        "🙂🙃",
        "autopay AND",
        "a\"b",
        "'",
        ";--",
        "{summary transcript}: visa",
        "NOT NOT",
        "\u{0}",
        "e\u{301}",
    ] {
        assert!(
            store.search(hostile, &none, 10).is_ok(),
            "query {hostile:?} must not fail"
        );
    }
    let found = |q: &str| {
        store
            .search(q, &none, 10)
            .expect("search")
            .iter()
            .map(|h| h.call.id)
            .collect::<Vec<_>>()
    };
    assert_eq!(found("\"autopay\""), vec![id], "quotes are ignored");
    assert_eq!(found("autopay 😀"), vec![id], "emoji are ignored");
    assert_eq!(
        found("Tanaka NOT"),
        vec![id],
        "NOT is a word (the customer says \"not\")"
    );
    assert_eq!(found("autopay*"), vec![id], "a trailing * is punctuation");
    assert!(
        found("autopay OR zebra").is_empty(),
        "OR is a word, and every word must occur"
    );
    assert!(
        found("-autopay").contains(&id),
        "a leading - does not negate"
    );
}
