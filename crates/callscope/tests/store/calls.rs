//! Saving, reading back, correcting and deleting calls, and the outbox rows they leave.

use std::path::Path;

use callscope::call::CallAnalysis;
use callscope::store::{CallFilter, OutboxEntity, OutboxOp, StoreError};
use serde_json::json;

use crate::support::{count_rows, library, library_path, light_call, premium_payment_call};

#[test]
fn a_saved_call_reads_back_exactly_with_its_id_set() {
    let (_dir, mut store) = library();
    let call = premium_payment_call();
    let id = store
        .insert_call(&call, Some(Path::new("/recordings/call_06.wav")))
        .expect("insert");
    let loaded = store.call(id).expect("read").expect("call exists");
    assert_eq!(
        loaded,
        CallAnalysis {
            call_id: id,
            ..call
        }
    );
    assert_eq!(
        store.audio_path(id).expect("audio path"),
        Some("/recordings/call_06.wav".into())
    );
    assert_eq!(store.call(id + 1).expect("read"), None);
}

#[test]
fn a_call_without_a_time_gets_the_current_utc_time() {
    let (_dir, mut store) = library();
    let call = CallAnalysis {
        created_at: String::new(),
        ..light_call(1)
    };
    let id = store.insert_call(&call, None).expect("insert");
    let created = store.call(id).expect("read").expect("exists").created_at;
    assert!(
        created.ends_with('Z') && created.len() == 20,
        "RFC 3339 UTC, got {created}"
    );
    assert!(
        created.as_str() > "2025-01-01",
        "a current time, got {created}"
    );
}

#[test]
fn a_call_with_a_malformed_time_is_refused_and_nothing_is_saved() {
    let (_dir, mut store) = library();
    let call = CallAnalysis {
        created_at: "yesterday".into(),
        ..light_call(1)
    };
    let err = store.insert_call(&call, None).expect_err("malformed time");
    assert!(matches!(err, StoreError::InvalidInput { .. }), "{err}");
    assert_eq!(store.count_calls(&CallFilter::default()).expect("count"), 0);
}

#[test]
fn saving_a_call_queues_exactly_one_upsert_in_the_outbox() {
    let (_dir, mut store) = library();
    let id = store
        .insert_call(&premium_payment_call(), None)
        .expect("insert");
    let pending = store.outbox_pending(10).expect("outbox");
    assert_eq!(pending.len(), 1);
    let entry = &pending[0];
    assert_eq!(
        (entry.entity, entry.op),
        (OutboxEntity::Call, OutboxOp::Upsert)
    );
    let payload = entry.payload.as_ref().expect("payload");
    assert_eq!(payload["uuid"], json!(entry.key));
    assert_eq!(payload["call_id"], json!(id));
    assert_eq!(
        payload["domain_specific_data"]["confirmation_number"],
        json!("PMT50381")
    );
}

#[test]
fn a_failed_batch_saves_no_call_and_queues_nothing() {
    let (dir, mut store) = library();
    let bad = CallAnalysis {
        created_at: "not a time".into(),
        ..light_call(2)
    };
    assert!(store.insert_calls(&[light_call(1), bad]).is_err());
    assert_eq!(store.count_calls(&CallFilter::default()).expect("count"), 0);
    assert!(store.outbox_pending(10).expect("outbox").is_empty());
    let path = library_path(&dir);
    assert_eq!(count_rows(&path, "SELECT count(*) FROM segments"), 0);
}

#[test]
fn deleting_a_call_removes_everything_about_it_and_queues_the_deletion() {
    let (dir, mut store) = library();
    let keep = store.insert_call(&light_call(1), None).expect("insert");
    let id = store
        .insert_call(&premium_payment_call(), None)
        .expect("insert");
    let uuid = store.outbox_pending(10).expect("outbox")[1].key.clone();
    store.delete_call(id).expect("delete");
    assert_eq!(store.call(id).expect("read"), None);
    assert!(store
        .search("autopay", &CallFilter::default(), 10)
        .expect("search")
        .is_empty());
    let path = library_path(&dir);
    assert_eq!(
        count_rows(
            &path,
            &format!("SELECT count(*) FROM segments WHERE call_id = {id}")
        ),
        0
    );
    assert_eq!(
        count_rows(
            &path,
            &format!("SELECT count(*) FROM domain_specific WHERE call_id = {id}")
        ),
        0
    );
    assert_eq!(
        count_rows(
            &path,
            &format!("SELECT count(*) FROM calls_fts WHERE rowid = {id}")
        ),
        0
    );
    assert!(store.call(keep).expect("read").is_some());
    let mut pending = store.outbox_pending(10).expect("outbox");
    let last = pending.pop().expect("an entry");
    assert_eq!(
        (last.entity, last.op, last.key.as_str()),
        (OutboxEntity::Call, OutboxOp::Delete, uuid.as_str())
    );
    assert_eq!(last.payload, Some(json!({ "uuid": uuid })));
    assert_eq!(
        pending[1].payload, None,
        "the queued upsert of a deleted call has nothing to send"
    );
    assert!(matches!(
        store.delete_call(id),
        Err(StoreError::CallNotFound { .. })
    ));
}

#[test]
fn a_corrected_field_is_saved_marked_and_queued_for_sync() {
    let (_dir, mut store) = library();
    let id = store
        .insert_call(&premium_payment_call(), None)
        .expect("insert");
    store
        .correct_field(id, "payment_amount", json!(421.6))
        .expect("correct");
    store
        .correct_field(id, "payment_amount", json!(412.6))
        .expect("correct again");
    store
        .correct_field(id, "agent_extension", json!("4410"))
        .expect("add a field");
    let call = store.call(id).expect("read").expect("exists");
    assert_eq!(call.domain_specific_data["payment_amount"], json!(412.6));
    assert_eq!(call.domain_specific_data["agent_extension"], json!("4410"));
    let marks = store.corrections(id).expect("corrections");
    let amount = marks
        .iter()
        .find(|m| m.field == "payment_amount")
        .expect("marked");
    assert_eq!(
        (amount.original.clone(), amount.corrected.clone()),
        (Some(json!(412.6)), json!(412.6))
    );
    let added = marks
        .iter()
        .find(|m| m.field == "agent_extension")
        .expect("marked");
    assert_eq!(added.original, None);
    let last = store
        .outbox_pending(10)
        .expect("outbox")
        .pop()
        .expect("entry");
    assert_eq!(
        last.payload.expect("payload")["corrected_fields"]["agent_extension"]["corrected"],
        json!("4410")
    );
    assert!(matches!(
        store.correct_field(999, "x", json!(1)),
        Err(StoreError::CallNotFound { id: 999 })
    ));
}
