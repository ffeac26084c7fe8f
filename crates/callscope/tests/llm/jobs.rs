//! The job builder chooses the provider from the settings and finds its key: the environment
//! first (headless use), else the keyring. A remote provider without a key fails the build
//! before anything else is loaded. Tests that depend on the key variables run this binary
//! again with those variables controlled, so a developer's own keys cannot change the result.

use std::process::Command;

use callscope::config::{GeminiMode, ProviderChoice, Settings, GEMINI_API_KEY, OPENAI_API_KEY};
use callscope::pipeline::{Job, JobPlan, PipelineError, ProviderPlan, TranscriberPlan};
use callscope::secrets::{Keyring, SecretKind};
use callscope::store::Store;

use super::model::{analyse, Wire};
use super::server::Server;

/// Set in the child process that runs one ignored test.
pub const CHILD: &str = "CALLSCOPE_LLM_CHILD";

/// Run the ignored test `name` in a child process with both key variables unset, then `env`.
pub fn in_child(name: &str, env: &[(&str, &str)]) {
    let mut cmd = Command::new(std::env::current_exe().expect("test binary"));
    cmd.args(["--exact", name, "--ignored", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env_remove(GEMINI_API_KEY)
        .env_remove(OPENAI_API_KEY);
    for (key, value) in env {
        cmd.env(key, value);
    }
    let out = cmd.output().expect("run the test binary");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && stdout.contains("1 passed"), "{name} failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
}

pub fn keyring_with(keys: &[(SecretKind, &str)]) -> Keyring {
    let keyring = Keyring::with_store(keyring_core::mock::Store::new().expect("mock keyring"), "callscope-test");
    for (kind, key) in keys {
        keyring.set(*kind, key).expect("store a key");
    }
    keyring
}

fn plan(provider: ProviderPlan) -> JobPlan {
    JobPlan {
        model: "base".into(),
        transcriber: TranscriberPlan::Local { model_path: "/nonexistent/ggml-base-q8_0.bin".into() },
        vad_model: None,
        swap_channels: false,
        language: "en".into(),
        provider,
        keep_original_pii: false,
    }
}

#[test]
fn the_settings_choose_the_provider_and_its_model_and_offline_is_the_default() {
    assert_eq!(ProviderPlan::from_settings(&Settings::default()), ProviderPlan::Offline);
    let gemini = Settings { provider: ProviderChoice::Gemini, ..Settings::default() };
    assert_eq!(ProviderPlan::from_settings(&gemini), ProviderPlan::Gemini { model: "gemini-2.5-flash".into(), mode: GeminiMode::Text });
    let ollama = Settings { provider: ProviderChoice::OpenaiCompatible, openai_base_url: "http://localhost:11434/v1".into(), ..Settings::default() }
        .with_llm_model("llama3.1:8b")
        .expect("a model");
    assert_eq!(
        ProviderPlan::from_settings(&ollama),
        ProviderPlan::OpenAiCompatible { base_url: "http://localhost:11434/v1".into(), model: "llama3.1:8b".into() }
    );
}

#[test]
fn a_remote_provider_without_a_key_fails_the_job_before_the_speech_model_is_loaded() {
    in_child("jobs::child_without_a_key", &[]);
}

#[test]
#[ignore = "run by a_remote_provider_without_a_key_fails_the_job_before_the_speech_model_is_loaded"]
fn child_without_a_key() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let empty = keyring_with(&[]);
    let err = Job::build(plan(ProviderPlan::Gemini { model: "gemini-2.5-flash".into(), mode: GeminiMode::Text }), &empty).expect_err("no key");
    assert!(matches!(err, PipelineError::MissingApiKey { .. }), "{err:?}");
    let message = err.to_string();
    for part in ["Gemini API key", "callscope keys set gemini", "GEMINI_API_KEY", "No file was analysed"] {
        assert!(message.contains(part), "{message}");
    }
    let remote = ProviderPlan::OpenAiCompatible { base_url: "https://api.openai.com/v1".into(), model: "gpt-4o-mini".into() };
    let err = Job::build(plan(remote), &empty).expect_err("no key");
    assert!(err.to_string().contains("OPENAI_API_KEY"), "{err}");
}

#[test]
fn the_key_in_the_keyring_is_the_one_sent() {
    in_child("jobs::child_key_from_the_keyring", &[]);
}

#[test]
#[ignore = "run by the_key_in_the_keyring_is_the_one_sent"]
fn child_key_from_the_keyring() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let server = Server::start(|r, _| Wire::OpenAi.correct(r));
    let keys = keyring_with(&[(SecretKind::OpenAiApiKey, "sk-from-the-keyring-0001")]);
    let provider = ProviderPlan::OpenAiCompatible { base_url: format!("{}/v1", server.url()), model: "gpt-4o-mini".into() }.build(&keys).expect("provider");
    analyse(provider.as_ref(), &mut Store::open_in_memory().expect("library")).expect("analysis succeeds");
    assert!(server.received().iter().all(|r| r.header("authorization") == Some("Bearer sk-from-the-keyring-0001")));
}

#[test]
fn a_key_in_the_environment_wins_over_the_keyring() {
    in_child("jobs::child_key_from_the_environment", &[(OPENAI_API_KEY, "sk-from-the-environment-0002")]);
}

#[test]
#[ignore = "run by a_key_in_the_environment_wins_over_the_keyring"]
fn child_key_from_the_environment() {
    if std::env::var_os(CHILD).is_none() {
        return;
    }
    let server = Server::start(|r, _| Wire::OpenAi.correct(r));
    let keys = keyring_with(&[(SecretKind::OpenAiApiKey, "sk-from-the-keyring-0001")]);
    let provider = ProviderPlan::OpenAiCompatible { base_url: format!("{}/v1", server.url()), model: "gpt-4o-mini".into() }.build(&keys).expect("provider");
    analyse(provider.as_ref(), &mut Store::open_in_memory().expect("library")).expect("analysis succeeds");
    assert!(server.received().iter().all(|r| r.header("authorization") == Some("Bearer sk-from-the-environment-0002")));
}
