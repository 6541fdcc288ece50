//! The steps that end an order's turn and may start its delivery: placing it (a free order
//! with its finals ready goes out at once) and recording money for it. They join
//! `orders` and `delivery`, which do not call each other's way back.

use std::collections::BTreeMap;

use super::{App, Result, cart, delivery, orders, visit::Visit};
use crate::domain::{PhotoId, catalog::Catalog, order::Order};

/// A placed order as its client's page shows it.
pub struct OrderPage {
    pub order: Order,
    /// How to pay: the bank details and instructions.
    pub catalog: Catalog,
    /// The gallery's photos as this visitor sees them (names and thumbnails of the lines).
    pub photos: BTreeMap<PhotoId, cart::CartPhoto>,
    /// Whether card payment is offered.
    pub card: bool,
}

pub async fn order_page(app: &App, v: &Visit, id: &str) -> Result<OrderPage> {
    let order = orders::for_visit(app, v, id).await?;
    let catalog = super::catalog::for_visit(app, v).await?;
    let photos = cart::photos(app, v).await?;
    Ok(OrderPage { order, catalog, photos, card: super::payments::card(app) })
}

/// Places the visitor's cart (see `orders::place`); an order with nothing to pay is
/// delivered at once when its finals are there.
pub async fn place(app: &App, v: &Visit, f: orders::Checkout, client_base: &str) -> Result<Order> {
    let mut o = orders::place(app, v, f, client_base).await?;
    // Placed during a live session: what the session came to goes on the order's timeline.
    if let Some(summary) = super::live::summary(app, &o).await {
        o = orders::note(app, o.id, summary).await?;
    }
    if o.deliverable() {
        delivery::check_quietly(app).await;
    }
    Ok(o)
}

/// Records money received (see `orders::record_payment`), then delivers what is ready if
/// that paid the order.
pub async fn pay(app: &App, id: &str, amount: &str, method: &str) -> Result<Order> {
    let o = orders::record_payment(app, id, amount, method).await?;
    if o.deliverable() {
        delivery::check_quietly(app).await;
    }
    Ok(o)
}

/// Moves an order along by hand; "refunded" first gives card payments back through the
/// provider (`payments::refund`).
pub async fn move_to(app: &App, id: &str, to: &str) -> Result<Order> {
    match crate::domain::order::OrderState::parse(to) {
        Some(crate::domain::order::OrderState::Refunded) => super::payments::refund(app, id).await,
        _ => orders::move_to(app, id, to).await,
    }
}
