//! `callscope listen` against a real sound server: PulseAudio with two null sinks, whose
//! monitors are the agent's "microphone" and the customer's system audio, each playing one
//! channel of a rendered fixture call at real-time pace.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::{collect_stderr, fixtures, text};

pub(super) const AGENT_SINK: &str = "agent_headset";
pub(super) const CUSTOMER_SINK: &str = "customer_line";
/// Seconds of the fixture call played: call_01 says who is calling and why in its first 25 s.
const CALL_SECONDS: u32 = 25;

/// A private PulseAudio server (its own runtime folder), stopped on drop.
pub(super) struct Pulse {
    dir: tempfile::TempDir,
    server: Child,
}

impl Pulse {
    /// A server with the agent's and the customer's null sinks, or `None` (with a message)
    /// where PulseAudio is not installed.
    pub(super) fn start() -> Option<Pulse> {
        if Command::new("pulseaudio").arg("--version").output().is_err() {
            eprintln!("SKIPPED: pulseaudio is not installed (scripts/setup-system.sh installs it; `make test` runs that)");
            return None;
        }
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::set_permissions(dir.path(), std::os::unix::fs::PermissionsExt::from_mode(0o700)).expect("mode 700");
        let config = dir.path().join("default.pa");
        std::fs::write(
            &config,
            format!(
                "load-module module-native-protocol-unix\n\
                 load-module module-null-sink sink_name={CUSTOMER_SINK} rate=48000 sink_properties=device.description=Customer-Line\n\
                 load-module module-null-sink sink_name={AGENT_SINK} rate=44100 sink_properties=device.description=Agent-Headset\n"
            ),
        )
        .expect("config");
        let log = std::fs::File::create(dir.path().join("pulseaudio.log")).expect("log");
        let server = Command::new("pulseaudio")
            .args(["--daemonize=no", "-n", "--exit-idle-time=-1", "-F"])
            .arg(&config)
            .env("XDG_RUNTIME_DIR", dir.path())
            .env("HOME", dir.path())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("pulseaudio starts");
        let pulse = Pulse { dir, server };
        let deadline = Instant::now() + Duration::from_secs(15);
        while !pulse.command("pactl").arg("info").output().is_ok_and(|o| o.status.success()) {
            assert!(Instant::now() < deadline, "PulseAudio did not come up; see {}", pulse.dir.path().join("pulseaudio.log").display());
            std::thread::sleep(Duration::from_millis(200));
        }
        Some(pulse)
    }

    /// `program` talking to this server.
    pub(super) fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut c = Command::new(program);
        c.env("XDG_RUNTIME_DIR", self.dir.path()).env("HOME", self.dir.path());
        c
    }

    fn play(&self, sink: &str, wav: &Path) -> Child {
        self.command("paplay").arg(format!("--device={sink}")).arg(wav).spawn().expect("paplay")
    }

    /// Remove a sink (and so its monitor) while it is in use.
    fn unload(&self, sink: &str) {
        let modules = self.command("pactl").args(["list", "short", "modules"]).output().expect("pactl");
        let id = text(&modules.stdout).lines().find(|l| l.contains(&format!("sink_name={sink}"))).and_then(|l| l.split('\t').next().map(String::from));
        let id = id.expect("the sink's module");
        assert!(self.command("pactl").args(["unload-module", &id]).status().expect("pactl").success());
    }
}

impl Drop for Pulse {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// The first `CALL_SECONDS` of a fixture call as one WAV per side (sox).
pub(super) fn split_call(name: &str, dir: &Path) -> (PathBuf, PathBuf) {
    let call = fixtures().join(format!("calls/{name}.wav"));
    let (agent, customer) = (dir.join("agent.wav"), dir.join("customer.wav"));
    for (out, channel) in [(&agent, "1"), (&customer, "2")] {
        let ok = Command::new("sox").arg(&call).arg(out).args(["remix", channel, "trim", "0", &CALL_SECONDS.to_string()]).status();
        assert!(ok.is_ok_and(|s| s.success()), "sox splits {} (scripts/setup-system.sh installs sox)", call.display());
    }
    (agent, customer)
}

/// A running `callscope listen` whose stderr is collected.
struct Listening {
    child: Child,
    stderr: Arc<Mutex<String>>,
    ready: mpsc::Receiver<String>,
}

impl Listening {
    fn start(pulse: &Pulse, data: &Path, extra: &[&str]) -> Listening {
        let mut child = pulse
            .command(env!("CARGO_BIN_EXE_callscope"))
            .args(["listen", "--mic", &format!("pulseaudio:{AGENT_SINK}.monitor"), "--system", &format!("pulseaudio:{CUSTOMER_SINK}.monitor"), "--json"])
            .args(extra)
            .env("CALLSCOPE_DATA", data)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("callscope listen starts");
        let (stderr, ready) = collect_stderr(&mut child, |line| line.starts_with("recording;").then(String::new));
        Listening { child, stderr, ready }
    }

    fn wait_until_recording(&self) {
        if self.ready.recv_timeout(Duration::from_secs(60)).is_err() {
            panic!("listen did not start recording:\n{}", self.stderr());
        }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().expect("lock").clone()
    }

    fn signal(&self, name: &str) {
        assert!(Command::new("kill").args([&format!("-{name}"), &self.child.id().to_string()]).status().expect("kill").success());
    }

    /// Wait for the process to end (the analysis included) and give its output.
    fn finish(self) -> (Output, String) {
        let out = self.child.wait_with_output().expect("listen ends");
        // The stderr thread ends with the pipe.
        std::thread::sleep(Duration::from_millis(100));
        let stderr = self.stderr.lock().expect("lock").clone();
        (out, stderr)
    }
}

/// Play both sides at real time into their sinks and wait until they have played.
pub(super) fn play_call(pulse: &Pulse, agent: &Path, customer: &Path) {
    let mut players = [pulse.play(AGENT_SINK, agent), pulse.play(CUSTOMER_SINK, customer)];
    for p in &mut players {
        assert!(p.wait().expect("paplay").success(), "paplay played its side");
    }
}

/// The first moment (ms) a channel of stereo `samples` gets loud.
fn onset_ms(samples: &[i16], channel: usize) -> Option<u64> {
    let frame = 320; // 20 ms
    samples.chunks(frame * 2).position(|f| f.iter().skip(channel).step_by(2).map(|&s| f64::from(s).powi(2)).sum::<f64>() / frame as f64 > 1000.0f64.powi(2)).map(|i| i as u64 * 20)
}

fn read_stereo(path: &Path) -> Vec<i16> {
    hound::WavReader::open(path).expect("WAV").samples::<i16>().map(|s| s.expect("sample")).collect()
}

fn live_record(data: &Path, id: &str) -> serde_json::Value {
    let shown = Command::new(env!("CARGO_BIN_EXE_callscope")).args(["calls", "show", id, "--json"]).env("CALLSCOPE_DATA", data).output().expect("show");
    assert!(shown.status.success(), "{}", text(&shown.stderr));
    let shown: serde_json::Value = serde_json::from_slice(&shown.stdout).expect("JSON call");
    shown["live"].clone()
}

fn said_by(call: &serde_json::Value, speaker: &str) -> String {
    let segments = call["transcription"]["segments"].as_array().expect("segments");
    segments.iter().filter(|s| s["speaker"] == speaker).filter_map(|s| s["text"].as_str()).collect::<Vec<_>>().join(" ").to_lowercase()
}

#[test]
fn listen_records_both_sides_in_step_and_stores_the_analysed_call() {
    let Some(pulse) = Pulse::start() else { return };
    let data = tempfile::tempdir().expect("data dir");
    let (agent, customer) = split_call("call_01", data.path());
    let listening = Listening::start(&pulse, data.path(), &[]);
    listening.wait_until_recording();
    play_call(&pulse, &agent, &customer);
    std::thread::sleep(Duration::from_secs(2));
    listening.signal("INT");
    let (out, stderr) = listening.finish();
    assert!(out.status.success(), "stderr: {stderr}");
    let call: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("JSON call ({e}): {}\n{stderr}", text(&out.stdout)));

    let script: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/calls/call_01.json")).expect("script")).expect("JSON script");
    assert_eq!(call["domain"], script["domain"], "the analysis found the fixture's domain");
    let (agent_said, customer_said) = (said_by(&call, "agent"), said_by(&call, "customer"));
    assert!(agent_said.contains("riverside") && agent_said.contains("how can i help"), "agent: {agent_said}");
    assert!(customer_said.contains("appointment") && customer_said.contains("physical"), "customer: {customer_said}");

    // Live captions came while the call went on (on stderr: stdout carries the JSON call); the
    // fast caption model may mishear a word, so any of a side's key words will do.
    let caption = |who: &str, words: &[&str]| stderr.lines().any(|l| l.contains(&format!("] {who}: ")) && words.iter().any(|w| l.to_lowercase().contains(w)));
    assert!(caption("agent", &["riverside", "family health", "help"]) && caption("customer", &["appointment", "physical", "patel"]), "live captions of both sides: {stderr}");

    let id = call["call_id"].as_i64().expect("id").to_string();
    let live = live_record(data.path(), &id);
    assert_eq!(live["agent_device"], "Monitor of Agent-Headset");
    assert_eq!(live["customer_device"], "Monitor of Customer-Line");
    assert_eq!(live["recovered"], false);
    let duration_ms = live["duration_ms"].as_u64().expect("duration");
    assert!(duration_ms >= u64::from(CALL_SECONDS) * 1000, "{duration_ms} ms recorded");

    // Both channels, in step: the customer starts talking as long after the agent as in the
    // fixture (the two sinks run at 44.1 and 48 kHz on their own clocks).
    let recordings: Vec<PathBuf> = std::fs::read_dir(data.path().join("recordings")).expect("recordings").flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "wav")).collect();
    assert_eq!(recordings.len(), 1, "{recordings:?}");
    let recorded = read_stereo(&recordings[0]);
    let original = read_stereo(&fixtures().join("calls/call_01.wav"));
    let gap = |s: &[i16]| onset_ms(s, 1).expect("customer speaks") as i64 - onset_ms(s, 0).expect("agent speaks") as i64;
    let (recorded_gap, original_gap) = (gap(&recorded), gap(&original));
    assert!((recorded_gap - original_gap).abs() <= 100, "customer starts {recorded_gap} ms after the agent in the recording, {original_gap} ms in the fixture");
}

#[test]
fn a_listen_killed_mid_call_is_recovered_and_analysed_at_the_next_start() {
    let Some(pulse) = Pulse::start() else { return };
    let data = tempfile::tempdir().expect("data dir");
    let (agent, customer) = split_call("call_01", data.path());
    let listening = Listening::start(&pulse, data.path(), &[]);
    listening.wait_until_recording();
    let mut players = [pulse.play(AGENT_SINK, &agent), pulse.play(CUSTOMER_SINK, &customer)];
    std::thread::sleep(Duration::from_secs(14));
    let in_progress = data.path().join("recordings/in-progress");
    let unfinished: Vec<PathBuf> = std::fs::read_dir(&in_progress).expect("in-progress").flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "wav")).collect();
    assert_eq!(unfinished.len(), 1, "{unfinished:?}");
    let on_disk_ms = (std::fs::metadata(&unfinished[0]).expect("size").len() - 44) / 4 * 1000 / 16_000;
    listening.signal("KILL");
    let (out, _) = listening.finish();
    assert!(!out.status.success(), "killed");
    for p in &mut players {
        let _ = p.kill();
        let _ = p.wait();
    }

    let recovered = Command::new(env!("CARGO_BIN_EXE_callscope")).args(["recover", "--json"]).env("CALLSCOPE_DATA", data.path()).output().expect("recover");
    assert!(recovered.status.success(), "stderr: {}", text(&recovered.stderr));
    let call: serde_json::Value = serde_json::from_slice(&recovered.stdout).unwrap_or_else(|e| panic!("JSON call ({e}): {}", text(&recovered.stdout)));
    assert!(said_by(&call, "agent").contains("riverside"), "the recovered call was transcribed: {}", said_by(&call, "agent"));
    assert!(!call["domain"].as_str().unwrap_or_default().is_empty(), "and analysed");
    let live = live_record(data.path(), &call["call_id"].as_i64().expect("id").to_string());
    assert_eq!(live["recovered"], true);
    let duration_ms = live["duration_ms"].as_u64().expect("duration");
    assert!(duration_ms.abs_diff(on_disk_ms) <= 1000, "recovered {duration_ms} ms, {on_disk_ms} ms were on disk before the kill");
    assert!(duration_ms >= 10_000, "at most a second is lost: {duration_ms} ms");
    assert_eq!(std::fs::read_dir(&in_progress).expect("in-progress").count(), 0, "nothing is left to recover again");
}

#[test]
fn a_sink_removed_mid_call_is_reported_by_name_and_the_call_is_still_stored() {
    let Some(pulse) = Pulse::start() else { return };
    let data = tempfile::tempdir().expect("data dir");
    let (agent, customer) = split_call("call_01", data.path());
    let listening = Listening::start(&pulse, data.path(), &[]);
    listening.wait_until_recording();
    let mut players = [pulse.play(AGENT_SINK, &agent), pulse.play(CUSTOMER_SINK, &customer)];
    std::thread::sleep(Duration::from_secs(12));
    // The customer's player goes first: PulseAudio would move it to the agent's sink.
    let _ = players[1].kill();
    let _ = players[1].wait();
    pulse.unload(CUSTOMER_SINK);
    let _ = players[0].wait();
    std::thread::sleep(Duration::from_secs(2));
    listening.signal("TERM");
    let (out, stderr) = listening.finish();
    assert!(out.status.success(), "stderr: {stderr}");
    assert!(stderr.contains("lost the customer's device Monitor of Customer-Line"), "{stderr}");
    let call: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("JSON call ({e}): {}\n{stderr}", text(&out.stdout)));
    let duration_ms = call["duration_ms"].as_u64().expect("duration");
    assert!(duration_ms >= u64::from(CALL_SECONDS) * 1000, "the call went on after the loss: {duration_ms} ms");
    assert!(said_by(&call, "customer").contains("appointment"), "the customer before the loss is kept: {}", said_by(&call, "customer"));
    assert!(said_by(&call, "agent").contains("full name"), "the agent after the loss is kept: {}", said_by(&call, "agent"));
    let live = live_record(data.path(), &call["call_id"].as_i64().expect("id").to_string());
    assert_eq!(live["customer_device"], "Monitor of Customer-Line");
}
