//! The remote LLM providers against loopback servers that speak their real wire formats
//! (Gemini `generateContent`, OpenAI `chat/completions` and `audio/transcriptions`): what the client sends (endpoint,
//! headers, schema, the key only in its header, no personal data), what it reads (answers,
//! tokens per stage), how it fails (429, 5xx, timeouts, dropped connections, bad answers),
//! and how the job builder chooses a provider and finds its key. One test binary; the tests
//! are grouped in modules under `tests/llm/`.

#[path = "llm/server.rs"]
mod server;

#[path = "llm/model.rs"]
mod model;

#[path = "llm/gemini.rs"]
mod gemini;

#[path = "llm/gemini_audio.rs"]
mod gemini_audio;

#[path = "llm/openai.rs"]
mod openai;

#[path = "llm/failures.rs"]
mod failures;

#[path = "llm/prompts.rs"]
mod prompts;

#[path = "llm/jobs.rs"]
mod jobs;

#[path = "llm/reanalysis.rs"]
mod reanalysis;
#[path = "llm/speech_server.rs"]
mod speech_server;

#[path = "llm/transcription.rs"]
mod transcription;
