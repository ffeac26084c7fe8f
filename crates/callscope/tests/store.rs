//! The call library on real SQLite files: saving, reading, listing, searching, the catalog,
//! prompts, the outbox, migrations, concurrency, damaged files and exports. One test binary;
//! the tests are grouped in modules under `tests/store/`.

#[path = "store/calls.rs"]
mod calls;
#[path = "store/catalog.rs"]
mod catalog;
#[path = "store/export.rs"]
mod export;
#[path = "store/library.rs"]
mod library;
#[path = "store/listing.rs"]
mod listing;
#[path = "store/search.rs"]
mod search;
#[path = "store/support.rs"]
mod support;
