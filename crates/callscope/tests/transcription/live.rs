//! Live captions (`stt::stream`) on a rendered call fed faster than real time: what a person
//! watching the captions would notice (words on the right side, at the right time, never
//! taken back), silence and music left uncaptioned, and `finish` flushing the last words.

use std::sync::mpsc::Receiver;

use callscope::audio::{decode_file, AudioClip, DecodeOptions};
use callscope::models::ModelStore;
use callscope::progress::{ignore_progress, CancelToken};
use callscope::stt::normalise_words;
use callscope::stt::stream::{LiveTranscriber, StreamEvent, StreamOptions};
use callscope::stt::{Segment, Speaker};

use super::{fixtures, hold_music, model, one_at_a_time, truth};

/// 20 ms at 16 kHz: what a capture callback typically delivers.
const CHUNK: usize = 320;

/// Feed `channels[0]` as the agent and `channels[1]` as the customer in 20 ms chunks, as fast
/// as the transcriber keeps up, then finish. Returns every event in order. After each chunk it
/// waits until the worker is idle, so decodes fall at the same points of the audio on any
/// machine, as with a capture the worker keeps up with: timing-dependent decode points made
/// these tests pass here and fail in CI.
fn caption(channels: [&[f32]; 2], options: StreamOptions) -> Vec<StreamEvent> {
    let _guard = one_at_a_time();
    let (live, events) = LiveTranscriber::start(model("tiny.en"), options).expect("live transcriber starts");
    let len = channels[0].len().max(channels[1].len());
    for at in (0..len).step_by(CHUNK) {
        for (speaker, samples) in [(Speaker::Agent, channels[0]), (Speaker::Customer, channels[1])] {
            if at < samples.len() {
                live.push(speaker, &samples[at..(at + CHUNK).min(samples.len())]);
            }
        }
        live.wait_idle();
    }
    live.finish().expect("finishes");
    drain(events)
}

fn drain(events: Receiver<StreamEvent>) -> Vec<StreamEvent> {
    events.iter().collect()
}

fn first_seconds_of_call(id: &str, seconds: f32) -> AudioClip {
    let file = fixtures().join(format!("calls/{id}.wav"));
    let mut clip = decode_file(&file, &DecodeOptions { target_rate_hz: Some(16_000), ..DecodeOptions::default() }, &ignore_progress, &CancelToken::new())
        .expect("call decodes")
        .clip;
    assert_eq!(clip.channels.len(), 2, "a stereo call");
    clip.channels.iter_mut().for_each(|c| c.truncate((seconds * 16_000.0) as usize));
    clip
}

fn finals(events: &[StreamEvent], speaker: Speaker) -> Vec<&Segment> {
    events.iter().filter_map(|e| if let StreamEvent::Final(s) = e { Some(s) } else { None }).filter(|s| s.speaker == speaker).collect()
}

fn words_of(segments: &[&Segment]) -> String {
    normalise_words(&segments.iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join(" ")).join(" ")
}

#[test]
fn live_captions_of_a_call_settle_its_key_phrases_on_the_right_speaker_at_the_right_time() {
    // call_06, first 29.5 s: six turns; it stops in the middle of the customer's date of birth.
    let clip = first_seconds_of_call("call_06", 29.5);
    let events = caption([&clip.channels[0], &clip.channels[1]], StreamOptions::default());
    let (agent, customer) = (finals(&events, Speaker::Agent), finals(&events, Speaker::Customer));
    let (agent_text, customer_text) = (words_of(&agent), words_of(&customer));
    println!("agent: {agent_text}\ncustomer: {customer_text}");
    // Phrases tiny.en hears reliably in short windows (it also writes "policy I'm sorry").
    for phrase in ["thank you for calling", "policy"] {
        assert!(agent_text.contains(phrase), "agent said {phrase:?}: {agent_text}");
        assert!(!customer_text.contains(phrase), "the customer did not say {phrase:?}: {customer_text}");
    }
    for phrase in ["car insurance", "phone"] {
        assert!(customer_text.contains(phrase), "customer said {phrase:?}: {customer_text}");
        assert!(!agent_text.contains(phrase), "the agent did not say {phrase:?}: {agent_text}");
    }

    // On the call's timeline: every Final lies within (or within a second of) one of its
    // speaker's true turns.
    let turns = truth("call_06").turns;
    for segment in agent.iter().chain(&customer) {
        let label = segment.speaker.label();
        let near = turns.iter().any(|t| t.speaker == label && segment.start_ms + 1_000 >= t.start_ms && segment.end_ms <= t.end_ms + 1_000);
        assert!(near, "{label} {:?} at {}–{} ms is not in any of the {label}'s turns", segment.text, segment.start_ms, segment.end_ms);
    }

    // `finish` flushed the customer's last words, spoken in the last two seconds before it.
    assert!(customer.iter().any(|s| s.end_ms >= 27_500), "the last words were not settled: {customer:?}");
}

#[test]
fn finals_are_never_taken_back_and_partials_come_first() {
    let clip = first_seconds_of_call("call_06", 29.5);
    let events = caption([&clip.channels[0], &clip.channels[1]], StreamOptions::default());
    for speaker in [Speaker::Agent, Speaker::Customer] {
        let mine: Vec<&StreamEvent> = events
            .iter()
            .filter(|e| matches!(e, StreamEvent::Partial(s) | StreamEvent::Final(s) if s.speaker == speaker))
            .collect();
        assert!(matches!(mine.first(), Some(StreamEvent::Partial(_))), "{speaker:?}: the first caption is a partial");
        // A Final only ever adds words after the previous one: it starts after the previous
        // Final started (word ends are the recogniser's and may stretch over the next word),
        // and no partial shows words from before it again.
        let mut settled_from: Option<u64> = None;
        let (mut finals, mut after_partial) = (0, 0);
        let mut partial_since_final = false;
        for event in mine {
            match event {
                StreamEvent::Partial(s) => {
                    partial_since_final |= !s.text.is_empty();
                    assert!(s.text.is_empty() || settled_from.is_none_or(|t| s.start_ms > t), "{speaker:?}: partial {s:?} goes back to settled words (from {settled_from:?} ms)");
                }
                StreamEvent::Final(s) => {
                    assert!(!s.text.trim().is_empty(), "an empty Final");
                    assert!(settled_from.is_none_or(|t| s.start_ms > t), "{speaker:?}: Final {s:?} goes back over words settled from {settled_from:?} ms");
                    settled_from = Some(s.start_ms);
                    finals += 1;
                    after_partial += usize::from(partial_since_final);
                    partial_since_final = false;
                }
                StreamEvent::Skipped { .. } => {}
            }
        }
        assert!(finals > 0, "{speaker:?} has Finals");
        assert!(after_partial * 10 >= finals * 8, "{speaker:?}: only {after_partial} of {finals} Finals were shown as partials first");
    }
    assert!(!events.iter().any(|e| matches!(e, StreamEvent::Skipped { .. })), "fed no faster than it decodes, nothing is skipped");
}

#[test]
fn silence_and_music_on_hold_get_no_captions() {
    let silence = vec![0.0f32; 16_000 * 8];
    let events = caption([&silence, &silence], StreamOptions::default());
    assert!(events.is_empty(), "silence: {events:?}");

    let music = hold_music(20);
    let vad = ModelStore::open_default().expect("models").vad_path().expect("make test installs silero-vad");
    let events = caption([&music, &silence], StreamOptions { vad_model: Some(vad), ..StreamOptions::default() });
    assert!(events.is_empty(), "music on hold: {events:?}");
}

#[test]
fn finish_settles_words_still_being_spoken() {
    // The customer's account number ends at 20.66 s; stop 0.2 s later, before any endpoint.
    let clip = first_seconds_of_call("call_06", 20.85);
    let (agent, customer) = (&clip.channels[0][16_000 * 16..], &clip.channels[1][16_000 * 16..]);
    let events = caption([agent, customer], StreamOptions::default());
    let customer = finals(&events, Speaker::Customer);
    let last = customer.last().expect("the customer's turn is settled");
    assert!(last.end_ms >= 4_000, "the end of the turn (4.7 s into this audio) is settled: {customer:?}");
    for speaker in [Speaker::Agent, Speaker::Customer] {
        let last = events.iter().rev().find(|e| matches!(e, StreamEvent::Partial(s) | StreamEvent::Final(s) if s.speaker == speaker));
        assert!(!matches!(last, Some(StreamEvent::Partial(s)) if !s.text.is_empty()), "{speaker:?}: a partial is left unsettled: {last:?}");
    }
}
