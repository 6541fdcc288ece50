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
    /// Set for the journey's messages (not transactional ones): they carry a one-click
    /// unsubscribe, and are not sent once their gallery is deleted or the address has
    /// unsubscribed.
    #[serde(default)]
    pub journey: Option<JourneyMail>,
}

/// What a journey message carries besides its words.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct JourneyMail {
    pub gallery: super::GalleryId,
    /// The one-click unsubscribe address (RFC 8058) for its `List-Unsubscribe` header.
    pub unsubscribe: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(tag = "state", rename_all = "lowercase")]
pub enum MailStatus {
    /// Waiting to be sent; `last_error` says why the last try failed, if one did.
    Queued { attempts: u32, last_error: Option<String> },
    /// Being handed to the SMTP server (journey messages only): found so after a restart,
    /// it may have arrived, and is not sent again, so nobody gets it twice.
    Sending { since_ms: u64 },
    /// Handed to the SMTP server, or written to the outbox folder (`via`).
    Sent { at_ms: u64, via: String },
    /// Given up on; the message stays listed with the reason.
    Failed { error: String },
}
