//! Admin sessions and API tokens, stored under the blake3 hash of their secret.

use super::{Db, Result, codec, tables::*};
use crate::domain::{ApiToken, Session};

impl Db {
    pub fn put_session(&self, token_hash: &[u8; 32], s: &Session) -> Result<()> {
        let txn = self.write()?;
        txn.open_table(SESSIONS)?.insert(token_hash, codec::encode(s)?.as_slice())?;
        txn.commit()?;
        Ok(())
    }

    pub fn session(&self, token_hash: &[u8; 32]) -> Result<Option<Session>> {
        let txn = self.read()?;
        let t = txn.open_table(SESSIONS)?;
        t.get(token_hash)?.map(|v| codec::decode(v.value())).transpose()
    }

    pub fn remove_session(&self, token_hash: &[u8; 32]) -> Result<()> {
        let txn = self.write()?;
        txn.open_table(SESSIONS)?.remove(token_hash)?;
        txn.commit()?;
        Ok(())
    }

    /// Drops every session (after a password change) or only the expired ones.
    pub fn prune_sessions(&self, now: u64, all: bool) -> Result<()> {
        let txn = self.write()?;
        {
            let mut t = txn.open_table(SESSIONS)?;
            t.retain(|_, v| !all && codec::decode::<Session>(v).is_ok_and(|s| s.expires_ms > now))?;
        }
        txn.commit()?;
        Ok(())
    }

    pub fn put_api_token(&self, token_hash: &[u8; 32], t: &ApiToken) -> Result<()> {
        let txn = self.write()?;
        txn.open_table(API_TOKENS)?.insert(token_hash, codec::encode(t)?.as_slice())?;
        txn.commit()?;
        Ok(())
    }

    /// Every API token as (hash, record), oldest first.
    pub fn api_tokens(&self) -> Result<Vec<([u8; 32], ApiToken)>> {
        use redb::ReadableTable;
        let txn = self.read()?;
        let t = txn.open_table(API_TOKENS)?;
        let mut out = Vec::new();
        for row in t.iter()? {
            let (k, v) = row?;
            out.push((*k.value(), codec::decode::<ApiToken>(v.value())?));
        }
        out.sort_by_key(|(_, t)| t.created_ms);
        Ok(out)
    }

    /// Revokes a token; false when there was none with that hash.
    pub fn remove_api_token(&self, token_hash: &[u8; 32]) -> Result<bool> {
        let txn = self.write()?;
        let removed = txn.open_table(API_TOKENS)?.remove(token_hash)?.is_some();
        txn.commit()?;
        Ok(removed)
    }

    pub fn api_token(&self, token_hash: &[u8; 32]) -> Result<Option<ApiToken>> {
        let txn = self.read()?;
        let t = txn.open_table(API_TOKENS)?;
        t.get(token_hash)?.map(|v| codec::decode(v.value())).transpose()
    }
}
