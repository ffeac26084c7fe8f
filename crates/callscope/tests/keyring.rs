//! Keys in a real Secret Service (GNOME Keyring on a private D-Bus session), and the error a
//! user sees when no keyring answers. Each case re-runs this test binary inside its own
//! session, because the platform keyring is connected once per process.

use std::path::Path;
use std::process::Command;

use callscope::secrets::{Keyring, SecretKind, SecretStatus};

/// Set in the child process that runs inside the prepared session.
const CHILD_ENV: &str = "CALLSCOPE_KEYRING_CHILD";

fn on_path(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// Run the ignored test `name` of this binary under `sh -c script` (which ends in `exec "$0" …`).
fn run_child(name: &str, wrapper: &[&str], script: &str, home: &Path, bus: Option<&str>) -> String {
    let runtime = home.join("run");
    std::fs::create_dir_all(&runtime).expect("runtime dir");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&runtime, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    }
    let exe = std::env::current_exe().expect("test binary path");
    let mut cmd = Command::new(wrapper[0]);
    cmd.args(&wrapper[1..])
        .args(["sh", "-c", script])
        .arg(&exe)
        .args(["--exact", name, "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, "1")
        .env("HOME", home)
        .env("XDG_DATA_HOME", home.join("share"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_RUNTIME_DIR", &runtime);
    match bus {
        Some(address) => cmd.env("DBUS_SESSION_BUS_ADDRESS", address),
        None => cmd.env_remove("DBUS_SESSION_BUS_ADDRESS"),
    };
    let out = cmd.output().expect("run the child test");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && text.contains("1 passed"), "child test {name} failed:\n{text}");
    text
}

#[test]
fn keys_round_trip_through_a_real_secret_service() {
    if !on_path("dbus-run-session") || !on_path("gnome-keyring-daemon") {
        // `make test` installs both, so in CI a missing tool is a broken set-up, not a skip.
        assert!(std::env::var_os("CI").is_none(), "dbus-run-session and gnome-keyring-daemon are missing (make setup installs them)");
        eprintln!("skipped: needs dbus-run-session and gnome-keyring-daemon (make setup installs them)");
        return;
    }
    let home = tempfile::tempdir().expect("temp home");
    let script = r#"printf callscope | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$0" "$@""#;
    run_child("secret_service_round_trip", &["dbus-run-session", "--"], script, home.path(), None);
}

#[test]
fn without_a_keyring_service_the_error_says_what_to_start() {
    let home = tempfile::tempdir().expect("temp home");
    let bus = format!("unix:path={}", home.path().join("no-bus").display());
    run_child("no_keyring_service", &["env"], r#"exec "$0" "$@""#, home.path(), Some(&bus));
}

#[test]
#[ignore = "runs inside the session keys_round_trip_through_a_real_secret_service starts"]
fn secret_service_round_trip() {
    assert!(std::env::var_os(CHILD_ENV).is_some(), "run through keys_round_trip_through_a_real_secret_service");
    let keys = Keyring::os();
    assert_eq!(keys.status(SecretKind::GeminiApiKey), SecretStatus::Missing);
    keys.set(SecretKind::GeminiApiKey, "AIzaSyRealServiceKey4321").expect("store in the Secret Service");
    assert_eq!(keys.get(SecretKind::GeminiApiKey).expect("read").as_deref(), Some("AIzaSyRealServiceKey4321"));
    assert_eq!(keys.status(SecretKind::GeminiApiKey), SecretStatus::Stored { masked: "••••4321".into() });
    keys.set(SecretKind::GeminiApiKey, "AIzaSyReplacedKey000009").expect("replace");
    assert_eq!(keys.get(SecretKind::GeminiApiKey).expect("read").as_deref(), Some("AIzaSyReplacedKey000009"));
    assert!(keys.remove(SecretKind::GeminiApiKey).expect("remove"));
    assert_eq!(keys.get(SecretKind::GeminiApiKey).expect("read"), None);
}

#[test]
#[ignore = "runs with an unreachable session bus, started by without_a_keyring_service_the_error_says_what_to_start"]
fn no_keyring_service() {
    assert!(std::env::var_os(CHILD_ENV).is_some(), "run through without_a_keyring_service_the_error_says_what_to_start");
    let keys = Keyring::os();
    let err = keys.set(SecretKind::SupabaseKey, "sb_publishable_abc123").expect_err("no keyring answers");
    let message = err.to_string();
    assert!(message.contains("system keyring is not available"), "{message}");
    assert!(message.contains("GNOME Keyring"), "{message}");
    assert!(!message.contains("abc123"), "{message}");
    match keys.status(SecretKind::SupabaseKey) {
        SecretStatus::Unavailable { message } => assert!(message.contains("restart Callscope"), "{message}"),
        other => panic!("expected the keyring to be unavailable, got {other:?}"),
    }
}
