//! Card payments: a client starts a hosted checkout for what their order still owes (the
//! amount computed here, never sent by a browser), and the provider's signed notice records
//! the payment once, however often and in whatever order notices arrive.

use super::{App, AppError, Result, visit::Visit};
use crate::{
    domain::{
        Money,
        order::{CARD, OrderState},
    },
    payments::{CheckoutRequest, Notice, PaymentError, RefundRequest},
};

/// Whether clients may pay by card here.
pub fn card(app: &App) -> bool {
    app.payments.is_some()
}

fn provider_error(e: PaymentError) -> AppError {
    match e {
        PaymentError::Provider(m) => {
            tracing::warn!("card payment: {m}");
            AppError::Unavailable(
                "Card payment is not available at the moment. Try again in a minute, or pay by transfer."
                    .into(),
            )
        }
        PaymentError::Signature(m) => {
            AppError::Invalid(format!("the notice's signature does not check: {m}"))
        }
        PaymentError::Malformed(m) => AppError::Invalid(format!("the notice cannot be read: {m}")),
    }
}

/// Starts a card checkout for the visitor's order; the answer is the provider's page.
pub async fn start(app: &App, v: &Visit, id: &str) -> Result<String> {
    let provider =
        app.payments.clone().ok_or_else(|| AppError::NotFound("Card payment is not offered here.".into()))?;
    let o = super::orders::for_visit(app, v, id).await?;
    let balance = o.balance();
    if balance <= Money::ZERO || o.state.closed() || o.state.paid() {
        return Err(AppError::Invalid("This order has nothing left to pay.".into()));
    }
    let order_url = format!("{}/orders/{}", o.client_base, o.id);
    let req = CheckoutRequest {
        reference: o.id.to_string(),
        title: format!("Order {} · {}", o.number, v.gallery().title),
        amount: balance.0,
        currency: o.currency.code.clone(),
        email: o.customer.email.clone(),
        success_url: format!("{order_url}?paid=card"),
        cancel_url: order_url,
        // One session per order and amount owed: a double click reuses it.
        idempotency_key: format!("proofroom-{}-{}", o.id, balance.0),
    };
    let session = provider.start(req).await.map_err(provider_error)?;
    Ok(session.url)
}

/// A provider's notice (the raw body and its signature header). A payment is recorded once
/// per provider payment id; notices of other kinds, repeated or late, change nothing.
pub async fn notice(app: &App, body: &[u8], signature: &str) -> Result<()> {
    let provider =
        app.payments.clone().ok_or_else(|| AppError::NotFound("Card payment is not offered here.".into()))?;
    let now = (crate::domain::now_ms() / 1000) as i64;
    match provider.notice(body, signature, now).map_err(provider_error)? {
        Notice::Paid { reference, payment, amount, currency } => {
            let o = match super::orders::get(app, &reference).await {
                Ok(o) => o,
                // Not ours (another shop on the same account): nothing to do here.
                Err(AppError::NotFound(_)) => return Ok(()),
                Err(e) => return Err(e),
            };
            if o.payments.iter().any(|p| p.reference.as_deref() == Some(payment.as_str())) {
                return Ok(());
            }
            if currency != o.currency.code {
                tracing::warn!(
                    "card payment {payment} for order {} in {currency}, not {}",
                    o.number,
                    o.currency.code
                );
            }
            let paid =
                super::orders::record_card_payment(app, &o.id.to_string(), Money(amount), &payment).await?;
            if paid.state == OrderState::Paid {
                super::delivery::check_quietly(app).await;
            }
            Ok(())
        }
        Notice::Other(_) => Ok(()),
    }
}

/// Refunds a paid order: every card payment is given back through the provider first (once
/// each, however often this is retried), then the order is marked refunded and the client
/// told. Money paid by transfer or cash the photographer gives back themselves.
pub async fn refund(app: &App, id: &str) -> Result<crate::domain::order::Order> {
    let o = super::orders::get(app, id).await?;
    if !o.state.next().contains(&OrderState::Refunded) {
        return Err(AppError::Invalid(format!(
            "An order that is {} cannot be refunded.",
            o.state.words().to_lowercase()
        )));
    }
    let card: Vec<_> = o.payments.iter().filter(|p| p.method == CARD && p.reference.is_some()).collect();
    let mut done = Vec::new();
    if !card.is_empty() {
        let provider = app.payments.clone().ok_or_else(|| {
            AppError::Invalid(
                "This order was paid by card, and no card provider is set up to refund it.".into(),
            )
        })?;
        for p in card {
            let payment = p.reference.clone().unwrap_or_default();
            let req = RefundRequest {
                idempotency_key: format!("proofroom-refund-{}-{payment}", o.id),
                payment,
                amount: p.amount.0,
            };
            let refund = provider.refund(req).await.map_err(|e| match e {
                PaymentError::Provider(m) => {
                    AppError::Unavailable(format!("The refund did not go through; nothing was changed. {m}"))
                }
                e => provider_error(e),
            })?;
            done.push(format!("Refunded {} by card ({refund})", o.currency.format(p.amount)));
        }
    }
    super::orders::mark_refunded(app, id, done).await
}
