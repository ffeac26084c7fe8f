//! Live captions: two streams of 16 kHz mono samples (agent, customer) in, `Partial` and
//! `Final` caption events out, on the call's timeline.
//!
//! Each channel is cut into utterances by speech activity; while one is spoken its window is
//! decoded again every step, and the words two consecutive decodes agree on are committed
//! (LocalAgreement-2, `agreement`), once a later stretch of audio has been heard after them; its
//! end commits the rest. Decodes of both channels run one at a time on one worker thread with
//! one Whisper thread (see `worker` for the numbers behind that and for how it degrades when it
//! falls behind).
//!
//! ```no_run
//! # use std::sync::Arc;
//! # use callscope::stt::{Speaker, WhisperTranscriber};
//! # use callscope::stt::stream::{LiveTranscriber, StreamEvent, StreamOptions};
//! # fn main() -> Result<(), callscope::stt::SttError> {
//! let model = WhisperTranscriber::shared(std::path::Path::new("ggml-tiny.en-q8_0.bin"))?;
//! let (live, events) = LiveTranscriber::start(model, StreamOptions::default())?;
//! live.push(Speaker::Agent, &[0.0; 320]); // from the capture thread, as audio arrives
//! let stats = live.finish()?; // flushes: the last Finals are in `events` when it returns
//! for event in events.try_iter() {
//!     if let StreamEvent::Final(segment) = event { println!("{}: {}", segment.speaker.label(), segment.text) }
//! }
//! # let _ = stats; Ok(()) }
//! ```

mod agreement;
mod channel;
mod decode;
mod endpoint;
mod worker;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;

use super::{Segment, Speaker, SttError, WhisperTranscriber};

/// How live captions are produced.
#[derive(Debug, Clone)]
pub struct StreamOptions {
    /// Spoken language as an ISO 639-1 code.
    pub language: String,
    /// New audio (per speaker) after which an utterance is decoded again for partials, when
    /// keeping up; doubled and quadrupled as the backlog grows.
    pub step_ms: u64,
    /// Silence that ends an utterance (and settles its last words).
    pub endpoint_ms: u64,
    /// Longest window decoded at once; a longer utterance commits what it can and is cut.
    pub max_window_ms: u64,
    /// Most undecoded audio kept; past it the oldest finished utterances are skipped.
    pub max_backlog_ms: u64,
    /// Threads Whisper decodes with. One: on 2 busy cores a second thread made each decode
    /// several times slower (OpenMP waits for the thread the OS parked), see `worker`.
    pub threads: usize,
    /// Encode only as much of Whisper's 30 s window as the audio fills (much faster for short windows).
    pub shrink_audio_ctx: bool,
    /// Silero model: when set, an utterance is decoded only once it hears speech in it.
    pub vad_model: Option<PathBuf>,
}

impl Default for StreamOptions {
    fn default() -> Self {
        StreamOptions {
            language: "en".into(),
            step_ms: 500,
            endpoint_ms: 600,
            max_window_ms: 15_000,
            max_backlog_ms: 30_000,
            threads: 1,
            shrink_audio_ctx: true,
            vad_model: None,
        }
    }
}

/// What the live transcriber says, in the order it is decided.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// The speaker's words heard since their last `Final`, still revisable: replaces the
    /// speaker's previous partial (an empty text clears it).
    Partial(Segment),
    /// Settled words: never changed or retracted; clears the speaker's partial.
    Final(Segment),
    /// Audio the live captions could not keep up with and skipped (the recording still has it).
    Skipped { speaker: Speaker, start_ms: u64, end_ms: u64 },
}

/// How a live session went.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StreamStats {
    /// Longest timeline received on any channel.
    pub audio_ms: u64,
    /// Largest backlog seen: audio received but not yet decoded, summed over speakers.
    pub max_backlog_ms: u64,
    pub partial_decodes: u64,
    pub final_decodes: u64,
    /// Wall time spent in Whisper.
    pub decode_ms: u64,
    /// Audio skipped to keep the backlog bounded.
    pub skipped_ms: u64,
}

/// The backlog as both sides see it: what the worker has not decoded, plus what the capture
/// handed over that the worker has not taken yet.
#[derive(Debug, Default)]
struct Backlog {
    undecoded_ms: AtomicU64,
    queued_samples: AtomicU64,
}

impl Backlog {
    fn total_ms(&self) -> u64 {
        self.undecoded_ms.load(Ordering::Relaxed) + self.queued_samples.load(Ordering::Relaxed) * 1000 / 16_000
    }
}

enum Command {
    Audio(Speaker, Vec<f32>),
    /// Answer once everything sent before is taken and nothing is left to decode.
    Idle(mpsc::Sender<()>),
    Finish,
}

/// A live transcription session over one call's two channels.
pub struct LiveTranscriber {
    inbox: Sender<Command>,
    worker: Option<JoinHandle<Result<StreamStats, SttError>>>,
    backlog: Arc<Backlog>,
}

impl LiveTranscriber {
    /// Start a session on `model` (tiny.en suits live captions); events arrive on the receiver.
    pub fn start(model: Arc<WhisperTranscriber>, options: StreamOptions) -> Result<(Self, Receiver<StreamEvent>), SttError> {
        let (events, receiver) = mpsc::channel();
        let (inbox, commands) = mpsc::channel();
        let backlog = Arc::new(Backlog::default());
        let worker = worker::Worker::new(model, options, events, Arc::clone(&backlog))?;
        let handle = std::thread::Builder::new()
            .name("live-captions".into())
            .spawn(move || worker.run(commands))
            .map_err(|e| SttError::Whisper { detail: format!("could not start the live caption thread: {e}") })?;
        Ok((LiveTranscriber { inbox, worker: Some(handle), backlog }, receiver))
    }

    /// Hand over `speaker`'s next samples (16 kHz mono, continuing the call's timeline). Cheap
    /// (a copy and a channel send): safe to call from a capture callback. `Unknown` is ignored.
    pub fn push(&self, speaker: Speaker, samples: &[f32]) {
        if speaker == Speaker::Unknown || samples.is_empty() {
            return;
        }
        self.backlog.queued_samples.fetch_add(samples.len() as u64, Ordering::Relaxed);
        // A send fails only when the worker has stopped; `finish` reports why.
        let _ = self.inbox.send(Command::Audio(speaker, samples.to_vec()));
    }

    /// Audio pushed but not yet decoded, summed over speakers (ms).
    pub fn backlog_ms(&self) -> u64 {
        self.backlog.total_ms()
    }

    /// Block until the worker has taken every sample pushed so far and has no decode left to
    /// run. For feeding recorded audio faster than real time: pushing a step's worth and then
    /// waiting puts the decodes at the same points of the audio on any machine, as a capture
    /// that the worker keeps up with would. Returns at once if the worker has stopped.
    pub fn wait_idle(&self) {
        let (done, idle) = mpsc::channel();
        if self.inbox.send(Command::Idle(done)).is_ok() {
            let _ = idle.recv();
        }
    }

    /// End the session: every utterance is closed and decoded, its last `Final`s are sent, and
    /// the event channel closes when this returns.
    pub fn finish(mut self) -> Result<StreamStats, SttError> {
        let _ = self.inbox.send(Command::Finish);
        match self.worker.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(SttError::Whisper { detail: "the live caption thread stopped unexpectedly".into() }),
            None => Ok(StreamStats::default()),
        }
    }
}

impl Drop for LiveTranscriber {
    fn drop(&mut self) {
        // Dropped without `finish`: let the worker flush on its own rather than block here.
        let _ = self.inbox.send(Command::Finish);
    }
}
