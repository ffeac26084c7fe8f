//! Stage 1 from the recording (Gemini's audio mode, the original system's first request): the
//! model hears the call, writes down what was said, and names its domain and category. The
//! transcription comes back because the original asked for it and it steers the model to
//! listen to the whole call; the pipeline keeps the local, per-channel transcript instead.

use serde_json::Value;

use crate::call::{Detection, DomainCatalog};
use crate::llm::LlmStage;

use super::detect::catalog_text;
use super::{Ask, Schema};

const INSTRUCTIONS: &str = "You listen to recorded customer-service phone calls. Transcribe the call word for word, then give \
its domain (the industry) and category (the reason for the call). Choose a domain/category pair from the catalog when one \
fits; otherwise name a new pair in lowercase snake_case words, such as retail / order_status. confidence is how sure you \
are of the pair, from 0 to 1. Answer with one JSON object.";

/// The question; the recording travels beside it.
pub(super) fn ask(catalog: &DomainCatalog) -> Ask {
    let mut question = catalog_text(catalog);
    question.push_str("\nThe call's recording is attached.\n");
    Ask { stage: LlmStage::AudioDetection, instructions: INSTRUCTIONS.to_string(), question, schema: schema(), schema_name: "stage1_transcription_and_detection" }
}

fn schema() -> Schema {
    Schema::object(vec![
        ("transcription", Schema::text().described("what was said, in order")),
        ("domain", Schema::text().described("industry, lowercase snake_case")),
        ("category", Schema::text().described("reason for the call, lowercase snake_case")),
        ("confidence", Schema::number().described("0 to 1")),
    ])
}

/// The detection in a checked answer (the transcription is only logged).
pub(super) fn read(value: &Value) -> Result<Detection, String> {
    let heard = value.get("transcription").and_then(Value::as_str).map_or(0, |t| t.split_whitespace().count());
    tracing::debug!(words = heard, "stage 1 heard the call; its transcription is not kept (the local one is)");
    super::detect::read(value)
}
