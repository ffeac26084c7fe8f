//! Listing capture devices with stable ids, human names and their kind.

use std::str::FromStr;

use cpal::traits::{DeviceTrait, HostTrait};

use super::CaptureError;

/// What a capture device hears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DeviceKind {
    /// A microphone (or other input): the agent.
    Microphone,
    /// What the computer plays (a sink's monitor, a loopback): the customer on a softphone.
    System,
}

impl DeviceKind {
    /// The kind in words, for messages.
    pub fn noun(self) -> &'static str {
        match self {
            DeviceKind::Microphone => "microphone",
            DeviceKind::System => "system audio source",
        }
    }
}

/// A device that can be one side of a live call.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CaptureDevice {
    /// Stable across restarts (`pulseaudio:alsa_input.usb-…`, `wasapi:{…}`): remember this one.
    pub id: String,
    /// What the system calls it ("Built-in Audio Analog Stereo", "Monitor of Speakers").
    pub name: String,
    pub kind: DeviceKind,
    /// The system's default of its kind.
    pub is_default: bool,
}

/// Why system audio cannot be captured here, or `None` where it can.
pub fn system_audio_unsupported() -> Option<&'static str> {
    if cfg!(target_os = "macos") {
        Some("macOS is not supported yet (it needs a virtual audio device or ScreenCaptureKit); only the microphone is captured")
    } else if cfg!(target_os = "linux") && cpal::default_host().id().name() == "ALSA" {
        Some("no PulseAudio or PipeWire server was found (XDG_RUNTIME_DIR or PULSE_SERVER unset, or the server is not running); ALSA cannot open sink monitors")
    } else {
        None
    }
}

/// Every microphone and system audio source, defaults first within each kind.
pub fn list_devices() -> Result<Vec<CaptureDevice>, CaptureError> {
    let host = cpal::default_host();
    let list_err = |e: cpal::Error| CaptureError::List {
        detail: e.to_string(),
    };
    let default_input = host
        .default_input_device()
        .and_then(|d| d.id().ok())
        .map(|id| id.to_string());
    let default_output = host
        .default_output_device()
        .and_then(|d| d.id().ok())
        .map(|id| id.to_string());
    let mut found = Vec::new();
    for device in host.input_devices().map_err(list_err)? {
        let Some((id, name)) = id_and_name(&device) else {
            continue;
        };
        let kind = if is_monitor(&id) {
            DeviceKind::System
        } else {
            DeviceKind::Microphone
        };
        let is_default = match kind {
            DeviceKind::Microphone => default_input.as_deref() == Some(id.as_str()),
            DeviceKind::System => default_output
                .as_ref()
                .is_some_and(|sink| format!("{sink}.monitor") == id),
        };
        found.push(CaptureDevice {
            id,
            name,
            kind,
            is_default,
        });
    }
    if cfg!(target_os = "windows") {
        // WASAPI captures what an output device plays by opening it for input (loopback).
        for device in host.output_devices().map_err(list_err)? {
            let Some((id, name)) = id_and_name(&device) else {
                continue;
            };
            let is_default = default_output.as_deref() == Some(id.as_str());
            found.push(CaptureDevice {
                id,
                name,
                kind: DeviceKind::System,
                is_default,
            });
        }
    }
    found.sort_by_key(|d| (d.kind != DeviceKind::Microphone, !d.is_default));
    Ok(found)
}

/// A device's stable id and its name (the id when it has none); `None` without an id.
fn id_and_name(device: &cpal::Device) -> Option<(String, String)> {
    let id = device.id().ok()?.to_string();
    let name = device.description().map(|d| d.name().to_string()).unwrap_or_else(|_| id.clone());
    Some((id, name))
}

/// The device for the `kind` side that `query` names: `default`, a device's id or exact name
/// (of any kind: a monitor can stand in for a microphone), or a unique part of the name of a
/// device of `kind`.
pub fn find_device(query: &str, kind: DeviceKind) -> Result<CaptureDevice, CaptureError> {
    if kind == DeviceKind::System {
        if let Some(reason) = system_audio_unsupported() {
            return Err(CaptureError::SystemAudioUnsupported { reason });
        }
    }
    let all = list_devices()?;
    if let Some(d) = all.iter().find(|d| d.id == query || d.name == query) {
        return Ok(d.clone());
    }
    let devices: Vec<CaptureDevice> = all.into_iter().filter(|d| d.kind == kind).collect();
    if query == "default" {
        return devices
            .into_iter()
            .find(|d| d.is_default)
            .ok_or(CaptureError::NoDefault { kind: kind.noun() });
    }
    let missing = || CaptureError::NoSuchDevice {
        kind: kind.noun(),
        query: query.to_string(),
    };
    let needle = query.to_lowercase();
    let mut partial = devices.into_iter().filter(|d| {
        d.name.to_lowercase().contains(&needle) || d.id.to_lowercase().contains(&needle)
    });
    match (partial.next(), partial.next()) {
        (Some(d), None) => Ok(d),
        _ => Err(missing()),
    }
}

/// The cpal device behind `device`, opened fresh (it may have gone since it was listed).
pub(crate) fn open(device: &CaptureDevice) -> Result<cpal::Device, CaptureError> {
    let open_err = |detail: String| CaptureError::Open {
        device: device.name.clone(),
        detail,
    };
    let id = cpal::DeviceId::from_str(&device.id).map_err(|e| open_err(e.to_string()))?;
    let host = cpal::host_from_id(id.host()).map_err(|e| open_err(e.to_string()))?;
    host.device_by_id(&id)
        .ok_or_else(|| open_err("it is no longer there (unplugged or removed?)".into()))
}

/// A PulseAudio/PipeWire monitor source: what a sink plays.
fn is_monitor(id: &str) -> bool {
    id.ends_with(".monitor")
}
