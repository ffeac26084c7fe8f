//! Text Whisper writes over sound that is not speech. Given music, a tone or a pluck, it often
//! produces a phrase from the subtitles it was trained on ("Thank you for watching!", "♪♪♪",
//! "[BLANK_AUDIO]") or a short word ("Bye.", "Now."). None of it may reach a transcript, a
//! field or a summary.
//!
//! A segment is dropped when:
//! - it holds no word at all (music notes, symbols) or only a bracketed annotation
//!   ("[Music]", "(upbeat music)", "*laughs*");
//! - it is a subtitle credit or a video sign-off, which no call contains;
//! - it is only a short stock phrase ("Bye bye.", "Thank you.", "Now.") and the recogniser
//!   itself doubted it: a high no-speech probability or low word probabilities. Said in a
//!   call, such words come with the confidence of the speech around them and are kept;
//! - with the speech-activity model installed, it is only stock phrases and the model hears no
//!   speech where they were written (`WhisperTranscriber`: base writes "Bye bye." over a guitar
//!   pluck with full confidence).

/// Phrases from subtitles and videos: never part of a phone call.
const NEVER_IN_A_CALL: &[&str] = &[
    "thank you for watching",
    "thanks for watching",
    "thank you so much for watching",
    "please subscribe",
    "like and subscribe",
    "subscribe to my channel",
    "subscribe to the channel",
    "see you in the next video",
    "subtitles by",
    "subtitled by",
    "captions by",
    "captioning by",
    "transcribed by",
    "translated by",
    "amara org",
];

/// Short phrases Whisper writes over non-speech that a caller may also really say.
const STOCK_PHRASES: &[&str] = &[
    "bye", "bye bye", "goodbye", "thank you", "thank you very much", "thanks", "you", "now", "okay", "ok", "so", "oh", "hmm",
    "yeah", "the end", "music", "applause", "silence", "um", "uh",
];

/// Above this no-speech probability, a stock phrase is taken for noise.
const NO_SPEECH_PROBABILITY: f32 = 0.3;
/// Below this mean word probability, a stock phrase is taken for noise.
const LOW_WORD_PROBABILITY: f32 = 0.55;

/// What the recogniser said about one segment.
#[derive(Debug, Clone, Copy)]
pub struct Heard<'a> {
    pub text: &'a str,
    /// Whisper's probability that the segment's audio holds no speech.
    pub no_speech_probability: f32,
    /// Mean probability of the segment's words.
    pub word_probability: f32,
}

/// Whether `text` is only stock phrases ("Bye bye.", "Thank you.", "Now."), which Whisper also
/// writes over sound that is not speech: worth checking with the speech-activity model.
pub fn is_stock_phrase(text: &str) -> bool {
    let words = plain_words(text);
    !words.is_empty() && is_stock(&words)
}

/// Whether the segment is text written over sound that is not speech.
pub fn is_hallucination(heard: Heard<'_>) -> bool {
    let text = heard.text.trim();
    if only_annotation(text) {
        return true;
    }
    let words = plain_words(text);
    if words.is_empty() {
        return true;
    }
    let joined = words.join(" ");
    if NEVER_IN_A_CALL.iter().any(|p| contains_phrase(&joined, p)) {
        return true;
    }
    let doubted = heard.no_speech_probability > NO_SPEECH_PROBABILITY || heard.word_probability < LOW_WORD_PROBABILITY;
    doubted && is_stock(&words)
}

/// "[Music]", "(upbeat music)", "*laughs*", "[BLANK_AUDIO]": the whole text is one annotation.
fn only_annotation(text: &str) -> bool {
    let pairs = [('[', ']'), ('(', ')'), ('*', '*'), ('<', '>')];
    pairs.iter().any(|(open, close)| text.len() >= 2 && text.starts_with(*open) && text.ends_with(*close) && text[1..text.len() - 1].find([*open, *close]).is_none())
}

/// The text's words in lowercase, without punctuation and symbols.
fn plain_words(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .map(str::to_lowercase)
        .collect()
}

fn contains_phrase(words: &str, phrase: &str) -> bool {
    words == phrase
        || words.starts_with(&format!("{phrase} "))
        || words.ends_with(&format!(" {phrase}"))
        || words.contains(&format!(" {phrase} "))
}

/// Only stock phrases, each perhaps repeated ("Bye. Bye. Bye.", "Thank you. Thank you.").
fn is_stock(words: &[String]) -> bool {
    let mut rest: &[String] = words;
    while !rest.is_empty() {
        let longest = STOCK_PHRASES
            .iter()
            .map(|p| p.split(' ').collect::<Vec<_>>())
            .filter(|p| p.len() <= rest.len() && p.iter().zip(rest).all(|(a, b)| *a == b.as_str()))
            .map(|p| p.len())
            .max();
        match longest {
            Some(n) => rest = &rest[n..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heard(text: &str, no_speech: f32, words: f32) -> Heard<'_> {
        Heard { text, no_speech_probability: no_speech, word_probability: words }
    }

    #[test]
    fn subtitle_credits_symbols_and_annotations_are_never_speech() {
        for text in ["Thank you for watching!", "Thanks for watching.", "♪♪♪", "♪", "...", "[Music]", "(upbeat music)", "[BLANK_AUDIO]", "Subtitles by the Amara.org community"] {
            assert!(is_hallucination(heard(text, 0.0, 0.95)), "{text}");
        }
    }

    #[test]
    fn a_stock_phrase_is_dropped_only_when_the_recogniser_doubted_it() {
        assert!(is_hallucination(heard("Bye bye.", 0.5, 0.9)));
        assert!(is_hallucination(heard("Now.", 0.05, 0.3)));
        assert!(is_hallucination(heard("Thank you. Thank you.", 0.6, 0.8)));
        assert!(!is_hallucination(heard("Bye bye.", 0.02, 0.92)), "said at the end of a call");
        assert!(!is_hallucination(heard("Thank you.", 0.1, 0.9)));
    }

    #[test]
    fn real_speech_is_kept_even_when_doubted() {
        assert!(!is_hallucination(heard("My order number is 7741932.", 0.7, 0.4)));
        assert!(!is_hallucination(heard("Thank you, Ethan, you're all set.", 0.5, 0.5)));
        assert!(!is_hallucination(heard("I watched the video you sent.", 0.0, 0.9)));
    }
}
