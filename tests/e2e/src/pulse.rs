//! A private PulseAudio server for live-call tests, as DESIGN.md describes: two null sinks
//! (the customer's line and the agent's headset) whose playback is captured at real-time pace.
//! The customer side is the line sink's monitor (system audio, as on a desktop); the agent's
//! "microphone" is a source remapped from the headset sink's monitor, so it is listed as an
//! input like a real microphone.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::Outcome;

pub const AGENT_SINK: &str = "agent_headset";
pub const CUSTOMER_SINK: &str = "customer_line";
/// The agent's microphone as capture device id (`callscope devices`).
pub const AGENT_MIC_ID: &str = "pulseaudio:agent_mic";
/// The customer's system audio as capture device id.
pub const CUSTOMER_ID: &str = "pulseaudio:customer_line.monitor";

/// The server, stopped on drop.
pub struct Pulse {
    dir: tempfile::TempDir,
    server: Child,
}

impl Pulse {
    /// Start it, or say why it cannot be (PulseAudio not installed: `make test` installs it).
    pub fn start() -> Outcome<Pulse> {
        let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o700)).map_err(|e| format!("runtime dir mode: {e}"))?;
        }
        let config = dir.path().join("default.pa");
        std::fs::write(
            &config,
            format!(
                "load-module module-native-protocol-unix auth-anonymous=1\n\
                 load-module module-null-sink sink_name={CUSTOMER_SINK} rate=48000 sink_properties=device.description=Customer-Line\n\
                 load-module module-null-sink sink_name={AGENT_SINK} rate=44100 sink_properties=device.description=Agent-Headset\n\
                 load-module module-remap-source master={AGENT_SINK}.monitor source_name=agent_mic source_properties=device.description=Agent-Mic\n"
            ),
        )
        .map_err(|e| format!("PulseAudio config: {e}"))?;
        let log = std::fs::File::create(dir.path().join("pulseaudio.log")).map_err(|e| format!("PulseAudio log: {e}"))?;
        let server = Command::new("pulseaudio")
            .args(["--daemonize=no", "-n", "--exit-idle-time=-1", "-F"])
            .arg(&config)
            .env("XDG_RUNTIME_DIR", dir.path())
            .env("HOME", dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("starting pulseaudio (apt install pulseaudio pulseaudio-utils): {e}"))?;
        let pulse = Pulse { dir, server };
        let deadline = Instant::now() + Duration::from_secs(15);
        while !pulse.command("pactl").arg("info").output().is_ok_and(|o| o.status.success()) {
            if Instant::now() > deadline {
                return Err(format!("PulseAudio did not come up; see {}", pulse.dir.path().join("pulseaudio.log").display()));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
        Ok(pulse)
    }

    /// The environment a client (the app) needs to reach this server: its runtime folder (cpal
    /// picks its PulseAudio host by it) and a cookie. The server takes anonymous clients, but
    /// the app's fresh home gets an empty `~/.config/pulse/cookie` from WebKit's media stack,
    /// and a client that sends an empty cookie is kicked ("protocol error").
    pub fn client_env(&self) -> Outcome<Vec<(&'static str, String)>> {
        let cookie = self.dir.path().join("cookie");
        std::fs::write(&cookie, [0u8; 256]).map_err(|e| format!("PulseAudio cookie: {e}"))?;
        Ok(vec![("XDG_RUNTIME_DIR", self.dir.path().display().to_string()), ("PULSE_COOKIE", cookie.display().to_string())])
    }

    /// `program` talking to this server.
    pub fn command(&self, program: &str) -> Command {
        let mut c = Command::new(program);
        c.env("XDG_RUNTIME_DIR", self.dir.path()).env("HOME", self.dir.path());
        c
    }

    /// Play a WAV into a sink at real-time pace.
    pub fn play(&self, sink: &str, wav: &Path) -> Outcome<Child> {
        self.command("paplay").arg(format!("--device={sink}")).arg(wav).stdout(Stdio::null()).stderr(Stdio::null()).spawn().map_err(|e| format!("paplay: {e}"))
    }
}

impl Drop for Pulse {
    fn drop(&mut self) {
        let _ = self.server.kill();
        let _ = self.server.wait();
    }
}

/// The first `seconds` of a stereo call as one WAV per side (agent left, customer right), with sox.
pub fn split_call(call: &Path, seconds: u32, dir: &Path) -> Outcome<(PathBuf, PathBuf)> {
    let (agent, customer) = (dir.join("agent.wav"), dir.join("customer.wav"));
    for (out, channel) in [(&agent, "1"), (&customer, "2")] {
        let ok = Command::new("sox").arg(call).arg(out).args(["remix", channel, "trim", "0", &seconds.to_string()]).status();
        if !ok.is_ok_and(|s| s.success()) {
            return Err(format!("sox could not split {} (apt install sox)", call.display()));
        }
    }
    Ok((agent, customer))
}
