//! The live caption thread: frames both channels as audio arrives, picks the next decode, and
//! sends the events.
//!
//! One thread decodes both speakers, one window at a time, with one Whisper thread. Measured
//! with `live_bench --seconds 70` on call_06 (tiny.en, 2 cores shared, load average 4–7):
//! - this (1 decoder, 1 thread): 0.44 s a decode; first caption p50 0.78 s, Final p50 2.03 s,
//!   backlog ≤ 2.3 s;
//! - 1 decoder, 2 threads: 2.1 s a decode (OpenMP waits for the thread the OS has parked);
//!   first caption p50 3.9 s, Final p50 7.9 s, backlog 24.6 s;
//! - 2 decoders (one per speaker, a state each over the shared model, 1 thread each): 0.38 s
//!   a decode, first caption p50 1.19 s, Final p50 2.83 s, backlog ≤ 3.2 s: no better, as only
//!   one person talks most of the time, and it needs the other core the capture and UI use.
//!
//! Order of work: an ended utterance's last decode first (it settles words), then a window
//! that reached `max_window_ms`, then partial decodes, the speaker with most new audio first.
//! The backlog (audio received but not decoded) sets how often partials are decoded: every
//! step below 2 s of backlog, every 2 steps below 4 s, every 4 below 8 s, not at all above (only
//! endpoints and full windows are decoded). Past `max_backlog_ms` the oldest ended utterances
//! are skipped with a `Skipped` event, so captions never lag without bound.

use std::sync::atomic::Ordering;
use std::sync::mpsc::{Receiver, Sender, TryRecvError};
use std::sync::Arc;
use std::time::Instant;

use super::agreement::{text_of, TimedWord};
use super::channel::{ms, sample_at, ChannelStream, Utterance};
use super::decode::WindowDecoder;
use super::{Backlog, Command, StreamEvent, StreamOptions, StreamStats};
use crate::stt::activity::CROSSTALK_RATIO;
use crate::stt::vad::SpeechFilter;
use crate::stt::{Segment, Speaker, SttError, WhisperTranscriber};

/// A channel ahead of the other by more than this many frames (0.5 s) is decided alone, the
/// other taken as silent (it is missing, or its device stalled).
const MAX_LEAD_FRAMES: usize = 25;
/// Backlog levels (ms) at which partial decodes thin out, then stop.
const DEGRADE_MS: [u64; 3] = [2_000, 4_000, 8_000];
/// Audio kept undecided at the end of a window that is cut for length.
const CUT_KEEP_MS: u64 = 2_000;
/// A window longer than this is cut at its last committed word after a decode: decode time
/// grows with the window, and under load long windows made the backlog grow.
const TRIM_AFTER_MS: u64 = 6_000;
/// An ended utterance whose last decode already heard this much of the silence after its
/// speech, and whose words two decodes agreed on, needs no decode of its own. Words the last
/// decode alone heard are decoded once more over the whole window: on call_06 (`live_bench
/// --lockstep`) settling them as they were gave live WER 48.1 %, one more decode 45.9 %.
const HEARD_SILENCE_MS: u64 = 200;
/// A word ending this close to the end of the audio a decode heard may be cut off or guessed
/// without its context: it is settled only by a later decode. On call_06's first 70 s (batch
/// WER 33 %): 300 ms with windows cut at 4 s gave live WER 56 %; with cuts at 6 s, 800 ms gave
/// 43 % (Final p50 2.2 s) and 600 ms 40 % (Final p50 2.0 s).
const SETTLE_MARGIN_MS: u64 = 600;
/// An utterance is first decoded when it holds this much audio (Whisper pads shorter input
/// and then often writes words that are not there).
const FIRST_DECODE_MS: u64 = 1_000;
/// Audio the speech-activity model looks at to confirm an utterance is speech.
const CONFIRM_MS: u64 = 3_000;

#[derive(Debug, Clone, Copy)]
enum Job {
    /// An ended utterance: decode it and settle all its words.
    Final(usize),
    /// An open window at its longest: commit what ended early and cut it.
    Cut(usize),
    /// An open window with new audio: decode for partials.
    Partial(usize),
}

pub(super) struct Worker {
    channels: [ChannelStream; 2],
    decoder: WindowDecoder,
    filter: Option<SpeechFilter>,
    events: Sender<StreamEvent>,
    options: StreamOptions,
    backlog: Arc<Backlog>,
    stats: StreamStats,
    level: usize,
    /// Callers of `wait_idle`, answered when no decode is left.
    waiting: Vec<Sender<()>>,
}

impl Worker {
    pub fn new(
        model: Arc<WhisperTranscriber>,
        options: StreamOptions,
        events: Sender<StreamEvent>,
        backlog: Arc<Backlog>,
    ) -> Result<Self, SttError> {
        let filter = options.vad_model.as_deref().map(SpeechFilter::load).transpose()?;
        let decoder = WindowDecoder::new(model, options.threads, &options.language, options.shrink_audio_ctx)?;
        let confirmed = filter.is_none();
        let channels = [
            ChannelStream::new(Speaker::Agent, options.endpoint_ms, confirmed),
            ChannelStream::new(Speaker::Customer, options.endpoint_ms, confirmed),
        ];
        Ok(Worker { channels, decoder, filter, events, options, backlog, stats: StreamStats::default(), level: 0, waiting: Vec::new() })
    }

    /// Work until `finish` (or the session is dropped), then flush.
    pub fn run(mut self, inbox: Receiver<Command>) -> Result<StreamStats, SttError> {
        let mut finishing = false;
        loop {
            while !finishing {
                match inbox.try_recv() {
                    Ok(command) => finishing = self.take(command),
                    Err(TryRecvError::Empty) => break,
                    Err(TryRecvError::Disconnected) => finishing = true,
                }
            }
            self.frame(finishing);
            if finishing {
                self.channels.iter_mut().for_each(ChannelStream::close);
            }
            self.bound_backlog();
            match self.next_job() {
                Some(job) => self.run_job(job)?,
                None if finishing => break,
                None => {
                    for waiter in self.waiting.drain(..) {
                        // A caller that stopped waiting is no error.
                        let _ = waiter.send(());
                    }
                    match inbox.recv() {
                        Ok(command) => finishing = self.take(command),
                        Err(_) => finishing = true,
                    }
                }
            }
        }
        self.stats.audio_ms = self.channels.iter().map(|c| ms(c.received())).max().unwrap_or(0);
        Ok(self.stats)
    }

    /// Take one command; true when it ends the session.
    fn take(&mut self, command: Command) -> bool {
        match command {
            Command::Audio(speaker, samples) => {
                self.backlog.queued_samples.fetch_sub(samples.len() as u64, Ordering::Relaxed);
                let index = usize::from(speaker == Speaker::Customer);
                self.channels[index].receive(&samples);
                false
            }
            Command::Idle(waiter) => {
                self.waiting.push(waiter);
                false
            }
            Command::Finish => true,
        }
    }

    /// Decide every frame both channels have delivered (lagging channel first, so the
    /// crosstalk check sees the other side's level at the same moment).
    fn frame(&mut self, finishing: bool) {
        loop {
            let (a, b) = (self.channels[0].next_frame(), self.channels[1].next_frame());
            let first = usize::from(b < a);
            let mut progressed = false;
            for this in [first, 1 - first] {
                let other = 1 - this;
                let Some((level, loud)) = self.channels[this].next_level() else { continue };
                let index = self.channels[this].next_frame();
                let other_level = match self.channels[other].level_of(index) {
                    Some(l) => l,
                    None if finishing || self.channels[this].waiting_frames() > MAX_LEAD_FRAMES => 0.0,
                    None => continue,
                };
                self.channels[this].advance(level, loud && level > other_level * CROSSTALK_RATIO);
                progressed = true;
                break;
            }
            if !progressed {
                return;
            }
        }
    }

    fn backlog(&self) -> u64 {
        self.channels.iter().flat_map(|c| c.utterances.iter()).map(|u| ms(u.undecoded())).sum()
    }

    /// Skip the oldest ended utterances while the backlog is over its bound.
    fn bound_backlog(&mut self) {
        let mut backlog = self.backlog();
        while backlog > self.options.max_backlog_ms {
            let oldest = (0..2)
                .filter(|&c| self.channels[c].utterances.front().is_some_and(|u| !u.open))
                .min_by_key(|&c| self.channels[c].utterances.front().map_or(usize::MAX, |u| u.start));
            let Some(c) = oldest else { break };
            let Some(u) = self.channels[c].utterances.pop_front() else { break };
            let speaker = self.channels[c].speaker;
            tracing::warn!(speaker = speaker.label(), start_ms = ms(u.start), end_ms = ms(u.end()), backlog_ms = backlog, "live captions fell behind: skipped an utterance");
            self.stats.skipped_ms += ms(u.samples.len());
            self.send(StreamEvent::Skipped { speaker, start_ms: ms(u.start), end_ms: ms(u.end()) });
            if u.shown_partial {
                self.clear_partial(speaker, ms(u.end()));
            }
            backlog = self.backlog();
        }
        self.stats.max_backlog_ms = self.stats.max_backlog_ms.max(backlog);
        self.backlog.undecoded_ms.store(backlog, Ordering::Relaxed);
        let level = DEGRADE_MS.iter().filter(|&&limit| backlog >= limit).count();
        if level != self.level {
            tracing::info!(backlog_ms = backlog, from = self.level, to = level, "live captions: partial decoding level changed");
            self.level = level;
        }
    }

    fn next_job(&self) -> Option<Job> {
        let ended = (0..2)
            .filter(|&c| self.channels[c].utterances.front().is_some_and(|u| !u.open))
            .min_by_key(|&c| self.channels[c].utterances.front().map_or(usize::MAX, |u| u.start));
        if let Some(c) = ended {
            return Some(Job::Final(c));
        }
        let open = |c: usize| self.channels[c].utterances.back().filter(|u| u.open);
        let longest = sample_at(self.options.max_window_ms);
        if let Some(c) = (0..2).find(|&c| open(c).is_some_and(|u| u.samples.len() >= longest && u.undecoded() > 0)) {
            return Some(Job::Cut(c));
        }
        if self.level >= DEGRADE_MS.len() {
            return None;
        }
        let step = sample_at(self.options.step_ms << self.level);
        (0..2)
            .filter_map(|c| open(c).filter(|u| u.decoded_to > u.start || ms(u.samples.len()) >= FIRST_DECODE_MS).map(|u| (c, u.undecoded())))
            .filter(|&(_, new)| new >= step)
            .max_by_key(|&(_, new)| new)
            .map(|(c, _)| Job::Partial(c))
    }

    fn run_job(&mut self, job: Job) -> Result<(), SttError> {
        let (c, ended) = match job {
            Job::Final(c) => (c, true),
            Job::Cut(c) | Job::Partial(c) => (c, false),
        };
        let speaker = self.channels[c].speaker;
        let utterance = if ended { self.channels[c].utterances.front_mut() } else { self.channels[c].utterances.back_mut() };
        let Some(utterance) = utterance else { return Ok(()) };
        if !utterance.confirmed {
            if let Some(filter) = &self.filter {
                let from = utterance.samples.len().saturating_sub(sample_at(CONFIRM_MS));
                utterance.confirmed = filter.hears_speech(&utterance.samples[from..])?;
            }
            if !utterance.confirmed {
                // Not speech (music, noise): nothing to caption; keep only the audio that
                // the next check needs.
                utterance.decoded_to = utterance.end();
                if ended {
                    self.channels[c].utterances.pop_front();
                } else {
                    let keep_from = utterance.end().saturating_sub(sample_at(CONFIRM_MS));
                    utterance.cut_before(keep_from);
                }
                return Ok(());
            }
        }
        let speech_end = utterance.end().saturating_sub(sample_at(self.options.endpoint_ms));
        if ended && utterance.decoded_to >= speech_end + sample_at(HEARD_SILENCE_MS) && utterance.agreement.tentative().is_empty() {
            let settled = utterance.agreement.commit_all();
            let had_partial = utterance.shown_partial;
            let end_ms = ms(utterance.end());
            self.channels[c].utterances.pop_front();
            self.stats.final_decodes += 1;
            self.channels[c].remember(&settled);
            self.publish(speaker, settled, Vec::new(), had_partial, end_ms);
            return Ok(());
        }
        let started = Instant::now();
        let filter = if ended { self.filter.as_ref() } else { None };
        let offset = ms(utterance.start);
        let end_ms = ms(utterance.end());
        let heard = self.decoder.decode(&utterance.samples, &utterance.prompt, filter)?;
        let decode_ms = started.elapsed().as_millis() as u64;
        self.stats.decode_ms += decode_ms;
        tracing::trace!(speaker = speaker.label(), ?job, offset_ms = offset, window_ms = end_ms - offset, heard = %text_of(&heard), "live hypothesis");
        let words: Vec<TimedWord> = heard
            .into_iter()
            .map(|w| w.shifted(offset))
            .filter(|w| w.start_ms < end_ms)
            .map(|mut w| {
                w.end_ms = w.end_ms.min(end_ms);
                w
            })
            .collect();
        utterance.decoded_to = utterance.end();
        let settle_by = if ended { u64::MAX } else { end_ms.saturating_sub(SETTLE_MARGIN_MS) };
        let mut settled = utterance.agreement.insert(words, settle_by);
        match job {
            Job::Final(_) => {
                settled.extend(utterance.agreement.commit_all());
                self.stats.final_decodes += 1;
            }
            Job::Cut(_) => {
                settled.extend(utterance.agreement.commit_ended_by(end_ms.saturating_sub(CUT_KEEP_MS)));
                let cut_ms = utterance.agreement.cut_ms().unwrap_or(0).max(end_ms.saturating_sub(CUT_KEEP_MS));
                cut_window(utterance, cut_ms);
                self.stats.partial_decodes += 1;
            }
            Job::Partial(_) => {
                if ms(utterance.samples.len()) > TRIM_AFTER_MS {
                    if let Some(committed) = utterance.agreement.cut_ms() {
                        cut_window(utterance, committed);
                    }
                }
                self.stats.partial_decodes += 1;
            }
        }
        utterance.settled(&settled);
        tracing::trace!(speaker = speaker.label(), ?job, decode_ms, window_ms = end_ms - offset, "live decode");
        let tentative = utterance.agreement.tentative().to_vec();
        let had_partial = utterance.shown_partial;
        utterance.shown_partial = !tentative.is_empty();
        if ended {
            self.channels[c].utterances.pop_front();
        }
        self.channels[c].remember(&settled);
        self.publish(speaker, settled, tentative, had_partial, end_ms);
        Ok(())
    }

    /// Send the words a decode settled, then the speaker's new partial (or clear the old one).
    fn publish(&self, speaker: Speaker, settled: Vec<TimedWord>, tentative: Vec<TimedWord>, had_partial: bool, end_ms: u64) {
        if !settled.is_empty() {
            self.send(StreamEvent::Final(segment(speaker, &settled)));
        }
        if !tentative.is_empty() {
            self.send(StreamEvent::Partial(segment(speaker, &tentative)));
        } else if had_partial && settled.is_empty() {
            self.clear_partial(speaker, end_ms);
        }
    }

    fn clear_partial(&self, speaker: Speaker, at_ms: u64) {
        self.send(StreamEvent::Partial(Segment { start_ms: at_ms, end_ms: at_ms, speaker, text: String::new(), confidence: 0.0 }));
    }

    fn send(&self, event: StreamEvent) {
        // Nobody listening any more is not an error: the session still ends cleanly.
        let _ = self.events.send(event);
    }
}

/// Drop a window's audio before `at_ms`, once its words there are committed.
fn cut_window(utterance: &mut Utterance, at_ms: u64) {
    utterance.cut_before(sample_at(at_ms));
}

fn segment(speaker: Speaker, words: &[TimedWord]) -> Segment {
    let start_ms = words.first().map_or(0, |w| w.start_ms);
    let end_ms = words.last().map_or(start_ms, |w| w.end_ms.max(start_ms));
    let confidence = words.iter().map(|w| w.probability).sum::<f32>() / words.len().max(1) as f32;
    Segment { start_ms, end_ms, speaker, text: text_of(words), confidence }
}
