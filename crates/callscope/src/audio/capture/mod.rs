//! Sound devices as the two sides of a live call: the agent's microphone and the customer's
//! system audio (what the softphone plays).
//!
//! Linux captures system audio from the PulseAudio/PipeWire monitor of a sink; Windows from
//! WASAPI loopback of an output device; macOS captures the microphone only (system audio is
//! not supported there yet; `list_devices` lists no system source and says why).
//! A `DeviceCapture` feeds one side of an `audio::live::LiveCall`.

mod devices;
mod error;
mod session;
mod stream;

pub use devices::{find_device, list_devices, system_audio_unsupported, CaptureDevice, DeviceKind};
pub use error::CaptureError;
pub use session::{DeviceCall, DeviceCallSetup};
pub use stream::DeviceCapture;
