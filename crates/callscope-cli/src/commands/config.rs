//! `callscope config get|set|list`: the settings the desktop app and the command line share
//! (`settings.json` in the data folder; environment variables override, as `list` shows).

use anyhow::Context;
use callscope::config::{ConfigStore, SettingKey};
use clap::Subcommand;

/// Subcommands of `callscope config`.
#[derive(Subcommand)]
pub enum ConfigCommand {
    /// Every setting with its value, where that value comes from and what it does.
    List,
    /// Print one setting's value.
    Get {
        /// The setting's name (see `callscope config list`).
        key: String,
    },
    /// Change one setting (saved for the desktop app and later commands).
    Set {
        /// The setting's name (see `callscope config list`).
        key: String,
        /// The new value.
        value: String,
    },
}

/// Run a `config` subcommand.
pub fn run(cmd: ConfigCommand, config: &ConfigStore) -> anyhow::Result<()> {
    match cmd {
        ConfigCommand::List => {
            let (settings, overrides) = config.effective();
            println!("# {}", config.path().display());
            for key in SettingKey::ALL {
                let origin = match overrides.iter().find(|o| o.key == key.name) {
                    Some(o) => format!("from ${}", o.variable),
                    None => "from the settings file or default".to_string(),
                };
                println!("{} = {}    # {}; {}", key.name, key.get(&settings), origin, key.description);
            }
        }
        ConfigCommand::Get { key } => {
            let key = SettingKey::named(&key)?;
            println!("{}", key.get(&config.get()));
        }
        ConfigCommand::Set { key, value } => {
            let key = SettingKey::named(&key)?;
            let changed = key.set(&config.stored(), &value)?;
            let saved = config.save(changed).with_context(|| format!("saving {}", config.path().display()))?;
            let (effective, overrides) = config.effective();
            println!("{} = {}", key.name, key.get(&saved));
            if let Some(o) = overrides.iter().find(|o| o.key == key.name) {
                eprintln!("note: ${} is set, so {} is {} until it is unset", o.variable, key.name, key.get(&effective));
            }
        }
    }
    Ok(())
}
