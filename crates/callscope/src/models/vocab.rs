//! Whisper's text vocabulary, read from a Hugging Face `tokenizer.json` and turned back into the
//! raw token bytes whisper.cpp expects.

use std::collections::HashMap;

use serde::Deserialize;

use super::error::ModelError;

/// Rows in the token embedding from which a model is multilingual (English-only models have 51864).
pub(crate) const MULTILINGUAL_MIN_VOCAB: usize = 51_865;
/// The end-of-text token id of English-only models; multilingual models have one more token before it.
const ENGLISH_END_OF_TEXT: usize = 50_256;
const END_OF_TEXT: &str = "<|endoftext|>";

#[derive(Deserialize)]
struct TokenizerJson {
    model: TokenizerModel,
    #[serde(default)]
    added_tokens: Vec<AddedToken>,
}

#[derive(Deserialize)]
struct TokenizerModel {
    vocab: HashMap<String, usize>,
}

#[derive(Deserialize)]
struct AddedToken {
    id: usize,
    content: String,
}

/// The ordinary tokens (ids below end-of-text) as raw bytes, in id order.
pub(crate) fn whisper_tokens(tokenizer_json: &[u8], file: &str, n_vocab: usize) -> Result<Vec<Vec<u8>>, ModelError> {
    let invalid = |detail: String| ModelError::InvalidTokenizer { file: file.to_owned(), detail };
    let parsed: TokenizerJson =
        serde_json::from_slice(tokenizer_json).map_err(|e| invalid(format!("not a tokenizer.json ({e})")))?;

    let end_of_text = parsed
        .added_tokens
        .iter()
        .find(|t| t.content == END_OF_TEXT)
        .map(|t| t.id)
        .or_else(|| parsed.model.vocab.get(END_OF_TEXT).copied())
        .ok_or_else(|| invalid(format!("it has no `{END_OF_TEXT}` token")))?;
    let multilingual = n_vocab >= MULTILINGUAL_MIN_VOCAB;
    let expected = ENGLISH_END_OF_TEXT + usize::from(multilingual);
    if end_of_text != expected {
        let kind = if multilingual { "multilingual" } else { "English-only" };
        return Err(invalid(format!(
            "its end-of-text id is {end_of_text}, but the model ({n_vocab} tokens, {kind}) expects {expected}; \
             the tokenizer belongs to a different model"
        )));
    }

    let mut by_id: Vec<Option<&str>> = vec![None; end_of_text];
    for (text, &id) in &parsed.model.vocab {
        if let Some(slot) = by_id.get_mut(id) {
            *slot = Some(text);
        }
    }
    let decoder = byte_decoder();
    by_id
        .iter()
        .enumerate()
        .map(|(id, text)| {
            let text = text.ok_or_else(|| invalid(format!("token id {id} is missing from the vocabulary")))?;
            text.chars()
                .map(|c| decoder.get(&c).copied())
                .collect::<Option<Vec<u8>>>()
                .ok_or_else(|| invalid(format!("token {id} ({text:?}) is not GPT-2 byte-level text")))
        })
        .collect()
}

/// GPT-2's reversible map from the printable characters used in token strings back to bytes.
fn byte_decoder() -> HashMap<char, u8> {
    let printable = |b: u8| matches!(b, b'!'..=b'~' | 0xA1..=0xAC | 0xAE..=0xFF);
    let mut map = HashMap::with_capacity(256);
    let mut shifted = 0u32;
    for byte in 0..=255u8 {
        let code = if printable(byte) {
            u32::from(byte)
        } else {
            shifted += 1;
            255 + shifted
        };
        if let Some(c) = char::from_u32(code) {
            map.insert(c, byte);
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_level_characters_map_back_to_bytes() {
        let decoder = byte_decoder();
        assert_eq!(decoder.len(), 256);
        assert_eq!(decoder[&'Ġ'], b' ');
        assert_eq!(decoder[&'Ċ'], b'\n');
        assert_eq!(decoder[&'A'], b'A');
        assert_eq!(decoder[&'Ā'], 0);
    }

    #[test]
    fn tokenizer_for_another_model_size_is_rejected() {
        let json = br#"{"model":{"vocab":{"a":0,"<|endoftext|>":1}},"added_tokens":[{"id":1,"content":"<|endoftext|>"}]}"#;
        let err = whisper_tokens(json, "tokenizer.json", 51_864).unwrap_err();
        assert!(err.to_string().contains("belongs to a different model"), "{err}");
    }
}
