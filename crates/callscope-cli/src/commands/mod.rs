//! One module per subcommand; each parses its arguments and calls the engine.

pub mod models;
pub mod progress;
pub mod transcribe;
