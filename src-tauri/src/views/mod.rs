//! What the UI receives and sends: serialisable, TypeScript-typed views of engine values.

pub mod call;
pub mod jobs;
pub mod labels;
pub mod library;
pub mod settings;
