//! One live decode: Whisper over a short window of one speaker's audio, with the same
//! hallucination filter as whole-call transcription.

use std::sync::Arc;

use whisper_rs::{FullParams, SamplingStrategy, WhisperState};

use super::agreement::TimedWord;
use crate::audio::WHISPER_SAMPLE_RATE_HZ;
use crate::stt::assemble::RawSegment;
use crate::stt::vad::SpeechFilter;
use crate::stt::whisper::{heard_as_speech, read_segments, MIN_SAMPLES};
use crate::stt::{SttError, WhisperTranscriber};

/// Encoder frames per second of audio (whisper's 30 s window is 1 500 frames).
const FRAMES_PER_S: usize = 50;
/// Encoder frames past the end of the audio: a little silence lets Whisper end its last word.
const AUDIO_CTX_MARGIN_FRAMES: usize = 64;
/// Tokens a second of speech needs at most (fast speech is ~4 words, ~6 tokens, a second).
const MAX_TOKENS_PER_S: usize = 8;

/// A Whisper state of its own (its buffers are reused between decodes) over a shared model.
pub(super) struct WindowDecoder {
    model: Arc<WhisperTranscriber>,
    state: WhisperState,
    threads: i32,
    language: String,
    shrink_audio_ctx: bool,
}

impl WindowDecoder {
    /// A decoder running whisper on `threads` threads.
    pub fn new(model: Arc<WhisperTranscriber>, threads: usize, language: &str, shrink_audio_ctx: bool) -> Result<Self, SttError> {
        let state = model.context().create_state().map_err(|e| SttError::Whisper { detail: e.to_string() })?;
        Ok(WindowDecoder { model, state, threads: threads.max(1) as i32, language: language.to_string(), shrink_audio_ctx })
    }

    /// The words heard in `samples` (16 kHz mono), times in ms from the window's start.
    /// With `filter`, stock phrases the speech-activity model hears no speech under are dropped.
    /// `prompt` is the speaker's text just before the window (committed words it no longer holds).
    pub fn decode(&mut self, samples: &[f32], prompt: &str, filter: Option<&SpeechFilter>) -> Result<Vec<TimedWord>, SttError> {
        let mut padded;
        let audio = if samples.len() < MIN_SAMPLES {
            padded = samples.to_vec();
            padded.resize(MIN_SAMPLES, 0.0);
            &padded[..]
        } else {
            samples
        };
        let mut params = FullParams::new(SamplingStrategy::Greedy { best_of: 1 });
        params.set_n_threads(self.threads);
        params.set_language(Some(self.language.as_str()));
        params.set_token_timestamps(true);
        params.set_suppress_nst(true);
        // Windows of both speakers share this state: never prompt one with the other's words.
        params.set_no_context(true);
        if !prompt.is_empty() {
            params.set_initial_prompt(prompt);
        }
        // Temperature fallback re-decodes a window up to five times: an unpredictable cost the
        // live path cannot afford; the hallucination filter and the next step catch bad decodes.
        params.set_temperature_inc(0.0);
        params.set_print_progress(false);
        params.set_print_realtime(false);
        params.set_print_special(false);
        params.set_print_timestamps(false);
        let seconds = audio.len().div_ceil(WHISPER_SAMPLE_RATE_HZ as usize);
        // One segment per window, with room for fast speech: a decode stuck repeating itself
        // stops there instead of running to Whisper's 224-token limit (seconds of CPU).
        params.set_single_segment(true);
        params.set_max_tokens((seconds * MAX_TOKENS_PER_S + 16) as i32);
        if self.shrink_audio_ctx {
            params.set_audio_ctx((seconds * FRAMES_PER_S + AUDIO_CTX_MARGIN_FRAMES).min(1500) as i32);
        }
        self.state.full(params, audio).map_err(|e| SttError::Whisper { detail: e.to_string() })?;
        let mut raw = read_segments(self.model.context(), &self.state);
        if let Some(filter) = filter {
            raw = heard_as_speech(raw, samples, filter)?;
        }
        let mut words = words_of(&raw);
        drop_repeated_tail(&mut words);
        Ok(words)
    }
}

/// Cut a hypothesis that ends by repeating itself ("How can I help you? How can I help you?")
/// back to one copy: with a short window Whisper often writes the window's words again over
/// the padding, and a decode stuck in a loop is cut off by the token cap in the middle of a
/// copy ("… whenever you're ready. Go ahead with the card number whenever you"), so the last
/// copy may be partial. A repeat counts when it is a whole copy of at least two words, or at
/// least `LOOP_WORDS` words long; a single word said twice ("four four") is kept.
pub(super) fn drop_repeated_tail(words: &mut Vec<TimedWord>) {
    loop {
        let n = words.len();
        // For each period, how many words at the end repeat the words one period earlier (the
        // very last may be cut in the middle: "you" for "you're").
        let repeats = |i: usize, period: usize| words[i].same_word(&words[i - period]) || (i + 1 == n && words[i - period].starts_with(&words[i]));
        let repeat = (2..n)
            .map(|period| (period, (period..n).rev().take_while(|&i| repeats(i, period)).count()))
            .find(|&(period, repeated)| repeated >= period || repeated >= LOOP_WORDS);
        let Some((period, repeated)) = repeat else { return };
        // Keep one copy of the repeating run; where the copy ends is ambiguous ("calling
        // service. Thank you for calling service. Thank you for …"), so end it at a sentence's
        // end if one falls within a period, else drop whole copies (or the partial one).
        let first_copy_end = n - repeated;
        let sentence_end = (first_copy_end..(first_copy_end + period).min(n)).find(|&len| words[len - 1].text.ends_with(['.', '?', '!']));
        let keep = sentence_end.unwrap_or(if repeated >= period { n - repeated / period * period } else { n - repeated });
        words.truncate(keep);
    }
}

/// A repeated run at least this long is a decoding loop even when it is not a whole copy.
const LOOP_WORDS: usize = 4;

fn words_of(raw: &[RawSegment]) -> Vec<TimedWord> {
    raw.iter()
        .flat_map(|segment| segment.words.iter())
        .filter_map(|w| TimedWord::new(&String::from_utf8_lossy(&w.bytes), w.start_ms, w.end_ms, w.probability))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<TimedWord> {
        text.split_whitespace().enumerate().filter_map(|(i, w)| TimedWord::new(w, i as u64 * 300, i as u64 * 300 + 250, 0.9)).collect()
    }

    fn text(words: &[TimedWord]) -> String {
        words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn a_hypothesis_that_repeats_itself_at_the_end_is_cut_back_to_one_copy() {
        let mut w = words("How can I help you? How can I help you?");
        drop_repeated_tail(&mut w);
        assert_eq!(text(&w), "How can I help you?");
        let mut w = words("calling service. Thank you for calling service. Thank you for calling service.");
        drop_repeated_tail(&mut w);
        assert_eq!(text(&w), "calling service. Thank you for calling service.");
    }

    #[test]
    fn a_loop_cut_off_in_the_middle_of_a_copy_is_cut_back_to_the_first_copy() {
        let mut w = words("Go ahead whenever you're ready. Go ahead whenever you're ready. Go ahead whenever");
        drop_repeated_tail(&mut w);
        assert_eq!(text(&w), "Go ahead whenever you're ready.");
        let mut w = words("Go ahead with the car number whenever you're ready. Go ahead with the car number whenever you're ready. Go ahead with the car number whenever you");
        drop_repeated_tail(&mut w);
        assert_eq!(text(&w), "Go ahead with the car number whenever you're ready.");
        let mut w = words("Perfect, thank you so much, Luis. Perfect, thank you so much,");
        drop_repeated_tail(&mut w);
        assert_eq!(text(&w), "Perfect, thank you so much, Luis.");
    }

    #[test]
    fn a_word_said_twice_on_purpose_is_kept() {
        let mut w = words("it is four four two");
        drop_repeated_tail(&mut w);
        assert_eq!(text(&w), "it is four four two");
        let mut w = words("no no");
        drop_repeated_tail(&mut w);
        assert_eq!(text(&w), "no no");
        // A short echo of a longer phrase is not a loop.
        let mut w = words("the card ending in one three, ending in");
        drop_repeated_tail(&mut w);
        assert_eq!(text(&w), "the card ending in one three, ending in");
    }
}
