//! One module per subcommand; each parses its arguments and calls the engine.

pub mod analyze;
pub mod calls;
pub mod config;
pub mod devices;
pub mod domains;
pub mod keys;
pub mod listen;
pub mod models;
pub mod progress;
pub mod recover;
pub mod serve;
pub mod transcribe;
