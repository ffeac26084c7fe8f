//! Everything the offline analyzer derives once per transcript: each segment's scanned values
//! and words, and the year to give dates said without one.

use crate::analysis::spoken::{self, Address, Mention, Scan, Value};
use crate::stt::{Speaker, Transcript};

use super::words::{Phrase, Words};

/// One segment, scanned.
#[derive(Debug, Clone)]
pub struct Turn {
    pub index: usize,
    pub speaker: Speaker,
    pub start_ms: u64,
    pub text: String,
    pub scan: Scan,
    pub words: Words,
    /// Street addresses said in the turn.
    pub addresses: Vec<Address>,
    /// The text in lowercase, for quick substring tests.
    pub lower: String,
}

impl Turn {
    /// Said by the agent, or by an unlabelled speaker (mono recordings).
    pub fn is_agent(&self) -> bool {
        self.speaker != Speaker::Customer
    }

    /// Said by the customer, or by an unlabelled speaker (mono recordings).
    pub fn is_customer(&self) -> bool {
        self.speaker != Speaker::Agent
    }

    /// Whether the turn's words contain `phrase`.
    pub fn says(&self, phrase: &str) -> bool {
        self.words.contains(&Phrase::new(phrase))
    }

    /// Whether the turn contains any of `phrases`.
    pub fn says_any(&self, phrases: &[&str]) -> bool {
        phrases.iter().any(|p| self.says(p))
    }
}

/// A value found in the call: which turn, and the mention itself.
#[derive(Debug, Clone)]
pub struct Found<'a> {
    pub turn: &'a Turn,
    pub mention: &'a Mention,
    /// Position of the mention's first word in the turn's word list.
    pub word: usize,
}

/// The scanned call.
#[derive(Debug, Clone)]
pub struct CallContext {
    pub turns: Vec<Turn>,
    /// Year for dates said without one (see `default_year`).
    pub year: i32,
}

const BIRTH_CUES: &[&str] = &["birth", "born", "birthday", "dob", "d.o.b"];

impl CallContext {
    /// Scan every segment. `reference_year` is the call's year when known.
    pub fn new(transcript: &Transcript, reference_year: i32) -> Self {
        let turns: Vec<Turn> = transcript
            .segments
            .iter()
            .enumerate()
            .map(|(index, s)| {
                let scan = spoken::scan(&s.text);
                let words = Words::from_tokens(&scan.tokens);
                let addresses = spoken::addresses(&s.text, &scan);
                let lower = s.text.to_lowercase().replace('’', "'");
                Turn { index, speaker: s.speaker, start_ms: s.start_ms, text: s.text.clone(), scan, words, addresses, lower }
            })
            .collect();
        let mut ctx = CallContext { turns, year: reference_year };
        ctx.year = ctx.default_year(reference_year);
        ctx
    }

    /// The year for dates said without one: the latest year said with a date that is not a
    /// date of birth and lies within two years of `reference_year`; otherwise `reference_year`.
    fn default_year(&self, reference_year: i32) -> i32 {
        self.all()
            .filter_map(|f| match f.mention.value {
                Value::Date { date } if !self.is_birth_date(&f) => date.year,
                _ => None,
            })
            .filter(|y| (y - reference_year).abs() <= 2)
            .max()
            .unwrap_or(reference_year)
    }

    /// Every value in the call, in order.
    pub fn all(&self) -> impl Iterator<Item = Found<'_>> {
        self.turns.iter().flat_map(move |turn| {
            turn.scan.mentions.iter().map(move |mention| Found { turn, mention, word: turn.words.position_of_token(mention.first_token) })
        })
    }

    /// Whether a date is someone's date of birth: asked or said as one, or more than twelve
    /// years before the call.
    pub fn is_birth_date(&self, found: &Found<'_>) -> bool {
        let Value::Date { date } = found.mention.value else { return false };
        if date.year.is_some_and(|y| y < self.year - 12) {
            return true;
        }
        let same_turn_cue = BIRTH_CUES.iter().any(|c| {
            let phrase = Phrase::new(c);
            found.turn.words.find(&phrase).iter().any(|&p| p < found.word && found.word - p <= 8)
        });
        if same_turn_cue {
            return true;
        }
        let first_date_in_turn = found
            .turn
            .scan
            .mentions
            .iter()
            .find(|m| matches!(m.value, Value::Date { .. }))
            .is_some_and(|m| m.start == found.mention.start);
        first_date_in_turn && self.previous_other(found.turn).is_some_and(|p| asks_for(p, BIRTH_CUES))
    }

    /// The turn just before, when the other side spoke it.
    pub fn previous_other(&self, turn: &Turn) -> Option<&Turn> {
        let prev = self.turns.get(turn.index.checked_sub(1)?)?;
        (prev.speaker != turn.speaker || turn.speaker == Speaker::Unknown).then_some(prev)
    }
}

/// Whether a turn asks for something: the words are in a question, or the agent says them
/// ("Please confirm your date of birth.").
pub fn asks_for(turn: &Turn, cues: &[&str]) -> bool {
    cues.iter().any(|c| {
        turn.words.find(&Phrase::new(c)).iter().any(|&p| {
            let sentence = turn.words.sentence.get(p).copied().unwrap_or(0);
            turn.words.is_question(sentence) || turn.speaker == Speaker::Agent
        })
    })
}
