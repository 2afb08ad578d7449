//! Users, sign-in sessions and API tokens. Secrets are stored only as hashes:
//! argon2id for passwords, SHA-256 for random session ids and tokens.

use redb::ReadableTable;
use serde::{Deserialize, Serialize};

use super::audit::hash_bytes;
use super::codec::{decode, encode};
use super::error::{Result, StoreError};
use super::tables::*;
use super::{AuditSpec, Store};
use crate::domain::{UserRole, time::Millis};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    pub username: String,
    pub role: UserRole,
    /// The agent id an `agent` user acts as.
    pub agent: Option<String>,
    /// Argon2id PHC string.
    pub password_hash: String,
    pub active: bool,
    pub created: Millis,
    pub locale: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub username: String,
    pub created: Millis,
    pub expires: Millis,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiToken {
    /// Public identifier (first characters of the token's hash), for listing and revoking.
    pub id: String,
    pub name: String,
    pub username: String,
    pub created: Millis,
    pub revoked: Option<Millis>,
}

/// The hash the audit trail records for a row whose key matters (a token's or a
/// session's secret hash): moving a row under another key changes it.
pub fn keyed_hash(key: &[u8], value: &[u8]) -> [u8; 32] {
    hash_bytes(&[key, value].concat())
}

/// The audit target naming a session: the first bytes of its secret's hash.
pub fn session_target(secret_hash: &[u8]) -> String {
    format!("session:{}", hex::encode(&secret_hash[..6]))
}

impl Store {
    pub fn user(&self, name: &str) -> Result<Option<User>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(USERS)?;
        t.get(name)?.map(|v| decode(v.value(), "user")).transpose()
    }

    pub fn users(&self) -> Result<Vec<User>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(USERS)?;
        let mut out = Vec::new();
        for item in t.iter()? {
            out.push(decode(item?.1.value(), "user")?);
        }
        Ok(out)
    }

    pub fn user_count(&self) -> Result<u64> {
        use redb::ReadableTableMetadata;
        let txn = self.begin_read()?;
        Ok(txn.open_table(USERS)?.len()?)
    }

    /// Creates a user; fails if the name is taken.
    pub fn create_user(&self, spec: AuditSpec, user: User) -> Result<()> {
        self.write(spec, |tx| {
            if tx.users.get(user.username.as_str())?.is_some() {
                return Err(StoreError::Conflict(format!("user {:?} exists already", user.username)));
            }
            tx.put_user(&user)
        })
    }

    /// Changes a user with `f`; fails if there is no such user.
    pub fn update_user(&self, spec: AuditSpec, name: &str, f: impl FnOnce(&mut User)) -> Result<User> {
        self.write(spec, |tx| {
            let mut u: User = match tx.users.get(name)? {
                Some(v) => decode(v.value(), "user")?,
                None => return Err(StoreError::NotFound(format!("user {name:?}"))),
            };
            let old_hash = u.password_hash.clone();
            f(&mut u);
            tx.put_user(&u)?;
            // A deactivated user, or a new password, ends every session of the user.
            if !u.active || u.password_hash != old_hash {
                tx.drop_sessions_of(name)?;
            }
            Ok(u)
        })
    }

    pub fn create_session(&self, spec: AuditSpec, secret_hash: &[u8; 32], s: &Session) -> Result<()> {
        self.write(spec, |tx| {
            let bytes = encode(s);
            tx.data_hash = Some(keyed_hash(secret_hash, &bytes));
            tx.sessions.insert(secret_hash.as_slice(), bytes.as_slice())?;
            Ok(())
        })
    }

    pub fn session(&self, secret_hash: &[u8; 32]) -> Result<Option<Session>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(SESSIONS)?;
        t.get(secret_hash.as_slice())?.map(|v| decode(v.value(), "session")).transpose()
    }

    pub fn end_session(&self, spec: AuditSpec, secret_hash: &[u8; 32]) -> Result<bool> {
        self.write(spec, |tx| Ok(tx.sessions.remove(secret_hash.as_slice())?.is_some()))
    }

    pub fn create_token(&self, spec: AuditSpec, token_hash: &[u8; 32], t: &ApiToken) -> Result<()> {
        self.write(spec, |tx| tx.put_token(token_hash, t))
    }

    pub fn token(&self, token_hash: &[u8; 32]) -> Result<Option<ApiToken>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(TOKENS)?;
        t.get(token_hash.as_slice())?.map(|v| decode(v.value(), "token")).transpose()
    }

    pub fn tokens(&self) -> Result<Vec<ApiToken>> {
        let txn = self.begin_read()?;
        let t = txn.open_table(TOKENS)?;
        let mut out = Vec::new();
        for item in t.iter()? {
            out.push(decode(item?.1.value(), "token")?);
        }
        out.sort_by_key(|t: &ApiToken| t.created);
        Ok(out)
    }

    pub fn revoke_token(&self, spec: AuditSpec, id: &str, now: Millis) -> Result<ApiToken> {
        self.write(spec, |tx| {
            let mut found = None;
            for item in tx.tokens.iter()? {
                let (k, v) = item?;
                let t: ApiToken = decode(v.value(), "token")?;
                if t.id == id {
                    found = Some((k.value().to_vec(), t));
                    break;
                }
            }
            let Some((key, mut t)) = found else {
                return Err(StoreError::NotFound(format!("token {id:?}")));
            };
            t.revoked.get_or_insert(now);
            let key: [u8; 32] = key.try_into().map_err(|_| StoreError::Corrupt("token key".into()))?;
            tx.put_token(&key, &t)?;
            Ok(t)
        })
    }
}

impl super::Tx<'_> {
    pub(crate) fn put_user(&mut self, u: &User) -> Result<()> {
        let bytes = encode(u);
        self.data_hash = Some(hash_bytes(&bytes));
        self.users.insert(u.username.as_str(), bytes.as_slice())?;
        Ok(())
    }

    fn put_token(&mut self, key: &[u8; 32], t: &ApiToken) -> Result<()> {
        let bytes = encode(t);
        self.data_hash = Some(keyed_hash(key, &bytes));
        self.tokens.insert(key.as_slice(), bytes.as_slice())?;
        Ok(())
    }

    fn drop_sessions_of(&mut self, name: &str) -> Result<()> {
        let mut doomed = Vec::new();
        for item in self.sessions.iter()? {
            let (k, v) = item?;
            let s: Session = decode(v.value(), "session")?;
            if s.username == name {
                doomed.push(k.value().to_vec());
            }
        }
        for k in doomed {
            self.sessions.remove(k.as_slice())?;
        }
        Ok(())
    }
}
