//! The live call's own thread: takes the sources' frames, keeps the timeline, writes the
//! recording, feeds the consumer and reports events.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::events::{ChannelLevel, LiveEvent};
use super::timeline::{Block, Timeline};
use super::{CallSide, FrameSender, LiveAudioConsumer, SourceEvent};
use crate::audio::recorder::{FinishedRecording, Recorder, RecorderError};
use crate::audio::WHISPER_SAMPLE_RATE_HZ;

/// How often the timeline is released, levels reported and the stop flag checked.
const TICK: Duration = Duration::from_millis(100);
/// How often each side's drift is reported.
const DRIFT_EVERY: Duration = Duration::from_secs(10);
/// Buffers a source may queue before the oldest ones are dropped (a few seconds of audio).
const QUEUE: usize = 512;

/// What a live call needs to start.
pub struct LiveCallSetup {
    /// Where the call is written.
    pub recorder: Recorder,
    /// The agent's source (its name for events), or `None` when the agent is not captured.
    pub agent: Option<String>,
    /// The customer's source, or `None`.
    pub customer: Option<String>,
    /// Who gets each side's 16 kHz samples as they come (the streaming transcriber).
    pub consumer: Option<Box<dyn LiveAudioConsumer>>,
}

/// A call being recorded; see the module documentation. Stop it with `stop`.
pub struct LiveCall {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<Result<FinishedRecording, RecorderError>>>,
    senders: [Option<FrameSender>; 2],
    started: Instant,
}

impl LiveCall {
    /// Start the call's thread; the clock starts now. Events go to `events` (a closed
    /// receiver is fine: nobody is told).
    pub fn start(
        setup: LiveCallSetup,
        events: Sender<LiveEvent>,
    ) -> Result<LiveCall, RecorderError> {
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        let sender = |side, device: &Option<String>| {
            device.as_ref().map(|d| FrameSender {
                side,
                device: d.clone(),
                tx: tx.clone(),
            })
        };
        let senders = [
            sender(CallSide::Agent, &setup.agent),
            sender(CallSide::Customer, &setup.customer),
        ];
        let stop = Arc::new(AtomicBool::new(false));
        let started = Instant::now();
        let path = setup.recorder.path().to_path_buf();
        let worker = Worker {
            timeline: Timeline::new(setup.agent.is_some(), setup.customer.is_some()),
            recorder: setup.recorder,
            consumer: setup.consumer,
            present: [setup.agent.is_some(), setup.customer.is_some()],
            events,
            started,
            levels: [Meter::default(), Meter::default()],
        };
        let flag = Arc::clone(&stop);
        let thread = std::thread::Builder::new()
            .name("live-call".into())
            .spawn(move || worker.run(&rx, &flag))
            .map_err(|e| RecorderError::Write { path, source: e })?;
        Ok(LiveCall {
            stop,
            thread: Some(thread),
            senders,
            started,
        })
    }

    /// The way in for `side`'s source (`None` when that side was left out).
    pub fn sender(&self, side: CallSide) -> Option<FrameSender> {
        self.senders[side.channel()].clone()
    }

    /// The moment the call's clock started.
    pub fn started(&self) -> Instant {
        self.started
    }

    /// End the call: what the sources already sent is placed, the recording finished and
    /// moved out of `in-progress/`. Stop the sources first.
    pub fn stop(mut self) -> Result<FinishedRecording, RecorderError> {
        self.stop.store(true, Ordering::SeqCst);
        self.senders = [None, None];
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            _ => Err(RecorderError::Write {
                path: std::path::PathBuf::from("(live call)"),
                source: std::io::Error::other("the live call's thread stopped unexpectedly"),
            }),
        }
    }
}

impl Drop for LiveCall {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// Running level of one channel between two reports.
#[derive(Default)]
struct Meter {
    sum_sq: f64,
    count: u64,
    peak: f32,
}

impl Meter {
    fn add(&mut self, samples: &[f32]) {
        for &s in samples {
            self.sum_sq += f64::from(s) * f64::from(s);
            self.peak = self.peak.max(s.abs());
        }
        self.count += samples.len() as u64;
    }

    fn take(&mut self) -> ChannelLevel {
        let rms = if self.count == 0 {
            0.0
        } else {
            (self.sum_sq / self.count as f64).sqrt()
        };
        let level = ChannelLevel {
            rms_db: if rms > 1e-5 {
                (20.0 * rms.log10()) as f32
            } else {
                -100.0
            },
            peak: self.peak,
        };
        *self = Meter::default();
        level
    }
}

struct Worker {
    timeline: Timeline,
    recorder: Recorder,
    consumer: Option<Box<dyn LiveAudioConsumer>>,
    present: [bool; 2],
    events: Sender<LiveEvent>,
    started: Instant,
    levels: [Meter; 2],
}

impl Worker {
    fn run(
        mut self,
        rx: &Receiver<SourceEvent>,
        stop: &AtomicBool,
    ) -> Result<FinishedRecording, RecorderError> {
        let mut last_tick = Instant::now();
        let mut last_drift = Instant::now();
        let mut flushed_frames = 0;
        while !stop.load(Ordering::SeqCst) {
            match rx.recv_timeout(TICK) {
                Ok(event) => self.handle(event),
                Err(RecvTimeoutError::Timeout) => {}
                // Every sender is gone (sources stopped); the clock still runs until stopped.
                Err(RecvTimeoutError::Disconnected) => std::thread::sleep(TICK),
            }
            if last_tick.elapsed() < TICK {
                continue;
            }
            last_tick = Instant::now();
            let now_s = self.started.elapsed().as_secs_f64();
            match self.timeline.release(now_s) {
                Ok(block) => self.emit(block),
                Err(e) => tracing::error!(error = %e, "the live timeline could not convert audio"),
            }
            let [agent, customer] = [self.levels[0].take(), self.levels[1].take()];
            let elapsed_ms = self.timeline.released() * 1000 / u64::from(WHISPER_SAMPLE_RATE_HZ);
            self.tell(LiveEvent::Levels {
                elapsed_ms,
                agent,
                customer,
            });
            if self.recorder.flushed_frames() > flushed_frames {
                flushed_frames = self.recorder.flushed_frames();
                self.tell(LiveEvent::Flushed {
                    duration_ms: flushed_frames * 1000 / u64::from(WHISPER_SAMPLE_RATE_HZ),
                });
            }
            if last_drift.elapsed() >= DRIFT_EVERY {
                last_drift = Instant::now();
                for side in CallSide::BOTH {
                    if let Some(ppm) = self.timeline.drift_ppm(side) {
                        tracing::debug!(%side, ppm, "clock drift");
                        self.tell(LiveEvent::Drift { side, ppm });
                    }
                }
            }
        }
        // What the sources sent before they stopped still belongs to the call.
        while let Ok(event) = rx.try_recv() {
            self.handle(event);
        }
        match self.timeline.finish() {
            Ok(block) => self.emit(block),
            Err(e) => {
                tracing::error!(error = %e, "the end of the live timeline could not be converted")
            }
        }
        if let Some(consumer) = self.consumer.as_mut() {
            consumer.finish();
        }
        self.recorder.finish()
    }

    fn handle(&mut self, event: SourceEvent) {
        match event {
            SourceEvent::Frames(frames) => {
                let at_s = frames
                    .captured_at
                    .saturating_duration_since(self.started)
                    .as_secs_f64();
                if let Err(e) = self.timeline.push(&frames, at_s) {
                    self.lose(
                        frames.side,
                        "this side's audio".into(),
                        format!("its audio could not be converted: {e}"),
                    );
                }
            }
            SourceEvent::Lost {
                side,
                device,
                reason,
            } => self.lose(side, device, reason),
        }
    }

    fn lose(&mut self, side: CallSide, device: String, reason: String) {
        tracing::warn!(%side, %device, %reason, "device lost; the call goes on with silence on its side");
        if let Err(e) = self.timeline.lose(side) {
            tracing::error!(error = %e, "the lost side's last audio could not be converted");
        }
        self.tell(LiveEvent::DeviceLost {
            side,
            device,
            reason,
        });
    }

    fn emit(&mut self, block: Option<Block>) {
        let Some(block) = block else { return };
        self.levels[0].add(&block.agent);
        self.levels[1].add(&block.customer);
        if let Some(consumer) = self.consumer.as_mut() {
            for side in CallSide::BOTH
                .into_iter()
                .filter(|s| self.present[s.channel()])
            {
                let samples = if side == CallSide::Agent {
                    &block.agent
                } else {
                    &block.customer
                };
                consumer.samples(side, block.start, samples);
            }
        }
        if let Err(e) = self.recorder.write(&block.agent, &block.customer) {
            self.tell(LiveEvent::RecordingFailed {
                path: self.recorder.path().display().to_string(),
                reason: e.to_string(),
            });
        }
    }

    fn tell(&self, event: LiveEvent) {
        let _ = self.events.send(event);
    }
}
