//! `callscope keys set|delete|list`: API keys in the OS keyring (the same entries the desktop
//! app's Settings screen writes). A key is read from standard input when it is piped, else
//! typed at a prompt that does not show it; never from the command line, where shell history
//! and the process list would keep it.

use std::io::{IsTerminal, Read};

use anyhow::Context;
use callscope::config::key_variable;
use callscope::secrets::{supabase_key_warning, Keyring, SecretKind, SecretStatus};
use clap::Subcommand;

/// Subcommands of `callscope keys`.
#[derive(Subcommand)]
pub enum KeysCommand {
    /// Store a key: `callscope keys set gemini`, then paste it (or pipe it in).
    Set {
        /// Whose key: gemini, openai or supabase.
        #[arg(value_name = "gemini|openai|supabase")]
        provider: SecretKind,
    },
    /// Remove a stored key.
    Delete {
        /// Whose key: gemini, openai or supabase.
        #[arg(value_name = "gemini|openai|supabase")]
        provider: SecretKind,
    },
    /// Which keys are stored (shown masked) and which the environment sets instead.
    List,
}

/// Run a `keys` subcommand.
pub fn run(cmd: KeysCommand, keyring: &Keyring) -> anyhow::Result<()> {
    match cmd {
        KeysCommand::Set { provider } => {
            let key = read_key(provider)?;
            if provider == SecretKind::SupabaseKey {
                if let Some(warning) = supabase_key_warning(&key) {
                    eprintln!("warning: {warning}");
                }
            }
            keyring.set(provider, &key)?;
            println!("{} stored in the system keyring", provider.label());
            if let Some(variable) = key_variable(provider).filter(|v| std::env::var_os(v).is_some()) {
                eprintln!("note: ${variable} is set, so it is used instead of the stored key until it is unset");
            }
        }
        KeysCommand::Delete { provider } => {
            if keyring.remove(provider)? {
                println!("{} removed from the system keyring", provider.label());
            } else {
                println!("no {} was stored", provider.label());
            }
        }
        KeysCommand::List => {
            for kind in SecretKind::ALL {
                let state = match keyring.status(kind) {
                    SecretStatus::Stored { masked } => format!("stored {masked}"),
                    SecretStatus::Missing => "not stored".to_string(),
                    SecretStatus::Unavailable { message } => format!("unknown: {message}"),
                };
                let from_env = key_variable(kind).filter(|v| std::env::var_os(v).is_some_and(|k| !k.is_empty()));
                let note = from_env.map(|v| format!("    # ${v} is set and used instead")).unwrap_or_default();
                println!("{:<9} {state}{note}", kind.name());
            }
        }
    }
    Ok(())
}

/// The key from a pipe, or typed at a prompt that does not echo it.
fn read_key(kind: SecretKind) -> anyhow::Result<String> {
    let key = if std::io::stdin().is_terminal() {
        eprint!("{} (the input is hidden): ", kind.label());
        console::Term::stderr().read_secure_line().context("reading the key from the terminal")?
    } else {
        let mut piped = String::new();
        std::io::stdin().read_to_string(&mut piped).context("reading the key from standard input")?;
        piped
    };
    anyhow::ensure!(!key.trim().is_empty(), "no key was given; paste it at the prompt or pipe it in, e.g. `callscope keys set {} < key.txt`", kind.name());
    Ok(key)
}
