//! The library file: migrations, concurrent readers, damaged files, where it lives.

use callscope::store::{migrate_to_version, CallFilter, Paging, Store, StoreError, SCHEMA_VERSION};
use serde_json::json;

use crate::support::{ids, library, library_path, light_call, premium_payment_call};

#[test]
fn a_library_at_version_1_upgrades_without_losing_calls_and_becomes_searchable() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("old.sqlite3");
    migrate_to_version(&path, 1).expect("create at version 1");
    let conn = rusqlite::Connection::open(&path).expect("open raw");
    conn.execute_batch(
        "INSERT INTO general (uuid, file_name, duration_ms, domain, category, domain_confidence, sentiment,
             sentiment_trend, resolution, agent_name, call_reason, summary, transcript_text, provider, model,
             created_at, created_ms, updated_at)
         VALUES ('u-1', 'old.wav', 61000, 'internet', 'technical_support', 0.7, 'negative', 'improving',
             'escalated', 'Priya', 'router keeps rebooting', 'Escalated to level two.', '', 'gemini',
             'gemini-2.0-flash', '2024-06-01T09:00:00Z', 1717232400000, '2024-06-01T09:00:00Z');
         INSERT INTO domain_specific (call_id, data) VALUES (1, '{\"router_model\":\"XR500\"}');
         INSERT INTO segments VALUES (1, 0, 0, 4000, 'customer', 'My router keeps rebooting', 0.9);
         INSERT INTO segments VALUES (1, 1, 4200, 7000, 'agent', 'Let me check the firmware', 0.9);",
    )
    .expect("old rows");
    drop(conn);
    let store = Store::open(&path).expect("upgrade");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    let call = store.call(1).expect("read").expect("kept");
    assert_eq!(call.transcription.segments.len(), 2);
    assert_eq!(call.domain_specific_data["router_model"], json!("XR500"));
    let hits = store
        .search("firmware", &CallFilter::default(), 5)
        .expect("search");
    assert_eq!(hits.iter().map(|h| h.call.id).collect::<Vec<_>>(), vec![1]);
}

#[test]
fn a_library_from_a_newer_callscope_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("newer.sqlite3");
    drop(Store::open(&path).expect("create"));
    let conn = rusqlite::Connection::open(&path).expect("open raw");
    conn.execute_batch("PRAGMA user_version = 99")
        .expect("bump version");
    drop(conn);
    assert!(matches!(Store::open(&path), Err(StoreError::TooNew { .. })));
}

#[test]
fn a_reader_sees_the_last_committed_state_while_another_process_writes() {
    let (dir, mut store) = library();
    let id = store
        .insert_call(&premium_payment_call(), None)
        .expect("insert");
    let path = library_path(&dir);
    let writer = rusqlite::Connection::open(&path).expect("writer");
    writer
        .execute_batch("BEGIN IMMEDIATE; DELETE FROM general;")
        .expect("uncommitted delete");

    let reader = Store::open(&path).expect("reader opens during the write");
    assert_eq!(
        ids(&reader
            .list_calls(&CallFilter::default(), Paging::default())
            .expect("list")
            .items),
        vec![id]
    );
    assert_eq!(
        reader
            .search("autopay", &CallFilter::default(), 5)
            .expect("search")
            .len(),
        1
    );
    let blocked = store
        .insert_call(&light_call(1), None)
        .expect_err("the write lock is held");
    assert!(
        matches!(&blocked, StoreError::Locked { path: p } if p == &path),
        "{blocked}"
    );
    assert!(blocked.to_string().contains("another Callscope process"));

    writer.execute_batch("COMMIT").expect("commit");
    assert_eq!(
        reader.count_calls(&CallFilter::default()).expect("count"),
        0
    );
}

#[test]
fn a_file_that_is_not_a_database_is_reported_as_damaged_with_its_path() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("callscope.sqlite3");
    let noise: Vec<u8> = (0..8192u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    std::fs::write(&path, noise).expect("write noise");
    let err = Store::open(&path).expect_err("not a database");
    assert!(
        matches!(&err, StoreError::Corrupt { path: p } if p == &path),
        "{err:?}"
    );
    assert!(err.to_string().contains(&path.display().to_string()));
    assert!(err.to_string().contains("move it aside"));
}

#[test]
fn the_default_library_lives_in_callscope_data_when_it_is_set() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::env::set_var("CALLSCOPE_DATA", dir.path());
    let location = callscope::config::data_location().expect("location");
    assert_eq!(location.library(), dir.path().join("callscope.sqlite3"));
    assert_eq!(location.settings(), dir.path().join("settings.json"));
    let store = Store::open(&location.library()).expect("open");
    assert_eq!(store.path(), dir.path().join("callscope.sqlite3"));
    std::env::remove_var("CALLSCOPE_DATA");
}

#[test]
fn a_library_at_version_4_upgrades_and_then_keeps_how_a_live_call_was_recorded() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("v4.sqlite3");
    migrate_to_version(&path, 4).expect("create at version 4");
    let mut store = Store::open(&path).expect("upgrade");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    let id = store.insert_call(&light_call(1), None).expect("insert");
    assert_eq!(store.live_capture(id).expect("read"), None, "a call from a file was not live");
    let capture = callscope::store::LiveCapture {
        started_at: "2026-12-07T14:05:09Z".into(),
        duration_ms: 25_400,
        agent_device: Some("Headset Microphone".into()),
        customer_device: Some("Monitor of Speakers".into()),
        recovered: true,
    };
    store.set_live_capture(id, &capture).expect("mark live");
    drop(store);
    let mut store = Store::open(&path).expect("reopen");
    assert_eq!(store.live_capture(id).expect("read"), Some(capture.clone()));
    assert!(matches!(store.set_live_capture(id + 100, &capture), Err(StoreError::CallNotFound { .. })));
    store.delete_call(id).expect("delete");
    assert_eq!(store.live_capture(id).expect("read"), None, "deleting a call deletes its live record");
}
