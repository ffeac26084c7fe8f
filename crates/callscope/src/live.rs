//! A live call as a shell runs it: the devices captured and recorded (`audio::capture`), each
//! side's samples captioned as they arrive (`stt::stream`), and one stream of updates for the
//! CLI's terminal or the desktop window. When the call stops, the recording is analysed like a
//! dropped file (`pipeline::store_live_recording`).

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;

use crate::audio::capture::{CaptureDevice, CaptureError, DeviceCall, DeviceCallSetup};
use crate::audio::live::{CallSide, LiveAudioConsumer, LiveEvent};
use crate::audio::recorder::{FinishedRecording, RecorderError};
use crate::models::{ModelFormat, ModelStore};
use crate::stt::stream::{LiveTranscriber, StreamEvent, StreamOptions, StreamStats};
use crate::stt::{Speaker, SttError, WhisperTranscriber};

/// What a running call reports, in the order each source decides it.
#[derive(Debug, Clone)]
pub enum LiveUpdate {
    /// Levels, lost devices, flushes and recording failures.
    Audio(LiveEvent),
    /// Partial and final captions.
    Caption(StreamEvent),
}

/// What to capture, where to record it and how to caption it.
pub struct LiveSetup {
    pub microphone: Option<CaptureDevice>,
    pub system: Option<CaptureDevice>,
    /// The recordings folder (`DataLocation::recordings`).
    pub recordings: PathBuf,
    /// The caption model and options; `None` records without captions.
    pub captions: Option<(Arc<WhisperTranscriber>, StreamOptions)>,
}

/// A call being captured, recorded and captioned; `stop` ends it.
pub struct LiveSession {
    call: DeviceCall,
    captions: Option<Arc<LiveTranscriber>>,
}

/// How a call ended.
#[derive(Debug)]
pub struct LiveOutcome {
    pub recording: FinishedRecording,
    /// How the captions kept up; `None` without captions or when they failed (logged).
    pub captions: Option<StreamStats>,
}

/// Why a live call could not start or end cleanly.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error(transparent)]
    Capture(#[from] CaptureError),
    #[error(transparent)]
    Recording(#[from] RecorderError),
    #[error("live captions cannot start: {0}")]
    Captions(#[from] SttError),
}

/// Hands each side's samples to the caption worker (a copy and a channel send).
struct CaptionFeed(Arc<LiveTranscriber>);

impl LiveAudioConsumer for CaptionFeed {
    fn samples(&mut self, side: CallSide, _start: u64, samples: &[f32]) {
        self.0.push(speaker(side), samples);
    }
}

fn speaker(side: CallSide) -> Speaker {
    match side {
        CallSide::Agent => Speaker::Agent,
        CallSide::Customer => Speaker::Customer,
    }
}

impl LiveSession {
    /// Load nothing, open the devices and the recording, start captioning; updates go to
    /// `updates` until the session is stopped. Fails, leaving nothing behind, when a device
    /// cannot be opened.
    pub fn start(setup: LiveSetup, updates: Sender<LiveUpdate>) -> Result<LiveSession, LiveError> {
        let (captions, caption_events) = match setup.captions {
            Some((model, options)) => {
                let (live, events) = LiveTranscriber::start(model, options)?;
                (Some(Arc::new(live)), Some(events))
            }
            None => (None, None),
        };
        let (audio_tx, audio_events) = mpsc::channel();
        forward(audio_events, updates.clone(), LiveUpdate::Audio, "live-audio-events");
        if let Some(events) = caption_events {
            forward(events, updates, LiveUpdate::Caption, "live-caption-events");
        }
        let consumer = captions.as_ref().map(|c| Box::new(CaptionFeed(Arc::clone(c))) as Box<dyn LiveAudioConsumer>);
        let call = DeviceCall::start(DeviceCallSetup { microphone: setup.microphone, system: setup.system, recordings: setup.recordings, consumer }, audio_tx)?;
        Ok(LiveSession { call, captions })
    }

    /// Audio the captions have not caught up with yet (ms, both sides).
    pub fn caption_backlog_ms(&self) -> u64 {
        self.captions.as_ref().map_or(0, |c| c.backlog_ms())
    }

    /// Stop the devices, finish the recording, then let the captions settle their last words
    /// (their `Final`s are sent before this returns).
    pub fn stop(self) -> Result<LiveOutcome, LiveError> {
        let recording = self.call.stop()?;
        let captions = self.captions.and_then(|c| match Arc::try_unwrap(c) {
            Ok(live) => live.finish().map_err(|e| tracing::warn!(error = %e, "live captions ended with an error; the recording is complete")).ok(),
            Err(_) => {
                tracing::warn!("live captions were still in use when the call stopped; their last words are in the stored transcript only");
                None
            }
        });
        Ok(LiveOutcome { recording, captions })
    }
}

/// Pass one source's events on as updates until either side hangs up.
fn forward<T: Send + 'static>(events: Receiver<T>, updates: Sender<LiveUpdate>, wrap: fn(T) -> LiveUpdate, name: &str) {
    let spawned = std::thread::Builder::new().name(name.into()).spawn(move || {
        for event in events {
            if updates.send(wrap(event)).is_err() {
                break;
            }
        }
    });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, thread = name, "could not start a thread for live updates; the call is still recorded");
    }
}

/// The caption model `name` (the `live_model` setting or a flag) and the options for
/// `language` (a setting's `auto` captions as English), with the speech-activity model when
/// it is installed; else a message saying why there are no captions and how to get them (the
/// call is still recorded and analysed).
pub fn caption_model(name: &str, language: &str) -> Result<(Arc<WhisperTranscriber>, StreamOptions), String> {
    let models = ModelStore::open_default().map_err(|e| e.to_string())?;
    let model = models
        .path(name, ModelFormat::default())
        .map_err(|e| e.to_string())
        .and_then(|path| WhisperTranscriber::shared(&path).map_err(|e| e.to_string()))
        .map_err(|e| format!("no live captions ({e}); install the model with `callscope models install {name}`. The call is still recorded and analysed."))?;
    let language = if language == "auto" { "en".to_string() } else { language.to_string() };
    Ok((model, StreamOptions { language, vad_model: models.vad_path().ok(), ..StreamOptions::default() }))
}
