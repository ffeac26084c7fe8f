/// Why a device could not be listed or opened.
#[derive(Debug, thiserror::Error)]
pub enum CaptureError {
    #[error("the sound devices cannot be listed: {detail}; check that the sound server (PulseAudio/PipeWire) is running")]
    List { detail: String },
    #[error("no {kind} matches {query:?}; `callscope devices` lists them")]
    NoSuchDevice { kind: &'static str, query: String },
    #[error("there is no default {kind}; name one (`callscope devices` lists them)")]
    NoDefault { kind: &'static str },
    #[error("{device} cannot be opened for capture: {detail}")]
    Open { device: String, detail: String },
    #[error("{device} delivers {format} samples, which cannot be captured; choose another device")]
    UnsupportedFormat { device: String, format: String },
    #[error(
        "neither a microphone nor a system audio source was chosen: there is nothing to capture"
    )]
    NothingToCapture,
    #[error(transparent)]
    Recording(#[from] crate::audio::recorder::RecorderError),
    #[error("system audio cannot be captured on this system: {reason}")]
    SystemAudioUnsupported { reason: &'static str },
}
