//! `callscope listen`: record a live call from the microphone (agent) and system audio
//! (customer) until Ctrl-C or SIGTERM, then analyse and store it like `callscope analyze`.

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use callscope::audio::capture::{find_device, CaptureDevice, DeviceKind};
use callscope::audio::live::{ChannelLevel, LiveEvent};
use callscope::audio::recorder::FinishedRecording;
use callscope::config::{data_location, ConfigStore, Settings};
use callscope::live::{self, LiveSession, LiveSetup, LiveUpdate};
use callscope::pipeline::{self, Job};
use callscope::progress::CancelToken;
use callscope::store::Store;
use callscope::stt::stream::StreamEvent;
use callscope::stt::Segment;
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::analyze::with_hint;
use super::calls::write_report;
use super::progress::{show, Bars};
use super::recover::{build_job, recover_all, Shown};

/// Arguments of `callscope listen`.
#[derive(Args)]
pub struct ListenArgs {
    /// The agent's microphone: an id or (part of a) name from `callscope devices`, or
    /// `default`. With neither --mic nor --system, the devices in the settings
    /// (`live_microphone`, `live_system`) or else both defaults are captured.
    #[arg(long, value_name = "DEV")]
    mic: Option<String>,
    /// The customer's system audio source (what the softphone plays), as for --mic.
    #[arg(long, value_name = "DEV")]
    system: Option<String>,
    /// Speech model for live captions (default: the `live_model` setting, tiny.en); the stored
    /// analysis uses the `model` setting (base).
    #[arg(long)]
    model: Option<String>,
    /// Only record: do not analyse and store the call when it ends.
    #[arg(long)]
    no_analyze: bool,
    /// Print the stored call as JSON instead of a report.
    #[arg(long)]
    json: bool,
}

/// Record until interrupted, then analyse; recordings a crash cut short are taken care of first.
pub fn run(args: ListenArgs, config: &ConfigStore, store: &mut Store) -> anyhow::Result<ExitCode> {
    let recordings = data_location()?.recordings();
    // The job is built before anything is captured, so a missing model fails now, not after the call.
    let job = if args.no_analyze { None } else { Some(build_job(config)?) };
    recover_all(&recordings, job.as_ref(), store, Shown::Note)?;
    let settings = config.get();
    let (microphone, system) = devices(&args, &settings)?;
    let captions = live::caption_model(args.model.as_deref().unwrap_or(&settings.live_model), &settings.language).map_err(|why| eprintln!("note: {why}")).ok();

    let stop = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        // The first signal stops the recording (and arms the second); a second one ends the
        // process, e.g. to leave the analysis for later.
        signal_hook::flag::register_conditional_shutdown(signal, 130, Arc::clone(&stop)).context("listening for Ctrl-C")?;
        signal_hook::flag::register(signal, Arc::clone(&stop)).context("listening for Ctrl-C")?;
    }
    let (updates_tx, updates) = mpsc::channel();
    let setup = LiveSetup { microphone: microphone.clone(), system: system.clone(), recordings, captions };
    let session = LiveSession::start(setup, updates_tx)?;
    for (who, device) in [("agent", &microphone), ("customer", &system)] {
        match device {
            Some(d) => eprintln!("{who}: {} ({})", d.name, d.id),
            None => eprintln!("{who}: not captured"),
        }
    }
    eprintln!("recording; press Ctrl-C to stop");
    let mut terminal = Terminal::new(args.json);
    while !stop.load(Ordering::SeqCst) {
        match updates.recv_timeout(Duration::from_millis(200)) {
            Ok(update) => terminal.show(update),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => break,
        }
    }
    let outcome = session.stop().context("finishing the recording")?;
    // The captions' last words, settled as the call stopped.
    for update in updates.try_iter() {
        terminal.show(update);
    }
    let status = terminal.status;
    status.finish_and_clear();
    let recording = outcome.recording;
    eprintln!("recorded {} ({:.1} s)", recording.path.display(), recording.duration_ms as f64 / 1000.0);
    if let Some(reason) = &recording.cut_short {
        eprintln!("warning: the recording stopped early: {reason}");
    }
    match job {
        Some(job) => {
            eprintln!("analysing the call; press Ctrl-C again to leave it for later (`callscope analyze {}`)", recording.path.display());
            analyse(&recording, &job, store, args.json)
        }
        None => {
            println!("{}", recording.path.display());
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The devices asked for; with none asked for, the ones in the settings, else both defaults
/// (either may be missing).
fn devices(args: &ListenArgs, settings: &Settings) -> anyhow::Result<(Option<CaptureDevice>, Option<CaptureDevice>)> {
    if args.mic.is_none() && args.system.is_none() {
        let chosen = |id: &str| if id.is_empty() { "default".to_string() } else { id.to_string() };
        let mic = find_device(&chosen(&settings.live_microphone), DeviceKind::Microphone).map_err(|e| eprintln!("note: {e}")).ok();
        let system = find_device(&chosen(&settings.live_system), DeviceKind::System).map_err(|e| eprintln!("note: {e}")).ok();
        if mic.is_none() && system.is_none() {
            anyhow::bail!("no default microphone or system audio source; name them with --mic and --system (`callscope devices` lists them)");
        }
        return Ok((mic, system));
    }
    let mic = args.mic.as_deref().map(|q| find_device(q, DeviceKind::Microphone)).transpose()?;
    let system = args.system.as_deref().map(|q| find_device(q, DeviceKind::System)).transpose()?;
    Ok((mic, system))
}

/// What the terminal shows while a call is live: levels, and the partial caption, on a status
/// line; finals as lines of their own (on stdout, unless it carries the JSON of the call);
/// problems on stderr.
struct Terminal {
    status: ProgressBar,
    levels: String,
    partial: String,
    /// Finals go to stdout (else stderr: `--json` keeps stdout for the call).
    finals_to_stdout: bool,
}

impl Terminal {
    fn new(json: bool) -> Terminal {
        let status = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        status.set_style(ProgressStyle::with_template("{spinner:.red} REC {msg}").unwrap_or_else(|_| ProgressStyle::default_spinner()));
        Terminal { status, levels: String::new(), partial: String::new(), finals_to_stdout: !json }
    }

    fn show(&mut self, update: LiveUpdate) {
        match update {
            LiveUpdate::Audio(event) => self.audio(event),
            LiveUpdate::Caption(StreamEvent::Partial(s)) => {
                self.partial = if s.text.is_empty() { String::new() } else { format!("{}: {}", s.speaker.label(), tail(&s.text, 60)) };
                self.redraw();
            }
            LiveUpdate::Caption(StreamEvent::Final(s)) => {
                self.partial.clear();
                self.final_line(&s);
                self.redraw();
            }
            LiveUpdate::Caption(StreamEvent::Skipped { speaker, start_ms, end_ms }) => {
                tracing::info!(speaker = speaker.label(), start_ms, end_ms, "live captions skipped audio to keep up; the recording has it");
            }
        }
    }

    fn audio(&mut self, event: LiveEvent) {
        match event {
            LiveEvent::Levels { elapsed_ms, agent, customer } => {
                let secs = elapsed_ms / 1000;
                self.levels = format!("{:02}:{:02}  agent {}  customer {}", secs / 60, secs % 60, meter(agent), meter(customer));
                self.redraw();
            }
            LiveEvent::DeviceLost { side, device, reason } => {
                self.status.suspend(|| eprintln!("warning: lost the {side}'s device {device}: {reason}; recording goes on with silence on that side"));
            }
            LiveEvent::RecordingFailed { path, reason } => self.status.suspend(|| eprintln!("error: recording to {path} stopped: {reason}")),
            LiveEvent::Drift { side, ppm } => tracing::info!(%side, ppm, "clock drift"),
            LiveEvent::Flushed { .. } => {}
        }
    }

    /// "[01:23] agent: …": above the status line on a terminal, a plain line when piped.
    fn final_line(&self, s: &Segment) {
        let secs = s.start_ms / 1000;
        let line = format!("[{:02}:{:02}] {}: {}", secs / 60, secs % 60, s.speaker.label(), s.text.trim());
        if !self.finals_to_stdout {
            self.status.suspend(|| eprintln!("{line}"));
        } else if std::io::stdout().is_terminal() {
            self.status.suspend(|| println!("{line}"));
        } else {
            println!("{line}");
        }
    }

    fn redraw(&self) {
        let message = if self.partial.is_empty() { self.levels.clone() } else { format!("{}  │ {}", self.levels, self.partial) };
        self.status.set_message(message);
        self.status.tick();
    }
}

/// The last `n` characters of a text, marked when cut.
fn tail(text: &str, n: usize) -> String {
    let count = text.chars().count();
    if count <= n {
        text.to_string()
    } else {
        format!("…{}", text.chars().skip(count - n).collect::<String>())
    }
}

/// A level as a small bar and its dBFS.
fn meter(level: ChannelLevel) -> String {
    let filled = (((level.rms_db + 60.0) / 6.0).clamp(0.0, 10.0)) as usize;
    format!("{:<10} {:>4.0} dB", "|".repeat(filled), level.rms_db.max(-99.0))
}

fn analyse(recording: &FinishedRecording, job: &Job, store: &mut Store, json: bool) -> anyhow::Result<ExitCode> {
    let bars = Bars::new();
    let bar = bars.file(&pipeline::file_name(&recording.path));
    let on_bar = bar.clone();
    let result = pipeline::block_on(pipeline::store_live_recording(recording, job, store, Arc::new(move |p| show(&on_bar, p)), &CancelToken::new()));
    bar.finish_and_clear();
    let call = result.map_err(with_hint).with_context(|| format!("the recording is kept at {}; analyse it with `callscope analyze`", recording.path.display()))?;
    print_call(&call, json)?;
    Ok(ExitCode::SUCCESS)
}

/// The stored call as `analyze` prints it (report or JSON).
pub fn print_call(call: &callscope::call::CallAnalysis, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(call)?);
    } else {
        write_report(&mut std::io::stdout().lock(), call, &[])?;
        println!();
    }
    Ok(())
}
