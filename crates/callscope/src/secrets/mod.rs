//! API keys in the operating system's keyring (Secret Service on Linux, Keychain on macOS,
//! Credential Manager on Windows): never in SQLite, settings files or logs.
//!
//! Only storing and reading are here; the job builder reads the chosen provider's key through
//! `Keyring::get` (after the environment's, see `config::env`), and Supabase sync will too.

use std::sync::Arc;

use keyring_core::{CredentialStore, Entry, Error as KeyringError};

mod kind;

pub use kind::SecretKind;

/// The keyring service name every Callscope key is filed under.
pub const SERVICE: &str = "app.callscope.desktop";

/// Why a key could not be stored, read or removed. Messages never contain the key.
#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    /// No keyring service answers (on Linux: no Secret Service daemon on the session bus).
    #[error("the system keyring is not available ({detail}). On Linux, Callscope keeps keys in the Secret Service: start GNOME Keyring, KWallet or KeePassXC with its Secret Service enabled, unlock it, then restart Callscope. No key was stored or changed")]
    Unavailable { detail: String },

    /// The keyring is there but locked, or refused access.
    #[error("the system keyring refused access to the {label} ({detail}); unlock the keyring (log in again or open your password manager) and try again")]
    Locked { label: &'static str, detail: String },

    /// The value given is not a usable key.
    #[error("the {label} {detail}")]
    Invalid { label: &'static str, detail: String },

    /// The keyring answered with something unusable.
    #[error("the system keyring could not handle the {label} ({detail}); remove the key and enter it again")]
    Keyring { label: &'static str, detail: String },
}

/// Whether a key is stored, as the settings screen shows it (never the key itself).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SecretStatus {
    /// Stored; `masked` shows at most its last four characters, e.g. `••••1234`.
    Stored { masked: String },
    /// Nothing stored.
    Missing,
    /// The keyring could not be asked; the message says why and what to do.
    Unavailable { message: String },
}

/// Where keys are kept: the operating system's keyring, or another keyring store.
#[derive(Clone)]
pub struct Keyring {
    backend: Backend,
    service: String,
}

#[derive(Clone)]
enum Backend {
    /// The platform's keyring, connected on first use.
    Os,
    /// A given store (keyring-core's mock store in tests, or any other keyring store).
    Store(Arc<CredentialStore>),
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let backend = match &self.backend {
            Backend::Os => "os",
            Backend::Store(_) => "store",
        };
        f.debug_struct("Keyring")
            .field("backend", &backend)
            .field("service", &self.service)
            .finish()
    }
}

/// Longest key accepted (real API keys and Supabase JWTs are far shorter).
const MAX_KEY_CHARS: usize = 4096;

impl Keyring {
    /// The operating system's keyring. Nothing is contacted until a key is read or written.
    pub fn os() -> Keyring {
        Keyring {
            backend: Backend::Os,
            service: SERVICE.to_string(),
        }
    }

    /// Keys kept in `store` under `service` (tests use `keyring_core::mock::Store`).
    pub fn with_store(store: Arc<CredentialStore>, service: &str) -> Keyring {
        Keyring {
            backend: Backend::Store(store),
            service: service.to_string(),
        }
    }

    /// The stored key of this kind, or `None` when there is none.
    pub fn get(&self, kind: SecretKind) -> Result<Option<String>, SecretError> {
        match self.entry(kind)?.get_password() {
            Ok(key) => Ok(Some(key)),
            Err(KeyringError::NoEntry) => Ok(None),
            Err(e) => Err(classify(kind, e)),
        }
    }

    /// Store `key` (surrounding spaces and line breaks from pasting are dropped), replacing any
    /// stored one.
    pub fn set(&self, kind: SecretKind, key: &str) -> Result<(), SecretError> {
        let key = checked_key(kind, key)?;
        self.entry(kind)?
            .set_password(key)
            .map_err(|e| classify(kind, e))?;
        tracing::info!(key = kind.account(), "key stored in the system keyring");
        Ok(())
    }

    /// Remove the stored key; returns whether there was one.
    pub fn remove(&self, kind: SecretKind) -> Result<bool, SecretError> {
        match self.entry(kind)?.delete_credential() {
            Ok(()) => {
                tracing::info!(key = kind.account(), "key removed from the system keyring");
                Ok(true)
            }
            Err(KeyringError::NoEntry) => Ok(false),
            Err(e) => Err(classify(kind, e)),
        }
    }

    /// Whether a key of this kind is stored, for display.
    pub fn status(&self, kind: SecretKind) -> SecretStatus {
        match self.get(kind) {
            Ok(Some(key)) => SecretStatus::Stored {
                masked: masked(&key),
            },
            Ok(None) => SecretStatus::Missing,
            Err(e) => SecretStatus::Unavailable {
                message: e.to_string(),
            },
        }
    }

    fn entry(&self, kind: SecretKind) -> Result<Entry, SecretError> {
        let built = match &self.backend {
            Backend::Os => keyring::Entry::new(&self.service, kind.account()).map(|e| e.inner),
            Backend::Store(store) => store.build(&self.service, kind.account(), None),
        };
        built.map_err(|e| match e {
            // The platform store failed to start; its own error says why.
            KeyringError::NoDefaultStore => SecretError::Unavailable {
                detail: match keyring::Entry::store_status() {
                    Err(cause) => cause.to_string(),
                    Ok(()) => e.to_string(),
                },
            },
            other => classify(kind, other),
        })
    }
}

/// A key shown without revealing it: `••••` and, for keys long enough that four characters
/// give nothing away, its last four.
pub fn masked(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    if chars.len() >= 12 {
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("••••{tail}")
    } else {
        "••••".to_string()
    }
}

/// A warning when a Supabase key bypasses row-level security (a `sb_secret_…` key or a
/// service_role JWT): a desktop app should hold only the publishable/anon key.
pub fn supabase_key_warning(key: &str) -> Option<&'static str> {
    let key = key.trim();
    let service_role = key.starts_with("sb_secret_")
        || key
            .split('.')
            .nth(1)
            .and_then(base64url_decode)
            .is_some_and(|payload| {
                serde_json::from_slice::<serde_json::Value>(&payload)
                    .ok()
                    .and_then(|claims| claims.get("role").cloned())
                    == Some(serde_json::Value::from("service_role"))
            });
    service_role.then_some(
        "this is a secret (service_role) key: it bypasses row-level security, so anyone with this computer can read and change every team call. Use the project's publishable (anon) key instead",
    )
}

fn checked_key(kind: SecretKind, key: &str) -> Result<&str, SecretError> {
    let key = key.trim();
    let invalid = |detail: &str| SecretError::Invalid {
        label: kind.label(),
        detail: detail.to_string(),
    };
    if key.is_empty() {
        return Err(invalid("is empty; paste the key and save again"));
    }
    if key.chars().count() > MAX_KEY_CHARS {
        return Err(invalid(&format!(
            "is longer than {MAX_KEY_CHARS} characters; check that only the key was pasted"
        )));
    }
    if key.chars().any(char::is_control) {
        return Err(invalid(
            "contains line breaks or control characters; paste the key alone",
        ));
    }
    Ok(key)
}

/// What the user can do about a keyring error. The error's text never holds the key (a
/// `BadEncoding` carries bytes, which are not shown).
fn classify(kind: SecretKind, err: KeyringError) -> SecretError {
    let label = kind.label();
    match err {
        KeyringError::PlatformFailure(e) => SecretError::Unavailable {
            detail: e.to_string(),
        },
        KeyringError::NoDefaultStore => SecretError::Unavailable {
            detail: err.to_string(),
        },
        KeyringError::NoStorageAccess(e) => SecretError::Locked {
            label,
            detail: e.to_string(),
        },
        KeyringError::BadEncoding(_) => SecretError::Keyring {
            label,
            detail: "the stored value is not text".to_string(),
        },
        KeyringError::Ambiguous(entries) => SecretError::Keyring {
            label,
            detail: format!("{} entries match", entries.len()),
        },
        KeyringError::TooLong(..) | KeyringError::Invalid(..) => SecretError::Invalid {
            label,
            detail: format!("was refused by the keyring: {err}"),
        },
        other => SecretError::Keyring {
            label,
            detail: other.to_string(),
        },
    }
}

/// Unpadded base64url (a JWT segment); `None` when it is not valid.
fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    let mut bits = 0u32;
    let mut held = 0u32;
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    for byte in text.trim_end_matches('=').bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(value);
        held += 6;
        if held >= 8 {
            held -= 8;
            out.push((bits >> held) as u8);
            bits &= (1 << held) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyring_core::mock;

    fn keyring() -> Keyring {
        let store = mock::Store::new().expect("mock keyring store");
        Keyring::with_store(store, "callscope-test")
    }

    #[test]
    fn a_stored_key_is_read_back_and_shown_masked() {
        let keys = keyring();
        keys.set(SecretKind::GeminiApiKey, "  AIzaSyExampleKey0001234\n")
            .expect("store");
        assert_eq!(
            keys.get(SecretKind::GeminiApiKey).expect("read").as_deref(),
            Some("AIzaSyExampleKey0001234")
        );
        assert_eq!(
            keys.status(SecretKind::GeminiApiKey),
            SecretStatus::Stored {
                masked: "••••1234".into()
            }
        );
        assert_eq!(keys.status(SecretKind::OpenAiApiKey), SecretStatus::Missing);
    }

    #[test]
    fn a_replaced_key_wins_and_a_removed_key_is_gone() {
        let keys = keyring();
        keys.set(SecretKind::OpenAiApiKey, "sk-first-key-000000")
            .expect("store");
        keys.set(SecretKind::OpenAiApiKey, "sk-second-key-99999")
            .expect("replace");
        assert_eq!(
            keys.get(SecretKind::OpenAiApiKey).expect("read").as_deref(),
            Some("sk-second-key-99999")
        );
        assert!(keys.remove(SecretKind::OpenAiApiKey).expect("remove"));
        assert_eq!(keys.get(SecretKind::OpenAiApiKey).expect("read"), None);
        assert!(!keys.remove(SecretKind::OpenAiApiKey).expect("remove again"));
    }

    #[test]
    fn an_empty_or_multi_line_key_is_refused_with_its_name() {
        let keys = keyring();
        let empty = keys.set(SecretKind::SupabaseKey, "   ").unwrap_err();
        assert!(empty.to_string().contains("Supabase key is empty"), "{empty}");
        let two_lines = keys
            .set(SecretKind::GeminiApiKey, "key-one\nkey-two")
            .unwrap_err();
        assert!(two_lines.to_string().contains("line breaks"), "{two_lines}");
        assert_eq!(keys.get(SecretKind::SupabaseKey).expect("read"), None);
    }

    #[test]
    fn a_locked_keyring_says_to_unlock_it_without_showing_the_key() {
        let keys = keyring();
        keys.set(SecretKind::GeminiApiKey, "AIzaSyLockedKey5678")
            .expect("store");
        let entry = keys.entry(SecretKind::GeminiApiKey).expect("entry");
        let cred: &mock::Cred = entry.as_any().downcast_ref().expect("a mock credential");
        cred.set_error(KeyringError::NoStorageAccess("collection is locked".into()));
        let status = keys.status(SecretKind::GeminiApiKey);
        let SecretStatus::Unavailable { message } = status else {
            panic!("expected the keyring to be reported unavailable, got {status:?}");
        };
        assert!(message.contains("unlock the keyring"), "{message}");
        assert!(!message.contains("5678"), "{message}");
    }

    #[test]
    fn short_keys_are_masked_without_any_of_their_characters() {
        assert_eq!(masked("abc"), "••••");
        assert_eq!(masked("sk-0123456789abcd"), "••••abcd");
    }

    #[test]
    fn a_service_role_supabase_key_is_warned_about_and_an_anon_key_is_not() {
        // Header and payload of real-shaped Supabase JWTs (signature irrelevant here).
        let service = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJvbGUiOiJzZXJ2aWNlX3JvbGUifQ.sig";
        let anon = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJvbGUiOiJhbm9uIn0.sig";
        assert!(supabase_key_warning(service).is_some());
        assert!(supabase_key_warning("sb_secret_abc123").is_some());
        assert!(supabase_key_warning(anon).is_none());
        assert!(supabase_key_warning("sb_publishable_abc123").is_none());
    }
}
