//! A live call fed by two sources whose rates and clocks differ: the recording has both sides
//! in step, the consumer gets every sample, and a lost source leaves silence.

use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use callscope::audio::live::{CallSide, FrameSender, LiveAudioConsumer, LiveCall, LiveCallSetup, LiveEvent};
use callscope::audio::recorder::{Recorder, RecordingInfo};
use callscope::audio::StreamResampler;

use super::{aligned_snr_db, decode, fixtures};

/// Seconds of call_12 used: the agent talks at 0–4 s and 12–16 s, the customer at 4–12 s.
const SECONDS: usize = 16;

/// What the consumer was handed, per side, with a check that it came in order.
#[derive(Default)]
struct Collected {
    sides: [Vec<f32>; 2],
    out_of_order: bool,
    finished: bool,
}

struct Collector(Arc<Mutex<Collected>>);

impl LiveAudioConsumer for Collector {
    fn samples(&mut self, side: CallSide, start: u64, samples: &[f32]) {
        let mut c = self.0.lock().expect("lock");
        let got = &mut c.sides[side.channel()];
        let contiguous = got.len() as u64 == start;
        got.extend_from_slice(samples);
        if !contiguous {
            c.out_of_order = true;
        }
    }

    fn finish(&mut self) {
        self.0.lock().expect("lock").finished = true;
    }
}

/// `signal` (16 kHz) as a device whose clock runs `ppm` fast would deliver it while calling
/// its rate `nominal_hz`: resampled to the true rate, labelled with the nominal one.
fn as_device(signal: &[f32], nominal_hz: u32, ppm: f64) -> Vec<f32> {
    let true_hz = (f64::from(nominal_hz) * (1.0 + ppm / 1e6)).round() as u32;
    let mut r = StreamResampler::new(16_000, true_hz, 1).expect("resampler");
    r.push(&[signal]).expect("push");
    r.finish().expect("finish").remove(0)
}

/// Feed `samples` as 10 ms buffers stamped with their true capture time (plus up to 6 ms of
/// jitter), about six times faster than real time; stop feeding after `until_s` when given.
fn feed(sender: FrameSender, samples: Vec<f32>, nominal_hz: u32, ppm: f64, started: std::time::Instant, until_s: Option<f64>) {
    let chunk = nominal_hz as usize / 100;
    let true_hz = f64::from(nominal_hz) * (1.0 + ppm / 1e6);
    let mut rng = fastrand::Rng::with_seed(u64::from(nominal_hz));
    for (i, piece) in samples.chunks(chunk).enumerate() {
        let t = (i * chunk) as f64 / true_hz;
        if until_s.is_some_and(|u| t >= u) {
            sender.lost("unplugged in the test");
            return;
        }
        let stamp = started + Duration::from_secs_f64(t + rng.f64() * 0.006);
        sender.send(piece.to_vec(), nominal_hz, stamp);
        if i % 5 == 0 {
            std::thread::sleep(Duration::from_millis(8));
        }
    }
}

fn fixture_sides() -> (Vec<f32>, Vec<f32>) {
    let clip = decode(&fixtures().join("calls/call_12.wav")).expect("fixture");
    let n = SECONDS * 16_000;
    (clip.channels[0][..n].to_vec(), clip.channels[1][..n].to_vec())
}

/// Lag (in 16 kHz samples) of `recorded` against `original` around `at_s`.
fn lag_at(original: &[f32], recorded: &[f32], at_s: f64) -> isize {
    let margin = 2_400;
    let a = (at_s * 16_000.0) as usize;
    let (_, lag) = aligned_snr_db(&original[a..a + 32_000], &recorded[a - margin..], 2 * margin);
    lag - margin as isize
}

#[test]
fn two_devices_with_different_rates_and_drifting_clocks_stay_in_step_in_the_recording() {
    let (agent, customer) = fixture_sides();
    let dir = tempfile::tempdir().expect("temp dir");
    let info = RecordingInfo { started_at: "2026-12-07T14:05:09Z".into(), agent_device: Some("mic".into()), customer_device: Some("speakers".into()) };
    let recorder = Recorder::create(dir.path(), info).expect("recorder");
    let collected = Arc::new(Mutex::new(Collected::default()));
    let (events, _rx) = mpsc::channel();
    let setup = LiveCallSetup { recorder, agent: Some("mic".into()), customer: Some("speakers".into()), consumer: Some(Box::new(Collector(Arc::clone(&collected)))) };
    let call = LiveCall::start(setup, events).expect("start");
    // 0.5 % fast and 0.5 % slow: uncorrected, the agent would be 67 ms late at 13.5 s and
    // the customer 47 ms early at 9.5 s.
    let (agent_ppm, customer_ppm) = (5_000.0, -5_000.0);
    let agent_device = as_device(&agent, 48_000, agent_ppm);
    let customer_device = as_device(&customer, 44_100, customer_ppm);
    let started = call.started();
    let (a, c) = (call.sender(CallSide::Agent).expect("agent"), call.sender(CallSide::Customer).expect("customer"));
    std::thread::scope(|s| {
        s.spawn(|| feed(a, agent_device, 48_000, agent_ppm, started, None));
        s.spawn(|| feed(c, customer_device, 44_100, customer_ppm, started, None));
    });
    let finished = call.stop().expect("stop");

    let mut reader = hound::WavReader::open(&finished.path).expect("recording");
    let interleaved: Vec<f32> = reader.samples::<i16>().map(|s| f32::from(s.expect("sample")) / 32_768.0).collect();
    let left: Vec<f32> = interleaved.iter().step_by(2).copied().collect();
    let right: Vec<f32> = interleaved.iter().skip(1).step_by(2).copied().collect();
    let seconds = left.len() as f64 / 16_000.0;
    assert!((seconds - SECONDS as f64).abs() < 0.2, "{seconds:.2} s recorded for {SECONDS} s fed");
    // Where each side talks, early and late (a 2 s window each).
    for (name, original, recorded, early_s, late_s) in [("agent", &agent, &left, 1.0, 13.5), ("customer", &customer, &right, 4.5, 9.5)] {
        let (early, late) = (lag_at(original, recorded, early_s), lag_at(original, recorded, late_s));
        assert!(early.abs() <= 720 && late.abs() <= 720, "{name}: {early} and {late} samples off (45 ms = 720)");
        assert!((late - early).abs() <= 720, "{name} drifted {} ms from {early_s} s to {late_s} s", (late - early) / 16);
    }

    let c = collected.lock().expect("lock");
    assert!(c.finished && !c.out_of_order);
    for (name, heard, recorded) in [("agent", &c.sides[0], &left), ("customer", &c.sides[1], &right)] {
        assert_eq!(heard.len(), recorded.len(), "the consumer hears all of the {name}'s side");
        // The recording is the same audio at 16 bits.
        let worst = heard.iter().zip(recorded.iter()).map(|(a, b)| (a.clamp(-1.0, 1.0) - b).abs()).fold(0.0f32, f32::max);
        assert!(worst < 2.0 / 32_768.0, "the consumer hears the {name} as recorded (worst difference {worst})");
    }
}

#[test]
fn a_lost_source_is_reported_and_its_side_goes_on_as_silence() {
    let (agent, customer) = fixture_sides();
    let dir = tempfile::tempdir().expect("temp dir");
    let info = RecordingInfo { started_at: "2026-12-07T14:05:09Z".into(), agent_device: Some("mic".into()), customer_device: Some("USB Speakerphone".into()) };
    let recorder = Recorder::create(dir.path(), info).expect("recorder");
    let (events, rx) = mpsc::channel();
    let setup = LiveCallSetup { recorder, agent: Some("mic".into()), customer: Some("USB Speakerphone".into()), consumer: None };
    let call = LiveCall::start(setup, events).expect("start");
    let started = call.started();
    let (a, c) = (call.sender(CallSide::Agent).expect("agent"), call.sender(CallSide::Customer).expect("customer"));
    std::thread::scope(|s| {
        s.spawn(|| feed(a, agent.clone(), 16_000, 0.0, started, None));
        s.spawn(|| feed(c, customer.clone(), 16_000, 0.0, started, Some(6.0)));
    });
    let finished = call.stop().expect("stop");
    let lost: Vec<LiveEvent> = rx.try_iter().filter(|e| matches!(e, LiveEvent::DeviceLost { .. })).collect();
    assert_eq!(
        lost,
        vec![LiveEvent::DeviceLost { side: CallSide::Customer, device: "USB Speakerphone".into(), reason: "unplugged in the test".into() }]
    );
    let mut reader = hound::WavReader::open(&finished.path).expect("recording");
    let interleaved: Vec<i16> = reader.samples::<i16>().map(|s| s.expect("sample")).collect();
    let frames = interleaved.len() / 2;
    assert!(frames as f64 / 16_000.0 > SECONDS as f64 - 0.2, "the call went on after the loss: {frames} frames");
    let loud = |from_s: f64, to_s: f64, ch: usize| {
        interleaved[(from_s * 16_000.0) as usize * 2..(to_s * 16_000.0) as usize * 2].iter().skip(ch).step_by(2).any(|s| s.unsigned_abs() > 1000)
    };
    assert!(loud(4.5, 6.0, 1), "the customer before the loss is kept");
    assert!(!loud(6.2, SECONDS as f64 - 0.2, 1), "silence on the customer's side after the loss");
    assert!(loud(12.5, SECONDS as f64 - 0.2, 0), "the agent goes on");
}
