//! One device captured into one side of a live call.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, StreamTrait};

use super::devices::{open, CaptureDevice, DeviceKind};
use super::CaptureError;
use crate::audio::live::FrameSender;

/// How long a device may take to start before opening it counts as failed.
const OPEN_TIMEOUT: Duration = Duration::from_secs(5);
/// Buffers asked of the device, in seconds: short, so captions and meters follow closely.
const BUFFER_S: f64 = 0.05;
/// How often a device being captured is checked to still be there.
const CHECK_EVERY: Duration = Duration::from_secs(1);
/// A reported capture latency beyond this is not believed (the callback time is used instead).
const MAX_LATENCY: Duration = Duration::from_secs(3);

/// A device being captured; capturing stops when this is dropped.
pub struct DeviceCapture {
    device: CaptureDevice,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl DeviceCapture {
    /// Open `device` and send what it captures, as mono, to `sender`. A device that
    /// disappears later is reported through `sender.lost` (once), never as a panic.
    pub fn start(
        device: &CaptureDevice,
        sender: FrameSender,
    ) -> Result<DeviceCapture, CaptureError> {
        let stop = Arc::new(AtomicBool::new(false));
        let (ready_tx, ready_rx) = mpsc::channel();
        let flag = Arc::clone(&stop);
        let owned = device.clone();
        let started = Instant::now();
        // Some hosts' streams must stay on the thread that built them: the stream lives and
        // dies on this one.
        let thread = std::thread::Builder::new()
            .name(format!("capture-{}", sender.side()))
            .spawn(move || {
                let running = match build(&owned, sender, started) {
                    Ok(running) => running,
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                let _ = ready_tx.send(Ok(()));
                watch(&owned, &running, &flag);
                drop(running.stream);
            })
            .map_err(|e| CaptureError::Open {
                device: device.name.clone(),
                detail: format!("no capture thread: {e}"),
            })?;
        match ready_rx.recv_timeout(OPEN_TIMEOUT) {
            Ok(Ok(())) => Ok(DeviceCapture {
                device: device.clone(),
                stop,
                thread: Some(thread),
            }),
            Ok(Err(e)) => {
                let _ = thread.join();
                Err(e)
            }
            Err(_) => {
                stop.store(true, Ordering::SeqCst);
                Err(CaptureError::Open {
                    device: device.name.clone(),
                    detail: format!("it did not start within {} s", OPEN_TIMEOUT.as_secs()),
                })
            }
        }
    }

    /// The device being captured.
    pub fn device(&self) -> &CaptureDevice {
        &self.device
    }
}

impl Drop for DeviceCapture {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            thread.thread().unpark();
            let _ = thread.join();
        }
    }
}

/// A started stream and what its callbacks report to the thread that watches it.
struct Running {
    stream: cpal::Stream,
    sender: FrameSender,
    /// Milliseconds after `started` of the last buffer.
    last_buffer_ms: Arc<AtomicU64>,
    /// Already reported lost.
    lost: Arc<AtomicBool>,
    started: Instant,
}

/// Keep the stream until asked to stop, checking every `CHECK_EVERY` that the device is still
/// there. Hosts do not always say when a device goes: PulseAudio moves a monitor stream to
/// another source when its sink is removed (so the callbacks go on, with someone else's
/// audio). A device that is gone is reported lost once, and whatever its stream delivers
/// afterwards is ignored.
fn watch(device: &CaptureDevice, running: &Running, stop: &AtomicBool) {
    let mut last_check = Instant::now();
    while !stop.load(Ordering::SeqCst) {
        std::thread::park_timeout(Duration::from_millis(100));
        if last_check.elapsed() < CHECK_EVERY || running.lost.load(Ordering::SeqCst) {
            continue;
        }
        last_check = Instant::now();
        if let Err(e) = open(device) {
            let silent_ms = (running.started.elapsed().as_millis() as u64)
                .saturating_sub(running.last_buffer_ms.load(Ordering::Relaxed));
            tracing::debug!(device = %device.name, silent_ms, error = %e, "the device is gone");
            if !running.lost.swap(true, Ordering::SeqCst) {
                running.sender.lost("it disappeared (unplugged or removed)");
            }
        }
    }
}

/// Build and start the cpal stream of `device`, converting each buffer to mono f32.
fn build(
    device: &CaptureDevice,
    sender: FrameSender,
    started: Instant,
) -> Result<Running, CaptureError> {
    let open_err = |detail: String| CaptureError::Open {
        device: device.name.clone(),
        detail,
    };
    let cpal_device = open(device)?;
    // A loopback (Windows) opens an output device for input, in its output format.
    let loopback = device.kind == DeviceKind::System && cfg!(target_os = "windows");
    let config = if loopback {
        cpal_device.default_output_config()
    } else {
        cpal_device.default_input_config()
    }
    .map_err(|e| open_err(e.to_string()))?;
    let format = config.sample_format();
    let channels = usize::from(config.channels()).max(1);
    let rate = config.sample_rate();
    let mut stream_config = config.config();
    let fixed = ((f64::from(rate) * BUFFER_S) as u32).max(64);
    stream_config.buffer_size = cpal::BufferSize::Fixed(fixed);

    let lost = Arc::new(AtomicBool::new(false));
    let on_error = {
        let sender = sender.clone();
        let lost = Arc::clone(&lost);
        move |e: cpal::Error| match e.kind() {
            cpal::ErrorKind::DeviceNotAvailable
            | cpal::ErrorKind::StreamInvalidated
            | cpal::ErrorKind::HostUnavailable => {
                if !lost.swap(true, Ordering::SeqCst) {
                    sender.lost(e.to_string());
                }
            }
            _ => tracing::warn!(device = %sender.device(), error = %e, "capture glitch"),
        }
    };
    let last_buffer_ms = Arc::new(AtomicU64::new(0));
    let on_data = {
        let sender = sender.clone();
        let last_buffer_ms = Arc::clone(&last_buffer_ms);
        let lost = Arc::clone(&lost);
        move |data: &cpal::Data, info: &cpal::InputCallbackInfo| {
            if lost.load(Ordering::Relaxed) {
                return;
            }
            let now = Instant::now();
            last_buffer_ms.store(
                now.saturating_duration_since(started).as_millis() as u64,
                Ordering::Relaxed,
            );
            let Some(mono) = to_mono(data, channels) else {
                return;
            };
            let ts = info.timestamp();
            let latency = ts
                .callback
                .checked_duration_since(ts.capture)
                .filter(|l| *l < MAX_LATENCY);
            let fallback = Duration::from_secs_f64(mono.len() as f64 / f64::from(rate));
            let captured_at = now.checked_sub(latency.unwrap_or(fallback)).unwrap_or(now);
            sender.send(mono, rate, captured_at);
        }
    };
    if !matches!(
        format,
        cpal::SampleFormat::F32
            | cpal::SampleFormat::I16
            | cpal::SampleFormat::I32
            | cpal::SampleFormat::U8
    ) {
        return Err(CaptureError::UnsupportedFormat {
            device: device.name.clone(),
            format: format.to_string(),
        });
    }
    let stream = match cpal_device.build_input_stream_raw(
        stream_config,
        format,
        on_data.clone(),
        on_error.clone(),
        Some(OPEN_TIMEOUT),
    ) {
        Ok(stream) => stream,
        Err(e) => {
            // Not every host takes a fixed buffer size; its own default will do.
            tracing::debug!(device = %device.name, error = %e, "a fixed buffer was refused; using the device's default");
            stream_config.buffer_size = cpal::BufferSize::Default;
            cpal_device
                .build_input_stream_raw(
                    stream_config,
                    format,
                    on_data,
                    on_error,
                    Some(OPEN_TIMEOUT),
                )
                .map_err(|e| open_err(e.to_string()))?
        }
    };
    stream.play().map_err(|e| open_err(e.to_string()))?;
    tracing::info!(device = %device.name, id = %device.id, rate, channels, %format, "capturing");
    last_buffer_ms.store(started.elapsed().as_millis() as u64, Ordering::Relaxed);
    Ok(Running {
        stream,
        sender,
        last_buffer_ms,
        lost,
        started,
    })
}

/// The frames of `data` (interleaved, `channels` wide) averaged to mono f32.
fn to_mono(data: &cpal::Data, channels: usize) -> Option<Vec<f32>> {
    fn mix<T: Copy>(samples: &[T], channels: usize, to_f32: impl Fn(T) -> f32) -> Vec<f32> {
        samples
            .chunks_exact(channels)
            .map(|frame| frame.iter().map(|&s| to_f32(s)).sum::<f32>() / channels as f32)
            .collect()
    }
    match data.sample_format() {
        cpal::SampleFormat::F32 => data.as_slice::<f32>().map(|s| mix(s, channels, |x| x)),
        cpal::SampleFormat::I16 => data
            .as_slice::<i16>()
            .map(|s| mix(s, channels, |x| f32::from(x) / 32_768.0)),
        cpal::SampleFormat::I32 => data
            .as_slice::<i32>()
            .map(|s| mix(s, channels, |x| x as f32 / 2_147_483_648.0)),
        cpal::SampleFormat::U8 => data
            .as_slice::<u8>()
            .map(|s| mix(s, channels, |x| (f32::from(x) - 128.0) / 128.0)),
        _ => None,
    }
}
