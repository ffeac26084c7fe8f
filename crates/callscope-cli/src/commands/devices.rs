//! `callscope devices`: the microphones and system audio sources a live call can capture.

use callscope::audio::capture::{list_devices, system_audio_unsupported, DeviceKind};
use clap::Args;

use super::calls::{fit, write_table};

/// Arguments of `callscope devices`.
#[derive(Args)]
pub struct DevicesArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
}

/// List capture devices: id (for `listen --mic/--system`), name and kind, defaults marked.
pub fn run(args: DevicesArgs) -> anyhow::Result<()> {
    let devices = list_devices()?;
    if let Some(reason) = system_audio_unsupported() {
        eprintln!("note: {reason}");
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&devices)?);
        return Ok(());
    }
    if devices.is_empty() {
        eprintln!("no capture devices were found");
        return Ok(());
    }
    let rows: Vec<Vec<String>> = devices
        .iter()
        .map(|d| {
            let kind = match d.kind {
                DeviceKind::Microphone => "microphone",
                DeviceKind::System => "system",
            };
            let default = if d.is_default { "*" } else { "" };
            vec![default.to_string(), kind.to_string(), fit(&d.name, 48), d.id.clone()]
        })
        .collect();
    write_table(&mut std::io::stdout().lock(), &["", "KIND", "NAME", "ID"], &rows)?;
    Ok(())
}
