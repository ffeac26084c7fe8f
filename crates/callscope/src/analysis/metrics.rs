//! Conversation metrics from segment timings alone: talk ratio, silence, overtalk, talk speed.
//!
//! Definitions follow AWS Contact Lens / Google CCAI Insights (see "Conversation metrics" in
//! DESIGN.md). Choices those definitions leave open, decided here:
//!
//! - **Call duration** is `Transcript::duration_ms`, or the latest segment end when that is 0.
//!   Speech is clipped to `0..duration`: audio that does not exist cannot be talked in.
//! - **Degenerate segments** (end ≤ start, or wholly past the end of the call) carry no time and
//!   are ignored entirely, words included, so they cannot inflate words per minute.
//! - **Talk time** is the union of a participant's segments, so a speaker's own overlapping
//!   segments count once; agent % + customer % can still pass 100 when they talk over each other.
//!   Pauses shorter than [`TALK_BRIDGE_MS`] inside one participant's speech, while the other is
//!   silent, count as talk: a recogniser trims segment edges and cuts at every sentence end, so
//!   raw segment time under-counts a turn that a listener hears as continuous (measured on the
//!   rendered fixture calls: −3.8 points of talk on average without bridging, ±0 with it).
//! - **Silence** (non-talk time) is time in which nobody speaks, `Unknown` speakers included. It
//!   counts anywhere in the call, so leading and trailing silence are part of both `silence_pct`
//!   and `longest_silence_ms`, as in Contact Lens.
//! - **Turns** are a participant's speech with pauses shorter than [`TURN_MERGE_GAP_MS`] closed,
//!   because a recogniser splits one spoken turn into several segments.
//! - **Overtalk** is a turn by the agent or customer that starts strictly inside the other
//!   participant's turn and actually overlaps their speech; its length is the time both speak
//!   during those two turns, and it is attributed to the one who started later. Turns that start
//!   at the same instant interrupt nobody, and `Unknown` speech never counts as overtalk, since it
//!   cannot be attributed.
//! - **Words** are whitespace-separated tokens containing a letter or digit (a lone "-" is not a
//!   word); words per minute divide a participant's words by their own talk time.
//! - Percentages and words per minute are rounded to one decimal.

use crate::call::ConversationMetrics;
use crate::stt::{Speaker, Transcript};

/// A pause shorter than this between two segments of the same speaker does not end their turn.
///
/// Whisper cuts a single turn at sentence ends with pauses of roughly 100–250 ms, while a real
/// hand-over between speakers or a new turn after thinking takes longer.
pub const TURN_MERGE_GAP_MS: u64 = 300;

/// A pause shorter than this inside one participant's speech is talk time, unless the other
/// participant speaks in it.
pub const TALK_BRIDGE_MS: u64 = 700;

/// A half-open stretch of time `start_ms..end_ms`, never empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Span {
    start_ms: u64,
    end_ms: u64,
}

impl Span {
    fn len_ms(self) -> u64 {
        self.end_ms - self.start_ms
    }
}

/// One participant's turn: its outer span and the speech inside it (sorted, disjoint).
#[derive(Debug)]
struct Turn {
    span: Span,
    speech: Vec<Span>,
}

/// Measure talk ratio, silence, overtalk, turns and talk speed of a call from its segment timings.
///
/// Never fails: an empty transcript, a zero-length call, unsorted, overlapping or reversed segments
/// all give well-defined numbers (all zero when there is no time to measure).
pub fn measure(transcript: &Transcript) -> ConversationMetrics {
    let duration_ms = if transcript.duration_ms > 0 {
        transcript.duration_ms
    } else {
        transcript.segments.iter().map(|s| s.end_ms).max().unwrap_or(0)
    };
    if duration_ms == 0 {
        return ConversationMetrics::default();
    }

    let mut unknown_speech = Vec::new();
    let mut agent_speech = Vec::new();
    let mut customer_speech = Vec::new();
    let (mut agent_words, mut customer_words) = (0u64, 0u64);
    for segment in &transcript.segments {
        let start_ms = segment.start_ms.min(duration_ms);
        let end_ms = segment.end_ms.min(duration_ms);
        if end_ms <= start_ms {
            continue;
        }
        let span = Span { start_ms, end_ms };
        match segment.speaker {
            Speaker::Agent => {
                agent_speech.push(span);
                agent_words += count_words(&segment.text);
            }
            Speaker::Customer => {
                customer_speech.push(span);
                customer_words += count_words(&segment.text);
            }
            Speaker::Unknown => unknown_speech.push(span),
        }
    }
    let raw_agent = union(agent_speech);
    let raw_customer = union(customer_speech);
    let agent_speech = bridge(&raw_agent, &raw_customer);
    let customer_speech = bridge(&raw_customer, &raw_agent);
    let unknown_speech = bridge(&union(unknown_speech), &[]);
    let all_speech = union([agent_speech.clone(), customer_speech.clone(), unknown_speech].concat());
    let agent_talk_ms = total_ms(&agent_speech);
    let customer_talk_ms = total_ms(&customer_speech);
    let silence_ms = duration_ms - total_ms(&all_speech);

    // Turns and interruptions keep the recogniser's own pauses: bridging is about how long
    // someone talked, not about who started speaking when.
    let agent_turns = into_turns(&raw_agent);
    let customer_turns = into_turns(&raw_customer);
    let by_agent = interruptions(&agent_turns, &customer_turns);
    let by_customer = interruptions(&customer_turns, &agent_turns);

    ConversationMetrics {
        agent_talk_pct: percent(agent_talk_ms, duration_ms),
        customer_talk_pct: percent(customer_talk_ms, duration_ms),
        silence_pct: percent(silence_ms, duration_ms),
        longest_silence_ms: longest_gap_ms(&all_speech, duration_ms),
        overtalk_count: saturating_u32(by_agent.len() + by_customer.len()),
        overtalk_ms: by_agent.iter().chain(&by_customer).sum(),
        interruptions_by_agent: saturating_u32(by_agent.len()),
        interruptions_by_customer: saturating_u32(by_customer.len()),
        agent_wpm: words_per_minute(agent_words, agent_talk_ms),
        customer_wpm: words_per_minute(customer_words, customer_talk_ms),
        agent_turns: saturating_u32(agent_turns.len()),
        customer_turns: saturating_u32(customer_turns.len()),
    }
}

/// Sorted, disjoint spans covering exactly the time covered by `spans`.
fn union(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_unstable();
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start_ms <= last.end_ms => {
                last.end_ms = last.end_ms.max(span.end_ms)
            }
            _ => merged.push(span),
        }
    }
    merged
}

/// `own` with its short pauses closed where `other` is silent (see [`TALK_BRIDGE_MS`]).
fn bridge(own: &[Span], other: &[Span]) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::with_capacity(own.len());
    for &span in own {
        match out.last_mut() {
            Some(last)
                if span.start_ms - last.end_ms < TALK_BRIDGE_MS
                    && !other.iter().any(|o| o.start_ms < span.start_ms && o.end_ms > last.end_ms) =>
            {
                last.end_ms = span.end_ms;
            }
            _ => out.push(span),
        }
    }
    out
}

fn total_ms(spans: &[Span]) -> u64 {
    spans.iter().map(|s| s.len_ms()).sum()
}

/// Group one participant's sorted, disjoint speech into turns separated by long pauses.
fn into_turns(speech: &[Span]) -> Vec<Turn> {
    let mut turns: Vec<Turn> = Vec::new();
    for &span in speech {
        match turns.last_mut() {
            Some(turn) if span.start_ms - turn.span.end_ms < TURN_MERGE_GAP_MS => {
                turn.span.end_ms = span.end_ms;
                turn.speech.push(span);
            }
            _ => turns.push(Turn { span, speech: vec![span] }),
        }
    }
    turns
}

/// The overlapped milliseconds of every turn in `interrupter` that starts inside one of `other`'s.
fn interruptions(interrupter: &[Turn], other: &[Turn]) -> Vec<u64> {
    let mut events = Vec::new();
    for turn in interrupter {
        let start_ms = turn.span.start_ms;
        // Turns of one speaker are disjoint, so at most one of the other's turns is in progress.
        let idx = other.partition_point(|o| o.span.start_ms < start_ms);
        let Some(ongoing) = idx.checked_sub(1).and_then(|i| other.get(i)) else {
            continue;
        };
        if start_ms >= ongoing.span.end_ms {
            continue;
        }
        let overlap_ms = overlap_ms(&turn.speech, &ongoing.speech);
        if overlap_ms > 0 {
            events.push(overlap_ms);
        }
    }
    events
}

/// Time covered by both of two sorted, disjoint span lists.
fn overlap_ms(a: &[Span], b: &[Span]) -> u64 {
    let (mut i, mut j, mut total) = (0, 0, 0);
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        let start_ms = x.start_ms.max(y.start_ms);
        let end_ms = x.end_ms.min(y.end_ms);
        total += end_ms.saturating_sub(start_ms);
        if x.end_ms <= y.end_ms {
            i += 1;
        } else {
            j += 1;
        }
    }
    total
}

/// The longest stretch of `0..duration_ms` outside `speech` (sorted, disjoint, within the call).
fn longest_gap_ms(speech: &[Span], duration_ms: u64) -> u64 {
    let mut longest = 0;
    let mut cursor_ms = 0;
    for span in speech {
        longest = longest.max(span.start_ms - cursor_ms);
        cursor_ms = span.end_ms;
    }
    longest.max(duration_ms - cursor_ms)
}

/// Whitespace-separated tokens that contain at least one letter or digit.
fn count_words(text: &str) -> u64 {
    let words = text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count();
    u64::try_from(words).unwrap_or(u64::MAX)
}

fn words_per_minute(words: u64, talk_ms: u64) -> f32 {
    if talk_ms == 0 {
        return 0.0;
    }
    round_tenth(words as f64 * 60_000.0 / talk_ms as f64)
}

fn percent(part_ms: u64, whole_ms: u64) -> f32 {
    round_tenth(part_ms as f64 * 100.0 / whole_ms as f64)
}

fn round_tenth(value: f64) -> f32 {
    ((value * 10.0).round() / 10.0) as f32
}

fn saturating_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
