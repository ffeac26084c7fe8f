//! The domain catalog and extraction prompts.

use callscope::call::{CatalogEntry, DomainCatalog};
use callscope::call::{ExtractionPrompt, FieldKind, FieldSpec};
use callscope::store::{OutboxEntity, OutboxOp, Store, StoreError, SCHEMA_VERSION};

use crate::support::library;

#[test]
fn a_new_library_holds_the_seed_catalog() {
    let store = Store::open_in_memory().expect("open");
    assert_eq!(store.catalog().expect("catalog"), DomainCatalog::seed());
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
}

fn prompt(domain: &str, category: &str, instructions: &str) -> ExtractionPrompt {
    ExtractionPrompt {
        domain: domain.into(),
        category: category.into(),
        fields: vec![FieldSpec {
            name: "order_number".into(),
            kind: FieldKind::Identifier,
            description: "Order".into(),
        }],
        instructions: instructions.into(),
    }
}

#[test]
fn a_prompt_is_saved_once_per_pair_and_adds_a_new_pair_to_the_catalog() {
    let (_dir, mut store) = library();
    assert_eq!(store.prompt("retail", "order_status").expect("read"), None);
    store
        .save_prompt(&prompt("retail", "order_status", "first"))
        .expect("save");
    store
        .save_prompt(&prompt("retail", "order_status", "second"))
        .expect("replace");
    store
        .save_prompt(&prompt("insurance", "claim_inquiry", "claims"))
        .expect("save");
    assert_eq!(
        store.prompt("retail", "order_status").expect("read"),
        Some(prompt("retail", "order_status", "second"))
    );
    assert_eq!(store.list_prompts().expect("list").len(), 2);
    assert!(store
        .catalog()
        .expect("catalog")
        .contains("retail", "order_status"));
    assert_eq!(
        store.catalog().expect("catalog").entries.len(),
        DomainCatalog::seed().entries.len() + 1
    );
    store
        .delete_prompt("retail", "order_status")
        .expect("delete");
    assert!(matches!(
        store.delete_prompt("retail", "order_status"),
        Err(StoreError::PromptNotFound { .. })
    ));
    let kinds: Vec<_> = store
        .outbox_pending(20)
        .expect("outbox")
        .iter()
        .map(|e| (e.entity, e.op))
        .collect();
    assert_eq!(
        kinds
            .iter()
            .filter(|k| **k == (OutboxEntity::Domain, OutboxOp::Upsert))
            .count(),
        1
    );
    assert_eq!(
        kinds.last(),
        Some(&(OutboxEntity::Prompt, OutboxOp::Delete))
    );
}

#[test]
fn domains_are_added_described_and_deleted_with_their_prompt() {
    let (_dir, mut store) = library();
    let entry = CatalogEntry {
        domain: "retail".into(),
        category: "returns".into(),
        description: "Returns".into(),
    };
    store.add_domain(&entry).expect("add");
    assert!(matches!(
        store.add_domain(&entry),
        Err(StoreError::DomainExists { .. })
    ));
    store
        .update_domain(&CatalogEntry {
            description: "Returning an order".into(),
            ..entry.clone()
        })
        .expect("update");
    let found = store
        .catalog()
        .expect("catalog")
        .entries
        .into_iter()
        .find(|e| e.domain == "retail")
        .expect("entry");
    assert_eq!(found.description, "Returning an order");
    store
        .save_prompt(&prompt("retail", "returns", "returns"))
        .expect("save prompt");
    store.delete_domain("retail", "returns").expect("delete");
    assert_eq!(store.prompt("retail", "returns").expect("read"), None);
    assert!(!store
        .catalog()
        .expect("catalog")
        .contains("retail", "returns"));
    assert!(matches!(
        store.delete_domain("retail", "returns"),
        Err(StoreError::DomainNotFound { .. })
    ));
    let pending = store.outbox_pending(20).expect("outbox");
    let ack: Vec<i64> = pending.iter().map(|e| e.id).take(2).collect();
    store.outbox_fail(pending[2].id, "timeout").expect("fail");
    assert_eq!(store.outbox_ack(&ack).expect("ack"), 2);
    let rest = store.outbox_pending(20).expect("outbox");
    assert_eq!(rest.len(), pending.len() - 2);
    assert_eq!(
        (rest[0].attempts, rest[0].last_error.as_deref()),
        (1, Some("timeout"))
    );
}
