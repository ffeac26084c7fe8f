//! Callscope engine: turns call recordings into transcripts, analyses and a searchable library.
//!
//! Data flows `audio` → `stt` → `analysis` → `store`; see DESIGN.md for the picture.

pub mod analysis;
pub mod audio;
pub mod call;
pub mod config;
pub mod export;
pub mod jobs;
pub mod live;
pub mod llm;
pub mod models;
pub mod pipeline;
pub mod progress;
pub mod secrets;
pub mod store;
pub mod stt;
