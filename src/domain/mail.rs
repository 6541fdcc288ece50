//! Outgoing mail as proofroom keeps it: every message is recorded with its status, so the
//! Outbox page shows what went out, what waits for a retry, and what failed.

use serde::{Deserialize, Serialize};

use super::{Hash, MailId};

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Mail {
    pub id: MailId,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The studio logo the HTML shows as `cid:logo`, attached when the message is sent.
    #[serde(default)]
    pub logo: Option<Hash>,
    /// Pictures the HTML shows as `cid:view-<n>` (room views of an order), JPEG blobs.
    #[serde(default)]
    pub pictures: Vec<Hash>,
    pub created_ms: u64,
    pub status: MailStatus,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum MailStatus {
    /// Waiting to be sent; `last_error` says why the last try failed, if one did.
    Queued { attempts: u32, last_error: Option<String> },
    /// Handed to the SMTP server, or written to the outbox folder (`via`).
    Sent { at_ms: u64, via: String },
    /// Given up on; the message stays listed with the reason.
    Failed { error: String },
}
