//! A live call captured from sound devices: the shell's one call to start and stop recording.

use std::path::PathBuf;
use std::sync::mpsc::Sender;

use super::{CaptureDevice, CaptureError, DeviceCapture};
use crate::audio::live::{CallSide, LiveAudioConsumer, LiveCall, LiveCallSetup, LiveEvent};
use crate::audio::recorder::{FinishedRecording, Recorder, RecorderError, RecordingInfo};

/// What to capture and where to record it.
pub struct DeviceCallSetup {
    /// The agent's microphone; `None` leaves the agent's channel silent.
    pub microphone: Option<CaptureDevice>,
    /// The customer's system audio source; `None` leaves the customer's channel silent.
    pub system: Option<CaptureDevice>,
    /// The recordings folder (`DataLocation::recordings`).
    pub recordings: PathBuf,
    /// Who gets each side's 16 kHz samples live (the streaming transcriber).
    pub consumer: Option<Box<dyn LiveAudioConsumer>>,
}

/// A call being captured from devices and recorded; `stop` ends it.
pub struct DeviceCall {
    call: LiveCall,
    captures: Vec<DeviceCapture>,
}

impl DeviceCall {
    /// Open the recording and the devices and start the call; its events go to `events`.
    /// Fails (leaving nothing behind) when no device is given or one cannot be opened.
    pub fn start(
        setup: DeviceCallSetup,
        events: Sender<LiveEvent>,
    ) -> Result<DeviceCall, CaptureError> {
        if setup.microphone.is_none() && setup.system.is_none() {
            return Err(CaptureError::NothingToCapture);
        }
        let info = RecordingInfo {
            started_at: now_rfc3339(),
            agent_device: setup.microphone.as_ref().map(|d| d.name.clone()),
            customer_device: setup.system.as_ref().map(|d| d.name.clone()),
        };
        let recorder = Recorder::create(&setup.recordings, info.clone())?;
        let call = LiveCall::start(
            LiveCallSetup {
                recorder,
                agent: info.agent_device.clone(),
                customer: info.customer_device.clone(),
                consumer: setup.consumer,
            },
            events,
        )?;
        // Devices take a second or two to start: both are opened at once.
        let opened: Vec<Result<DeviceCapture, CaptureError>> = std::thread::scope(|scope| {
            let starts: Vec<_> = [(CallSide::Agent, &setup.microphone), (CallSide::Customer, &setup.system)]
                .into_iter()
                .filter_map(|(side, device)| Some((device.as_ref()?, call.sender(side)?)))
                .map(|(device, sender)| scope.spawn(move || DeviceCapture::start(device, sender)))
                .collect();
            starts
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err(CaptureError::Open { device: "a capture device".into(), detail: "its start-up failed unexpectedly".into() })))
                .collect()
        });
        let mut captures = Vec::new();
        for result in opened {
            match result {
                Ok(capture) => captures.push(capture),
                Err(e) => {
                    drop(captures);
                    discard(call.stop());
                    return Err(e);
                }
            }
        }
        Ok(DeviceCall { call, captures })
    }

    /// Stop the devices, place what they sent, and finish the recording.
    pub fn stop(self) -> Result<FinishedRecording, RecorderError> {
        drop(self.captures);
        self.call.stop()
    }
}

/// Remove the recording of a call that never got going.
fn discard(finished: Result<FinishedRecording, RecorderError>) {
    match finished {
        Ok(recording) => {
            if let Err(e) = std::fs::remove_file(&recording.path) {
                tracing::warn!(path = %recording.path.display(), error = %e, "the recording of a call that did not start was not removed");
            }
        }
        Err(e) => {
            tracing::warn!(error = %e, "the recording of a call that did not start could not be closed")
        }
    }
}

fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    now.replace_nanosecond(0)
        .unwrap_or(now)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
