//! Card payments through a provider (Stripe Checkout today), behind `Provider`: start a
//! hosted checkout for an amount the server computed, and read the provider's signed
//! notices. The only module that talks HTTP to the outside; it knows nothing of the
//! database. Signature checks are pure functions, tested against vectors made by Stripe's
//! own library.

mod stripe;

use std::{future::Future, pin::Pin};

pub use stripe::{Stripe, verify_signature};

#[derive(Debug, thiserror::Error)]
pub enum PaymentError {
    /// The notice's signature, timestamp or body is not what the provider would send.
    #[error("the signature does not check: {0}")]
    Signature(&'static str),
    /// The provider refused or could not be reached.
    #[error("the payment provider: {0}")]
    Provider(String),
    #[error("the notice is not JSON the provider sends: {0}")]
    Malformed(String),
}

/// What a hosted checkout is for.
pub struct CheckoutRequest {
    /// The order's id: the checkout carries it back in its notices.
    pub reference: String,
    /// What the client sees ("Order 12 · Anna & Tom").
    pub title: String,
    /// Minor units, as computed by the server.
    pub amount: i64,
    /// ISO code, lower-case for Stripe.
    pub currency: String,
    pub email: String,
    pub success_url: String,
    pub cancel_url: String,
    /// The same key for the same payment attempt, so a double click makes one session.
    pub idempotency_key: String,
}

/// Money to give back for one card payment.
pub struct RefundRequest {
    /// The provider's id of the payment, as its notice named it (a checkout session).
    pub payment: String,
    /// Minor units.
    pub amount: i64,
    /// The same key for the same refund, so a retry after a failure refunds once.
    pub idempotency_key: String,
}

/// A hosted checkout to send the client to.
pub struct Session {
    pub id: String,
    pub url: String,
}

/// A provider's notice, once its signature checked.
#[derive(Debug, PartialEq, Eq)]
pub enum Notice {
    /// Money arrived for `reference`: `amount` minor units of `currency`, identified by
    /// `payment` (the provider's id, so a repeated notice is recorded once).
    Paid { reference: String, payment: String, amount: i64, currency: String },
    /// Anything else (expired sessions, notices of other kinds): nothing to do.
    Other(String),
}

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A card payment provider.
pub trait Provider: Send + Sync {
    fn start(&self, req: CheckoutRequest) -> BoxFuture<'_, Result<Session, PaymentError>>;
    /// Checks a notice's signature (`header`) over the raw `body` at `now_s`, and reads it.
    fn notice(&self, body: &[u8], header: &str, now_s: i64) -> Result<Notice, PaymentError>;
    /// Gives a payment's money back; the answer is the provider's id of the refund.
    fn refund(&self, req: RefundRequest) -> BoxFuture<'_, Result<String, PaymentError>>;
}
