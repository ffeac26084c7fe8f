//! Words of a text for vocabulary matching: lowercase, punctuation dropped, each word keeping
//! the index of its token in `spoken::scan`'s token list so matches can be related to values.

use crate::analysis::spoken::{Token, TokenKind};

/// The words of one text, with token indices and sentence numbers.
#[derive(Debug, Clone, Default)]
pub struct Words {
    pub words: Vec<String>,
    /// Token index of each word.
    pub token: Vec<usize>,
    /// Sentence number (0-based) of each word; sentences end at `.`, `?`, `!`.
    pub sentence: Vec<usize>,
    /// Per sentence: byte span in the text and whether it ends with `?`.
    pub sentences: Vec<SentenceSpan>,
}

/// Where a sentence is in its text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SentenceSpan {
    pub start: usize,
    pub end: usize,
    pub question: bool,
}

impl Words {
    /// Build from scanned tokens.
    pub fn from_tokens(tokens: &[Token]) -> Self {
        let mut w = Words::default();
        let mut sentence = 0;
        let mut open: Option<SentenceSpan> = None;
        for (i, t) in tokens.iter().enumerate() {
            match t.kind {
                TokenKind::Punct => {
                    let ends = matches!(t.norm.as_str(), "." | "?" | "!");
                    if let Some(span) = open.as_mut() {
                        span.end = t.end;
                        span.question = t.norm == "?";
                    }
                    if ends {
                        if let Some(span) = open.take() {
                            w.sentences.push(span);
                            sentence += 1;
                        }
                    }
                }
                _ => {
                    let span = open.get_or_insert(SentenceSpan { start: t.start, end: t.end, question: false });
                    span.end = t.end;
                    w.words.push(t.norm.replace('’', "'"));
                    w.token.push(i);
                    w.sentence.push(sentence);
                }
            }
        }
        if let Some(span) = open {
            w.sentences.push(span);
        }
        w
    }

    /// Word positions where `phrase` starts (see `Phrase::matches_at`).
    pub fn find(&self, phrase: &Phrase) -> Vec<usize> {
        (0..self.words.len()).filter(|&i| phrase.matches_at(&self.words, i)).collect()
    }

    /// Whether the phrase occurs anywhere.
    pub fn contains(&self, phrase: &Phrase) -> bool {
        (0..self.words.len()).any(|i| phrase.matches_at(&self.words, i))
    }

    /// Whether sentence `n` is a question.
    pub fn is_question(&self, n: usize) -> bool {
        self.sentences.get(n).is_some_and(|s| s.question)
    }

    /// Word positions of sentence `n`.
    pub fn sentence_words(&self, n: usize) -> std::ops::Range<usize> {
        let start = self.sentence.partition_point(|s| *s < n);
        let end = self.sentence.partition_point(|s| *s <= n);
        start..end
    }

    /// Whether sentence `n` is hypothetical ("if we don't receive them…", "would be denied").
    pub fn is_hypothetical(&self, n: usize) -> bool {
        self.sentence_words(n).any(|i| matches!(self.words[i].as_str(), "if" | "would" | "unless" | "otherwise" | "could"))
    }

    /// Word position of token index `token` (or of the nearest word after it).
    pub fn position_of_token(&self, token: usize) -> usize {
        self.token.partition_point(|t| *t < token)
    }
}

/// A vocabulary entry split into words: "rear-ended" → ["rear", "ended"].
#[derive(Debug, Clone, PartialEq)]
pub struct Phrase {
    pub parts: Vec<String>,
}

impl Phrase {
    /// Split a phrase into lowercase words on spaces and hyphens.
    pub fn new(text: &str) -> Self {
        let parts = text
            .to_lowercase()
            .replace('’', "'")
            .split(|c: char| c.is_whitespace() || c == '-' || c == '/' || c == ',')
            .filter(|p| !p.is_empty())
            .map(str::to_string)
            .collect();
        Phrase { parts }
    }

    /// Whether the phrase starts at word `i`: every word equal, the last one also in an
    /// inflected form (plural, -ed, -ing).
    pub fn matches_at(&self, words: &[String], i: usize) -> bool {
        if self.parts.is_empty() || i + self.parts.len() > words.len() {
            return false;
        }
        let last = self.parts.len() - 1;
        self.parts.iter().enumerate().all(|(k, p)| {
            let w = &words[i + k];
            w == p || (k == last && inflected(w, p))
        })
    }
}

/// Whether `word` is `base` with a plural, past or gerund ending, or a possessive.
pub fn inflected(word: &str, base: &str) -> bool {
    if base.len() < 3 {
        return word == format!("{base}s");
    }
    let Some(rest) = word.strip_prefix(base) else {
        let stem = base.strip_suffix('e').unwrap_or(base);
        return word.strip_prefix(stem).is_some_and(|r| matches!(r, "ing" | "ed"))
            || base.strip_suffix('y').is_some_and(|s| word.strip_prefix(s).is_some_and(|r| matches!(r, "ies" | "ied")));
    };
    matches!(rest, "s" | "es" | "ed" | "d" | "ing" | "'s" | "er" | "ers")
        || (rest.len() == 3 && rest.ends_with("ed") && rest.starts_with(base.chars().last().unwrap_or(' ')))
        || (rest.len() == 4 && rest.ends_with("ing") && rest.starts_with(base.chars().last().unwrap_or(' ')))
}

/// Very common function words, never names, products or field cues by themselves.
pub const STOPWORDS: &[&str] = &[
    "a", "an", "the", "and", "or", "but", "so", "to", "of", "in", "on", "at", "for", "with", "from", "by", "about", "as",
    "is", "are", "was", "were", "be", "been", "being", "am", "it", "it's", "its", "this", "that", "that's", "these",
    "those", "i", "i'm", "i've", "i'll", "i'd", "me", "my", "mine", "you", "you're", "you've", "you'll", "your", "yours",
    "we", "we're", "we've", "we'll", "our", "us", "they", "they're", "them", "their", "he", "she", "him", "her", "his",
    "do", "does", "did", "have", "has", "had", "will", "would", "can", "could", "should", "may", "might", "must",
    "just", "also", "very", "really", "not", "no", "yes", "yeah", "okay", "ok", "um", "uh", "oh", "well", "like",
    "there", "there's", "here", "what", "what's", "which", "who", "when", "where", "why", "how", "if", "then",
    "than", "all", "any", "some", "up", "out", "into", "over", "after", "before", "again", "now", "right", "get",
    "got", "go", "let", "let's", "please", "thank", "thanks", "sure", "one", "new", "still", "that'll", "don't",
    "didn't", "doesn't", "isn't", "wasn't", "can't", "won't", "there'll", "actually", "honestly", "maybe", "only",
];

/// Whether `word` is a stopword.
pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.contains(&word)
}
