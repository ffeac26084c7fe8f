//! Runs the real desktop app for end-to-end tests: a private X server (Xvfb), a private D-Bus
//! session, tauri-driver (which starts WebKitWebDriver, which starts the app) and a WebDriver
//! client. Everything lives in a temporary home and data folder and is stopped on drop.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};

pub mod library;
pub mod memory;
pub mod pulse;
pub mod reference;

/// A result whose error is a message for the test log.
pub type Outcome<T> = Result<T, String>;

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap_or_else(|_| PathBuf::from("../.."))
}

/// A running app under test.
pub struct Desktop {
    pub client: Client,
    pub home: tempfile::TempDir,
    processes: Vec<(String, Child)>,
}

/// Prepares a data folder before the app starts.
pub type Prepare = Box<dyn Fn(&Path) -> Outcome<()>>;

/// What the app under test is started with.
pub struct Launch {
    /// The app binary.
    pub binary: PathBuf,
    /// The folder holding the Whisper models.
    pub models: PathBuf,
    /// The speech model to use (`tiny.en` keeps the test fast).
    pub model: String,
    /// Prepares the data folder (e.g. seeds a library) before the app starts.
    pub prepare: Option<Prepare>,
    /// More environment for the app (and the WebDriver processes that start it).
    pub extra_env: Vec<(&'static str, String)>,
}

impl Desktop {
    /// Start Xvfb, D-Bus, tauri-driver and the app, and connect a WebDriver session to it.
    pub async fn start(launch: &Launch) -> Outcome<Desktop> {
        if !launch.binary.is_file() {
            return Err(format!("{} is missing: build it with `make ui` and `cargo build -p callscope-desktop`", launch.binary.display()));
        }
        let home = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
        let mut desktop_processes = Vec::new();
        let (display, xvfb) = start_xvfb()?;
        desktop_processes.push(("Xvfb".to_string(), xvfb));

        let mut dbus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--nopidfile", "--print-address=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting dbus-daemon (apt install dbus): {e}"))?;
        let mut address = String::new();
        if let Some(out) = dbus.stdout.take() {
            BufReader::new(out).read_line(&mut address).map_err(|e| format!("reading the D-Bus address: {e}"))?;
        }
        desktop_processes.push(("dbus-daemon".to_string(), dbus));
        desktop_processes.push(("gnome-keyring-daemon".to_string(), start_keyring(home.path(), address.trim())?));

        let port = free_port()?;
        let driver_port = free_port()?;
        let data = home.path().join("data");
        if let Some(prepare) = &launch.prepare {
            prepare(&data)?;
        }
        let env: Vec<(&str, String)> = vec![
            ("DISPLAY", format!(":{display}")),
            ("DBUS_SESSION_BUS_ADDRESS", address.trim().to_string()),
            ("HOME", home.path().display().to_string()),
            ("XDG_CONFIG_HOME", home.path().join("config").display().to_string()),
            ("XDG_CACHE_HOME", home.path().join("cache").display().to_string()),
            ("XDG_DATA_HOME", home.path().join("share").display().to_string()),
            ("CALLSCOPE_DATA", data.display().to_string()),
            ("CALLSCOPE_MODELS", launch.models.display().to_string()),
            ("CALLSCOPE_MODEL", launch.model.clone()),
        ];
        let env: Vec<(&str, String)> = env.into_iter().chain(launch.extra_env.iter().map(|(k, v)| (*k, v.clone()))).collect();
        let driver = Command::new(tauri_driver()?)
            .args(["--port", &port.to_string(), "--native-port", &driver_port.to_string()])
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("starting tauri-driver: {e}"))?;
        desktop_processes.push(("tauri-driver".to_string(), driver));
        wait_for(Duration::from_secs(20), || std::net::TcpStream::connect(("127.0.0.1", port)).is_ok())?;

        let mut caps = serde_json::Map::new();
        caps.insert("tauri:options".into(), serde_json::json!({ "application": launch.binary }));
        // The UI is one page that never navigates and each step waits for the elements it needs,
        // so a click does not also wait for loads in flight (a recording being fetched).
        caps.insert("pageLoadStrategy".into(), serde_json::json!("none"));
        let client = ClientBuilder::rustls()
            .map_err(|e| format!("WebDriver client: {e}"))?
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .map_err(|e| format!("connecting to tauri-driver on port {port}: {e}"))?;
        Ok(Desktop { client, home, processes: desktop_processes })
    }

    /// The first element matching a CSS selector, waiting up to `timeout` for it.
    pub async fn find(&self, css: &str, timeout: Duration) -> Outcome<fantoccini::elements::Element> {
        self.client
            .wait()
            .at_most(timeout)
            .for_element(Locator::Css(css))
            .await
            .map_err(|e| format!("no element {css} after {timeout:?}: {e}"))
    }

    /// The text of the first element matching `css`.
    pub async fn text(&self, css: &str) -> Outcome<String> {
        let el = self.find(css, Duration::from_secs(10)).await?;
        el.text().await.map_err(|e| format!("text of {css}: {e}"))
    }

    /// Click the first element matching `css`.
    pub async fn click(&self, css: &str) -> Outcome<()> {
        let el = self.find(css, Duration::from_secs(10)).await?;
        el.click().await.map_err(|e| format!("clicking {css}: {e}"))
    }

    /// Save a PNG of the window to `dir/name.png` (after a short settle so layout is final).
    pub async fn screenshot(&self, dir: &Path, name: &str) -> Outcome<PathBuf> {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let png = self.client.screenshot().await.map_err(|e| format!("screenshot {name}: {e}"))?;
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).map_err(|e| format!("writing {}: {e}", path.display()))?;
        Ok(path)
    }

    /// End the session and stop every process (tauri-driver with SIGTERM so it stops
    /// WebKitWebDriver and the app cleanly).
    pub async fn stop(mut self) {
        let client = self.client.clone();
        let _ = client.close().await;
        for (name, child) in self.processes.iter_mut().rev() {
            terminate(name, child);
        }
        self.processes.clear();
    }
}

impl Drop for Desktop {
    fn drop(&mut self) {
        for (name, child) in self.processes.iter_mut().rev() {
            terminate(name, child);
        }
    }
}

fn terminate(name: &str, child: &mut Child) {
    let _ = Command::new("kill").args(["-TERM", &child.id().to_string()]).status();
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    eprintln!("{name} did not stop on SIGTERM; killing it");
    let _ = child.kill();
    let _ = child.wait();
}

/// A private X server at the app's window size (1280×800), and its display number once it
/// accepts connections.
fn start_xvfb() -> Outcome<(u32, Child)> {
    let display = free_display()?;
    let mut xvfb = Command::new("Xvfb")
        .args([&format!(":{display}"), "-screen", "0", "1280x800x24", "-nolisten", "tcp"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("starting Xvfb (apt install xvfb): {e}"))?;
    if let Err(e) = wait_for(Duration::from_secs(10), || Path::new(&format!("/tmp/.X11-unix/X{display}")).exists()) {
        terminate("Xvfb", &mut xvfb);
        return Err(format!("Xvfb :{display} did not start: {e}"));
    }
    Ok((display, xvfb))
}

/// An unlocked login keyring (Secret Service) on the session bus at `address`, as a desktop
/// session has: the app keeps API keys there.
fn start_keyring(home: &Path, address: &str) -> Outcome<Child> {
    let runtime = home.join("run");
    std::fs::create_dir_all(&runtime).map_err(|e| format!("creating {}: {e}", runtime.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| format!("securing {}: {e}", runtime.display()))?;
    }
    let mut keyring = Command::new("gnome-keyring-daemon")
        .args(["--foreground", "--unlock", "--components=secrets"])
        .env("DBUS_SESSION_BUS_ADDRESS", address)
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("share"))
        .env("XDG_RUNTIME_DIR", &runtime)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("starting gnome-keyring-daemon (apt install gnome-keyring): {e}"))?;
    // The login keyring's password; closing stdin tells the daemon it is complete.
    if let Some(mut stdin) = keyring.stdin.take() {
        stdin.write_all(b"callscope-e2e").map_err(|e| format!("unlocking the keyring: {e}"))?;
    }
    Ok(keyring)
}

/// tauri-driver from `$TAURI_DRIVER`, `~/.cargo/bin` or `PATH`.
fn tauri_driver() -> Outcome<PathBuf> {
    if let Some(p) = std::env::var_os("TAURI_DRIVER") {
        return Ok(PathBuf::from(p));
    }
    let cargo_bin = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .map(|d| d.join("bin/tauri-driver"));
    match cargo_bin {
        Some(p) if p.is_file() => Ok(p),
        _ => Ok(PathBuf::from("tauri-driver")),
    }
}

fn free_port() -> Outcome<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("finding a free port: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| format!("finding a free port: {e}"))
}

fn free_display() -> Outcome<u32> {
    (90..200)
        .find(|n| !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists() && !Path::new(&format!("/tmp/.X{n}-lock")).exists())
        .ok_or_else(|| "no free X display number between :90 and :199".to_string())
}

fn wait_for(timeout: Duration, mut ready: impl FnMut() -> bool) -> Outcome<()> {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if ready() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!("not ready after {timeout:?}"))
}
