//! Secrets in the OS keyring (Secret Service on Linux, Keychain, Credential Manager): the
//! embedded server's JWT signing secret and the tokens of remote profiles. Never in files.

use std::collections::HashMap;
use std::sync::Mutex;

/// Keyring service name of every Opsdeck secret.
pub const SERVICE: &str = "opsdeck";
/// Account name of the embedded server's signing secret.
pub const EMBEDDED_SECRET: &str = "embedded-jwt-secret";

/// The account name of a profile's token.
pub fn profile_account(profile_id: &str) -> String {
    format!("profile:{profile_id}")
}

/// A place to keep secrets.
pub trait SecretStore: Send + Sync {
    /// The secret of `account`, if any.
    fn get(&self, account: &str) -> Result<Option<String>, String>;
    /// Stores (or replaces) a secret.
    fn set(&self, account: &str, secret: &str) -> Result<(), String>;
    /// Deletes a secret (absent is fine).
    fn delete(&self, account: &str) -> Result<(), String>;
}

/// The OS keyring.
#[derive(Debug, Default)]
pub struct Keyring;

impl SecretStore for Keyring {
    fn get(&self, account: &str) -> Result<Option<String>, String> {
        let entry = keyring::Entry::new(SERVICE, account).map_err(|e| e.to_string())?;
        match entry.get_password() {
            Ok(s) => Ok(Some(s)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }
    fn set(&self, account: &str, secret: &str) -> Result<(), String> {
        keyring::Entry::new(SERVICE, account)
            .and_then(|e| e.set_password(secret))
            .map_err(|e| e.to_string())
    }
    fn delete(&self, account: &str) -> Result<(), String> {
        let entry = keyring::Entry::new(SERVICE, account).map_err(|e| e.to_string())?;
        match entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(e) => Err(e.to_string()),
        }
    }
}

/// Secrets in memory: used when no keyring is reachable (then nothing survives a restart,
/// and the UI says so), and in tests.
#[derive(Debug, Default)]
pub struct MemoryStore(Mutex<HashMap<String, String>>);

impl SecretStore for MemoryStore {
    fn get(&self, account: &str) -> Result<Option<String>, String> {
        Ok(self
            .0
            .lock()
            .map_err(|e| e.to_string())?
            .get(account)
            .cloned())
    }
    fn set(&self, account: &str, secret: &str) -> Result<(), String> {
        self.0
            .lock()
            .map_err(|e| e.to_string())?
            .insert(account.to_owned(), secret.to_owned());
        Ok(())
    }
    fn delete(&self, account: &str) -> Result<(), String> {
        self.0.lock().map_err(|e| e.to_string())?.remove(account);
        Ok(())
    }
}

/// The OS keyring if it answers, else memory (with the reason, for the UI and the log).
pub fn open() -> (Box<dyn SecretStore>, Option<String>) {
    let probe = Keyring.get(EMBEDDED_SECRET);
    match probe {
        Ok(_) => (Box::new(Keyring), None),
        Err(e) => {
            tracing::warn!(error = %e, "OS keyring unavailable; secrets will not persist");
            (Box::new(MemoryStore::default()), Some(e))
        }
    }
}

/// The embedded server's signing secret, created on first use.
pub fn embedded_secret(store: &dyn SecretStore) -> Result<String, String> {
    if let Some(s) = store.get(EMBEDDED_SECRET)?.filter(|s| s.len() >= 32) {
        return Ok(s);
    }
    let secret: String = (0..48)
        .map(|_| {
            const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
            CHARS[rand::random_range(0..CHARS.len())] as char
        })
        .collect();
    store.set(EMBEDDED_SECRET, &secret)?;
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_secret_is_created_once() {
        let store = MemoryStore::default();
        let a = embedded_secret(&store).unwrap();
        let b = embedded_secret(&store).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.len(), 48);
        store.delete(EMBEDDED_SECRET).unwrap();
        assert_ne!(embedded_secret(&store).unwrap(), a);
    }

    #[test]
    fn profile_tokens_are_separate_accounts() {
        let store = MemoryStore::default();
        store.set(&profile_account("a"), "t1").unwrap();
        assert_eq!(
            store.get(&profile_account("a")).unwrap().as_deref(),
            Some("t1")
        );
        assert_eq!(store.get(&profile_account("b")).unwrap(), None);
        store.delete(&profile_account("a")).unwrap();
        store.delete(&profile_account("a")).unwrap();
        assert_eq!(store.get(&profile_account("a")).unwrap(), None);
    }
}
