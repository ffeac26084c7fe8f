//! Which words of a growing window are settled: LocalAgreement-2 (whisper_streaming's policy).
//!
//! Each decode of a speaker's window is a hypothesis. A word is committed once two consecutive
//! hypotheses agree on it and on everything before it; committed words are never revised, so
//! later hypotheses are compared only past the last committed word: by time (words starting
//! after its start; word ends are Whisper's token ends, which often stretch over the next word),
//! then by dropping a repeat of the committed tail that a shifted timestamp let through.

use crate::stt::normalise_words;

/// A word starting less than this after the last committed word's start is that word again.
const SAME_START_MS: u64 = 60;
/// A hypothesis opening within this of the last committed word may open by repeating it.
const REPEAT_WITHIN_MS: u64 = 1_000;
/// Longest repeat of the committed tail looked for at the head of a hypothesis.
const MAX_REPEAT_WORDS: usize = 5;

/// One recognised word with its time (ms) on the call's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct TimedWord {
    /// The word as written, with its punctuation ("Luis.").
    pub text: String,
    /// The word as compared: lowercase, no punctuation ("luis").
    key: String,
    pub start_ms: u64,
    pub end_ms: u64,
    pub probability: f32,
}

impl TimedWord {
    /// A word from the recogniser's text, or `None` when it holds no letter or digit.
    pub fn new(text: &str, start_ms: u64, end_ms: u64, probability: f32) -> Option<Self> {
        let key = normalise_words(text).join(" ");
        let text = text.trim();
        (!key.is_empty()).then(|| TimedWord { text: text.to_string(), key, start_ms, end_ms: end_ms.max(start_ms), probability })
    }

    /// Whether two words are the same once case and punctuation are set aside.
    pub fn same_word(&self, other: &TimedWord) -> bool {
        self.key == other.key
    }

    /// Whether `other` could be this word cut off before its end ("you" of "you're").
    pub fn starts_with(&self, other: &TimedWord) -> bool {
        self.key.starts_with(&other.key)
    }

    /// The same word `offset_ms` later (window times to call times).
    pub fn shifted(mut self, offset_ms: u64) -> Self {
        self.start_ms += offset_ms;
        self.end_ms += offset_ms;
        self
    }
}

/// The commit state of one utterance of one speaker.
#[derive(Debug, Default)]
pub struct Agreement {
    /// End of the last committed word (ms on the call's timeline).
    committed_end_ms: Option<u64>,
    /// Start of the last committed word.
    committed_start_ms: Option<u64>,
    /// Keys of the last committed words, oldest first.
    committed_tail: Vec<String>,
    /// The latest hypothesis past the committed words: shown, not yet settled.
    tentative: Vec<TimedWord>,
}

impl Agreement {
    /// Take a new hypothesis (words on the call's timeline, in order) and return the words it
    /// settles: the longest prefix on which it agrees with the previous hypothesis, among the
    /// words that ended by `settle_by_ms` (a word at the very end of the audio may be cut off).
    pub fn insert(&mut self, hypothesis: Vec<TimedWord>, settle_by_ms: u64) -> Vec<TimedWord> {
        let fresh = self.past_committed(hypothesis);
        let agreed = fresh
            .iter()
            .zip(&self.tentative)
            .take_while(|(new, old)| new.key == old.key && new.end_ms <= settle_by_ms)
            .count();
        let mut fresh = fresh;
        let rest = fresh.split_off(agreed);
        self.tentative = rest;
        self.commit(fresh)
    }

    /// Settle every tentative word (the utterance has ended and its last decode was heard).
    pub fn commit_all(&mut self) -> Vec<TimedWord> {
        let words = std::mem::take(&mut self.tentative);
        self.commit(words)
    }

    /// Settle the tentative words that ended at or before `cutoff_ms`, in order (a window that
    /// must be cut short cannot wait for agreement on them).
    pub fn commit_ended_by(&mut self, cutoff_ms: u64) -> Vec<TimedWord> {
        let n = self.tentative.iter().take_while(|w| w.end_ms <= cutoff_ms).count();
        let rest = self.tentative.split_off(n);
        let done = std::mem::replace(&mut self.tentative, rest);
        self.commit(done)
    }

    /// The words shown but not settled.
    pub fn tentative(&self) -> &[TimedWord] {
        &self.tentative
    }

    /// Where the window's audio may be cut once everything before it is committed: the end of
    /// the last committed word, but not past the start of the first tentative one.
    pub fn cut_ms(&self) -> Option<u64> {
        let end = self.committed_end_ms?;
        let start = self.committed_start_ms.unwrap_or(end);
        Some(self.tentative.first().map_or(end, |next| end.min(next.start_ms.max(start))))
    }

    fn commit(&mut self, words: Vec<TimedWord>) -> Vec<TimedWord> {
        if let Some(last) = words.last() {
            self.committed_end_ms = Some(self.committed_end_ms.map_or(last.end_ms, |e| e.max(last.end_ms)));
            self.committed_start_ms = Some(self.committed_start_ms.map_or(last.start_ms, |s| s.max(last.start_ms)));
        }
        self.committed_tail.extend(words.iter().map(|w| w.key.clone()));
        let excess = self.committed_tail.len().saturating_sub(MAX_REPEAT_WORDS);
        self.committed_tail.drain(..excess);
        words
    }

    /// The hypothesis without the words already committed.
    fn past_committed(&self, hypothesis: Vec<TimedWord>) -> Vec<TimedWord> {
        let Some(last) = self.committed_start_ms else { return hypothesis };
        let mut fresh: Vec<TimedWord> = hypothesis.into_iter().filter(|w| w.start_ms >= last + SAME_START_MS).collect();
        // A committed word let through by the tolerance: the hypothesis opens with the end of
        // what was already committed. Drop the longest such repeat.
        let longest = (1..=MAX_REPEAT_WORDS.min(fresh.len()).min(self.committed_tail.len()))
            .rev()
            .find(|&n| {
                let tail = &self.committed_tail[self.committed_tail.len() - n..];
                fresh[..n].iter().zip(tail).all(|(w, key)| &w.key == key) && fresh[0].start_ms < last + REPEAT_WITHIN_MS
            });
        if let Some(n) = longest {
            fresh.drain(..n);
        }
        fresh
    }
}

/// The words as one caption line.
pub fn text_of(words: &[TimedWord]) -> String {
    words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words every 400 ms from `start_ms`, each 300 ms long.
    fn hyp(text: &str, start_ms: u64) -> Vec<TimedWord> {
        text.split_whitespace()
            .enumerate()
            .filter_map(|(i, w)| TimedWord::new(w, start_ms + i as u64 * 400, start_ms + i as u64 * 400 + 300, 0.9))
            .collect()
    }

    fn texts(words: &[TimedWord]) -> String {
        text_of(words)
    }

    #[test]
    fn a_first_hypothesis_settles_nothing() {
        let mut a = Agreement::default();
        assert!(a.insert(hyp("thank you for", 0), u64::MAX).is_empty());
        assert_eq!(texts(a.tentative()), "thank you for");
    }

    #[test]
    fn the_prefix_two_decodes_agree_on_is_committed_and_the_rest_stays_tentative() {
        let mut a = Agreement::default();
        a.insert(hyp("thank you for col", 0), u64::MAX);
        let settled = a.insert(hyp("Thank you, for calling Summit", 0), u64::MAX);
        assert_eq!(texts(&settled), "Thank you, for");
        assert_eq!(texts(a.tentative()), "calling Summit");
        assert_eq!(a.cut_ms(), Some(1_100));
    }

    #[test]
    fn committed_words_are_not_committed_again_when_the_window_still_holds_them() {
        let mut a = Agreement::default();
        a.insert(hyp("can I get your", 0), u64::MAX);
        assert_eq!(texts(&a.insert(hyp("can I get your policy", 0), u64::MAX)), "can I get your");
        // The whole window is decoded again: its committed head must not come back.
        assert_eq!(texts(&a.insert(hyp("can I get your policy number", 0), u64::MAX)), "policy");
        assert_eq!(texts(a.tentative()), "number");
    }

    #[test]
    fn a_committed_word_whose_timestamp_moved_late_is_not_repeated() {
        let mut a = Agreement::default();
        a.insert(hyp("my card ends", 0), u64::MAX);
        assert_eq!(texts(&a.insert(hyp("my card ends in", 0), u64::MAX)), "my card ends");
        // "ends" now starts 200 ms later than it did (1 000 ms after the committed end).
        let mut moved = hyp("my card ends in four", 0);
        moved[2].start_ms = 1_000;
        assert_eq!(texts(&a.insert(moved, u64::MAX)), "in");
        assert_eq!(texts(a.tentative()), "four");
    }

    #[test]
    fn a_revised_tail_replaces_the_tentative_words_but_never_the_committed_ones() {
        let mut a = Agreement::default();
        a.insert(hyp("the balance is", 0), u64::MAX);
        assert_eq!(texts(&a.insert(hyp("the balance is for", 0), u64::MAX)), "the balance is");
        assert!(a.insert(hyp("the ballots is four hundred", 0), u64::MAX).is_empty());
        assert_eq!(texts(a.tentative()), "four hundred");
    }

    #[test]
    fn the_end_of_an_utterance_commits_the_last_hypothesis() {
        let mut a = Agreement::default();
        a.insert(hyp("goodbye now", 0), u64::MAX);
        assert_eq!(texts(&a.insert(hyp("goodbye now then", 0), u64::MAX)), "goodbye now");
        assert_eq!(texts(&a.commit_all()), "then");
        assert!(a.tentative().is_empty());
        assert!(a.commit_all().is_empty());
    }

    #[test]
    fn a_window_cut_short_commits_only_the_words_that_ended_before_the_cut() {
        let mut a = Agreement::default();
        a.insert(hyp("one two three four", 0), u64::MAX);
        assert_eq!(texts(&a.commit_ended_by(1_000)), "one two");
        assert_eq!(texts(a.tentative()), "three four");
    }

    #[test]
    fn a_word_at_the_very_end_of_the_audio_waits_for_a_decode_that_heard_past_it() {
        let mut a = Agreement::default();
        a.insert(hyp("two words", 0), u64::MAX);
        assert_eq!(texts(&a.insert(hyp("two words", 0), 500)), "two");
        assert_eq!(texts(&a.insert(hyp("two words more", 0), u64::MAX)), "words");
    }

    #[test]
    fn a_new_word_under_the_stretched_end_of_the_last_committed_one_is_kept() {
        let mut a = Agreement::default();
        let mut stretched = hyp("over the", 0);
        stretched[1].end_ms = 1_500;
        a.insert(stretched.clone(), u64::MAX);
        assert_eq!(texts(&a.insert(stretched, u64::MAX)), "over the");
        assert_eq!(texts(&a.insert(hyp("over the phone", 0), u64::MAX)), "");
        assert_eq!(texts(a.tentative()), "phone");
        assert_eq!(a.cut_ms(), Some(800), "the cut is at the next word, not the stretched end");
    }

    #[test]
    fn punctuation_only_tokens_are_not_words() {
        assert!(TimedWord::new(" ...", 0, 10, 0.5).is_none());
        assert_eq!(TimedWord::new(" Mr.", 0, 10, 0.5).map(|w| w.text), Some("Mr.".to_string()));
    }
}
