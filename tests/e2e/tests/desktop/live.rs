//! A live call through the desktop app: PulseAudio plays a fixture call's two sides into the
//! agent's headset and the customer's line at real-time pace; the Live screen picks them,
//! Start shows levels and captions by speaker, Stop lands on the analysed call.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use callscope_e2e::pulse::{split_call, Pulse, AGENT_MIC_ID, AGENT_SINK, CUSTOMER_ID, CUSTOMER_SINK};
use callscope_e2e::{workspace_root, Desktop, Launch, Outcome};

/// call_01: healthcare; the agent greets from Riverside and the customer asks for an appointment
/// for a physical within the first 25 s.
const FIXTURE: &str = "calls/call_01.wav";
const SECONDS: u32 = 25;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "drives the real desktop app; run with `make e2e`"]
async fn a_live_call_is_captioned_stopped_and_opened_analysed() {
    let root = workspace_root();
    let pulse = Pulse::start().unwrap_or_else(|e| panic!("{e}"));
    let audio = tempfile::tempdir().expect("temp dir");
    let fixtures = std::env::var_os("CALLSCOPE_FIXTURES").map(PathBuf::from).unwrap_or_else(|| root.join("tests/fixtures/generated"));
    let (agent, customer) = split_call(&fixtures.join(FIXTURE), SECONDS, audio.path()).unwrap_or_else(|e| panic!("{e}"));
    let launch = Launch {
        binary: std::env::var_os("CALLSCOPE_DESKTOP_BIN").map(PathBuf::from).unwrap_or_else(|| root.join("target/debug/callscope-desktop")),
        models: std::env::var_os("CALLSCOPE_MODELS").map(PathBuf::from).unwrap_or_else(|| root.join(".cache/models")),
        model: "tiny.en".into(),
        prepare: None,
        extra_env: [vec![("WEBKIT_DISABLE_DMABUF_RENDERER", "0".to_string())], pulse.client_env().unwrap_or_else(|e| panic!("{e}"))].concat(),
    };
    let screens = root.join("target/e2e-screens");
    let desktop = Desktop::start(&launch).await.unwrap_or_else(|e| panic!("{e}"));
    let result = journey(&desktop, &pulse, &agent, &customer, &screens).await;
    if result.is_err() {
        let _ = desktop.screenshot(&screens, "live-failure").await;
    }
    desktop.stop().await;
    if let Err(e) = result {
        panic!("{e}");
    }
}

async fn journey(d: &Desktop, pulse: &Pulse, agent: &std::path::Path, customer: &std::path::Path, screens: &std::path::Path) -> Outcome<()> {
    d.find("[data-testid=nav-live]", Duration::from_secs(30)).await?;
    d.click("[data-testid=nav-live]").await?;
    d.find(&format!("[data-testid=live-microphone] option[value='{AGENT_MIC_ID}']"), Duration::from_secs(20)).await?;
    d.find(&format!("[data-testid=live-system] option[value='{CUSTOMER_ID}']"), Duration::from_secs(5)).await?;
    d.click(&format!("[data-testid=live-microphone] option[value='{AGENT_MIC_ID}']")).await?;
    d.click(&format!("[data-testid=live-system] option[value='{CUSTOMER_ID}']")).await?;
    d.click("[data-testid=live-toggle]").await?;
    d.find("[data-testid=live-recording]", Duration::from_secs(30)).await?;
    let title = d.client.title().await.map_err(|e| format!("window title: {e}"))?;
    if !title.contains("Recording") {
        return Err(format!("the window title does not say a call is being recorded: {title:?}"));
    }
    // Devices deliver their first buffers a second or two after they open.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let mut players = [pulse.play(AGENT_SINK, agent)?, pulse.play(CUSTOMER_SINK, customer)?];

    // Captions of both speakers while the call goes on, and a moving level.
    let started = Instant::now();
    let (mut agent_said, mut customer_said, mut loud) = (String::new(), String::new(), false);
    while started.elapsed() < Duration::from_secs(u64::from(SECONDS) + 15) {
        tokio::time::sleep(Duration::from_millis(500)).await;
        agent_said = captions(d, "agent").await;
        customer_said = captions(d, "customer").await;
        let level = d.client.execute("const m = document.querySelector('[data-testid=meter-agent] [role=meter]'); return m ? Number(m.getAttribute('aria-valuenow')) : 0;", vec![]).await.ok();
        loud |= level.and_then(|v| v.as_f64()).is_some_and(|v| v > 10.0);
        if agent_said.contains("riverside") && customer_said.contains("appointment") && loud {
            break;
        }
    }
    d.screenshot(screens, "9-live-call").await?;
    if !(agent_said.contains("riverside") && customer_said.contains("appointment")) {
        return Err(format!("live captions missing after {:?}: agent {agent_said:?}, customer {customer_said:?}", started.elapsed()));
    }
    if !loud {
        return Err("the agent's level meter never moved".into());
    }
    eprintln!("live captions of both sides after {:?}", started.elapsed());
    for p in &mut players {
        let _ = p.wait();
    }

    // Stop: the call is analysed and its detail opens by itself.
    d.click("[data-testid=live-toggle]").await?;
    d.find("[data-testid=live-analysing]", Duration::from_secs(20)).await?;
    let domain = d.find("[data-testid=call-domain]", Duration::from_secs(300)).await?;
    let domain = domain.text().await.map_err(|e| format!("domain: {e}"))?;
    if domain != "Healthcare" {
        return Err(format!("the live call's domain shown is {domain:?}, expected \"Healthcare\""));
    }
    let title = d.client.title().await.map_err(|e| format!("window title: {e}"))?;
    if title.contains("Recording") {
        return Err(format!("the window title still says recording after Stop: {title:?}"));
    }
    d.screenshot(screens, "10-live-call-stored").await?;
    Ok(())
}

/// The settled captions of one side, lowercase.
async fn captions(d: &Desktop, side: &str) -> String {
    let script = format!("return Array.from(document.querySelectorAll('.caption-{side}[data-testid=caption-final]')).map(p => p.textContent).join(' ').toLowerCase();");
    d.client.execute(&script, vec![]).await.ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}
