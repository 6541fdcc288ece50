//! Orders and invoices as plain values: who ordered what from which gallery, the quote it
//! was placed at, where it stands (`OrderState`, with the moves allowed between states), the
//! payments recorded, a timeline of who did what, and the invoices issued for it.

use serde::{Deserialize, Serialize};

pub use super::catalog::Billing;
use super::{
    Currency, GalleryId, Money, OrderId, PhotoId, ShareId, VisitorId,
    quote::{Cart, Quote},
};

/// Whose cart (and orders) these are. An e-mail grant is one person on every device they
/// sign in from, so it is the owner; a shared link's owner is the visitor (one browser).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", content = "id", rename_all = "snake_case")]
pub enum Owner {
    Grant(ShareId),
    Visitor(VisitorId),
}

impl Owner {
    /// The key the database files the owner's cart and orders under (ULIDs never collide).
    pub fn key(self) -> u128 {
        match self {
            Owner::Grant(s) => s.key(),
            Owner::Visitor(v) => v.key(),
        }
    }
}

/// What checkout asks: only what the order needs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub name: String,
    pub email: String,
    /// Where prints go; only asked when something ships.
    #[serde(default)]
    pub address: Option<String>,
    /// A business client's VAT number, printed on the invoice.
    #[serde(default)]
    pub vat_id: Option<String>,
    /// A note to the photographer ("retouch these for me").
    #[serde(default)]
    pub note: Option<String>,
}

/// Where an order stands. Cancelled and refunded end it like completed does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    Placed,
    Invoiced,
    Paid,
    InProduction,
    Shipped,
    Delivered,
    Completed,
    Cancelled,
    Refunded,
}

impl OrderState {
    pub fn words(self) -> &'static str {
        match self {
            OrderState::Placed => "Placed",
            OrderState::Invoiced => "Invoiced",
            OrderState::Paid => "Paid",
            OrderState::InProduction => "In production",
            OrderState::Shipped => "Shipped",
            OrderState::Delivered => "Delivered",
            OrderState::Completed => "Completed",
            OrderState::Cancelled => "Cancelled",
            OrderState::Refunded => "Refunded",
        }
    }

    /// Whether money has been taken (so the order can be refunded, not cancelled).
    pub fn paid(self) -> bool {
        matches!(
            self,
            OrderState::Paid
                | OrderState::InProduction
                | OrderState::Shipped
                | OrderState::Delivered
                | OrderState::Completed
        )
    }

    /// Whether the order is over.
    pub fn closed(self) -> bool {
        matches!(self, OrderState::Completed | OrderState::Cancelled | OrderState::Refunded)
    }

    /// Whether the photographer may still change the lines (before any payment).
    pub fn editable(self) -> bool {
        matches!(self, OrderState::Placed | OrderState::Invoiced)
    }

    /// The states the photographer may move an order to from this one by hand. Paid is
    /// reached by recording payments, invoiced by issuing an invoice.
    pub fn next(self) -> &'static [OrderState] {
        use OrderState::*;
        match self {
            Placed | Invoiced => &[Cancelled],
            Paid => &[InProduction, Shipped, Delivered, Completed, Refunded],
            InProduction => &[Shipped, Delivered, Completed, Refunded],
            Shipped => &[Delivered, Completed, Refunded],
            Delivered => &[Completed, Refunded],
            Completed => &[Refunded],
            Cancelled | Refunded => &[],
        }
    }

    pub fn parse(s: &str) -> Option<OrderState> {
        serde_json::from_value(serde_json::Value::String(s.to_string())).ok()
    }

    pub fn slug(self) -> String {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::String(s)) => s,
            _ => String::new(),
        }
    }
}

/// `Payment::method` of payments made by card through the provider.
pub const CARD: &str = "card";

/// Money received for an order (a part payment is one of several).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    pub amount: Money,
    /// "bank transfer", "cash", "card (Stripe)".
    pub method: String,
    pub at_ms: u64,
    /// The provider's reference, so a repeated notice is recorded once.
    #[serde(default)]
    pub reference: Option<String>,
}

/// Who did something to an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Client,
    Photographer,
    System,
}

impl Actor {
    pub fn words(self) -> &'static str {
        match self {
            Actor::Client => "Client",
            Actor::Photographer => "Photographer",
            Actor::System => "proofroom",
        }
    }
}

/// One line of an order's timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    pub at_ms: u64,
    pub by: Actor,
    pub what: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub id: OrderId,
    /// The studio's running order number, shown to people ("order 12").
    pub number: u32,
    pub gallery: GalleryId,
    pub share: ShareId,
    pub owner: Owner,
    pub customer: Customer,
    pub currency: Currency,
    /// What was ordered (photos, products, crops), as the cart held it.
    pub cart: Cart,
    /// Its price, computed on the server when placed and after each edit.
    pub quote: Quote,
    pub state: OrderState,
    pub placed_ms: u64,
    #[serde(default)]
    pub payments: Vec<Payment>,
    /// The invoices issued, oldest first; the last is the one that counts.
    #[serde(default)]
    pub invoices: Vec<u32>,
    #[serde(default)]
    pub timeline: Vec<Event>,
    /// The gallery's address as the client opened it (`…/g/<key>`), for links in later
    /// mails. Like the mails themselves, it holds the link's key.
    #[serde(default)]
    pub client_base: String,
    /// The photos whose digital files the order buys, fixed when it is placed.
    #[serde(default)]
    pub digital: Vec<PhotoId>,
    /// Those of them bought only in a smaller size ("web 2048 px"): the long edge they are
    /// delivered at. The rest are full resolution.
    #[serde(default)]
    pub digital_edges: std::collections::BTreeMap<PhotoId, u32>,
    /// When the delivery mail went out: all files final, or the photographer's "now".
    #[serde(default)]
    pub delivered_ms: Option<u64>,
    /// The photographer delivered before every file was final: what is there counts.
    #[serde(default)]
    pub delivered_all: bool,
    /// A discount the photographer gave while editing the order (it takes the coupon's
    /// place).
    #[serde(default)]
    pub discount: Option<Money>,
}

impl Order {
    /// Adds a photo's digital file bought at `edge` (`None`: full resolution). A photo
    /// bought again keeps its place and gets the larger of the two sizes.
    pub fn buy_digital(&mut self, photo: PhotoId, edge: Option<u32>) {
        if !self.digital.contains(&photo) {
            self.digital.push(photo);
            if let Some(e) = edge {
                self.digital_edges.insert(photo, e);
            }
            return;
        }
        match (self.digital_edges.get(&photo).copied(), edge) {
            (Some(had), Some(e)) => {
                self.digital_edges.insert(photo, had.max(e));
            }
            (Some(_), None) => {
                self.digital_edges.remove(&photo);
            }
            (None, _) => {}
        }
    }

    pub fn paid_amount(&self) -> Money {
        self.payments.iter().map(|p| p.amount).sum()
    }

    /// What is still to pay (never below zero).
    pub fn balance(&self) -> Money {
        (self.quote.total - self.paid_amount()).max(Money::ZERO)
    }

    pub fn invoice(&self) -> Option<u32> {
        self.invoices.last().copied()
    }

    pub fn log(&mut self, at_ms: u64, by: Actor, what: impl Into<String>) {
        self.timeline.push(Event { at_ms, by, what: what.into() });
    }

    /// Whether its files may be handed out: paid, or nothing to pay, and not called off.
    pub fn deliverable(&self) -> bool {
        match self.state {
            OrderState::Cancelled | OrderState::Refunded => false,
            s => s.paid() || self.quote.total <= Money::ZERO,
        }
    }

    /// Paid (or free) with digital files that have not been delivered yet.
    pub fn awaits_delivery(&self) -> bool {
        self.deliverable() && self.delivered_ms.is_none() && !self.digital.is_empty()
    }

    /// Whether the order still needs the photographer or the server: not closed, or still
    /// owed its files. The store keeps an index of these (`OPEN_ORDERS`).
    pub fn open(&self) -> bool {
        !self.state.closed() || self.awaits_delivery()
    }
}

/// An issued invoice: a copy of everything it says, so later changes to the studio or the
/// order never rewrite it. Numbers run without gaps per studio.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    pub number: u32,
    pub order: OrderId,
    pub order_number: u32,
    pub issued_ms: u64,
    pub due_ms: u64,
    pub studio: String,
    pub billing: Billing,
    pub customer: Customer,
    pub currency: Currency,
    pub quote: Quote,
    pub tax_inclusive: bool,
    /// The invoice this one replaces (after the order was edited).
    #[serde(default)]
    pub replaces: Option<u32>,
}

impl Invoice {
    /// "2026-0007"-style display is the studio's business; a plain padded number is safe.
    pub fn label(number: u32) -> String {
        format!("{number:05}")
    }

    /// The amount before tax.
    pub fn net(&self) -> Money {
        // Inclusive or not, the total is the net amount plus the tax.
        self.quote.total - self.quote.tax
    }
}

/// A delivered file as prepared for clients: `source` with the studio's credit written in
/// (`blob`), kept so every later download streams it as it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreparedFile {
    pub source: super::Hash,
    pub blob: super::Hash,
    pub size: u64,
}

/// How delivered files are named: `{filename}` (as uploaded), `{gallery}`, `{order}` (its
/// number) and `{n}` (the file's place in the order, from 1). Anything else is kept as
/// written; the result is made a safe file name and keeps the original's extension.
pub fn delivery_name(pattern: &str, filename: &str, gallery: &str, order: u32, n: usize) -> String {
    let path = std::path::Path::new(filename);
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("photo");
    let ext = path.extension().and_then(|s| s.to_str()).map(|e| format!(".{e}")).unwrap_or_default();
    let pattern = if pattern.trim().is_empty() { "{filename}" } else { pattern.trim() };
    let name = pattern
        .replace("{filename}", stem)
        .replace("{gallery}", gallery)
        .replace("{order}", &order.to_string())
        .replace("{n}", &format!("{n:03}"));
    let safe: String = name
        .chars()
        .map(|c| if c.is_control() || "/\\:*?\"<>|".contains(c) { '-' } else { c })
        .collect::<String>()
        .trim_matches(|c: char| c == '.' || c.is_whitespace())
        .chars()
        .take(150)
        .collect();
    let safe = if safe.is_empty() { "photo".to_string() } else { safe };
    format!("{safe}{ext}")
}

/// The text of an EPC QR code ("GiroCode", European Payments Council document 069-12,
/// version 002) asking for `amount` to the studio's account with `reference` as the
/// remittance text. `None` unless the currency is euro, the account is set and the amount
/// is within the standard's range.
pub fn epc_payload(billing: &Billing, currency: &Currency, amount: Money, reference: &str) -> Option<String> {
    let iban: String = billing.iban.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    let bic: String = billing.bic.trim().to_uppercase();
    let name = billing.account_holder.trim();
    if currency.code != "EUR"
        || iban.len() < 15
        || iban.len() > 34
        || !iban.chars().all(|c| c.is_ascii_alphanumeric())
        || name.is_empty()
        || name.chars().chain(bic.chars()).any(char::is_control)
        || amount.0 < 1
        || amount.0 > 99_999_999_999
    {
        return None;
    }
    let name: String = name.chars().take(70).collect();
    let text: String = reference.chars().filter(|c| !c.is_control()).take(140).collect();
    let euros = format!("EUR{}.{:02}", amount.0 / 100, amount.0 % 100);
    Some(["BCD", "002", "1", "SCT", &bic, &name, &iban, &euros, "", "", &text].join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn billing() -> Billing {
        Billing {
            account_holder: "Studio Licht".into(),
            iban: "DE89 3704 0044 0532 0130 00".into(),
            bic: "cobadeffxxx".into(),
            ..Default::default()
        }
    }

    #[test]
    fn an_epc_code_carries_the_account_the_amount_and_the_reference() {
        let eur = Currency::of("EUR").unwrap();
        let got = epc_payload(&billing(), &eur, Money(45_050), "Invoice 00007").unwrap();
        assert_eq!(
            got,
            "BCD\n002\n1\nSCT\nCOBADEFFXXX\nStudio Licht\nDE89370400440532013000\nEUR450.50\n\n\nInvoice 00007"
        );
    }

    #[test]
    fn no_epc_code_without_euros_an_account_or_an_amount() {
        let eur = Currency::of("EUR").unwrap();
        assert!(epc_payload(&billing(), &Currency::of("USD").unwrap(), Money(100), "x").is_none());
        assert!(epc_payload(&Billing::default(), &eur, Money(100), "x").is_none());
        assert!(epc_payload(&billing(), &eur, Money(0), "x").is_none());
        let mut bad = billing();
        bad.account_holder = "Studio\nEVIL".into();
        assert!(epc_payload(&bad, &eur, Money(100), "x").is_none(), "a line break cannot add fields");
        let got = epc_payload(&billing(), &eur, Money(100), "Invoice\n1\r\n2").unwrap();
        assert_eq!(got.lines().count(), 11, "the reference cannot add fields either");
    }

    #[test]
    fn delivered_files_are_named_by_the_pattern_and_stay_safe() {
        assert_eq!(delivery_name("", "IMG_1.jpg", "Anna", 7, 1), "IMG_1.jpg");
        assert_eq!(
            delivery_name("{gallery}-{filename}", "IMG_1.jpg", "Anna & Tom", 7, 1),
            "Anna & Tom-IMG_1.jpg"
        );
        assert_eq!(delivery_name("{order}-{n}", "IMG_1.JPG", "x", 12, 3), "12-003.JPG");
        assert_eq!(delivery_name("{gallery}/{filename}", "a.jpg", "../..", 1, 1), "-..-a.jpg");
        assert_eq!(delivery_name("...", "a.jpg", "g", 1, 1), "photo.jpg");
    }

    #[test]
    fn the_moves_an_order_may_make_by_hand() {
        use OrderState::*;
        assert_eq!(Placed.next(), &[Cancelled]);
        assert!(!Invoiced.next().contains(&Paid), "paid comes from recorded payments");
        assert!(!Cancelled.next().contains(&Refunded));
        assert!(Paid.next().contains(&Refunded) && !Paid.next().contains(&Cancelled));
        for s in [Placed, Invoiced, Paid, InProduction, Shipped, Delivered, Completed, Cancelled, Refunded] {
            assert_eq!(OrderState::parse(&s.slug()), Some(s));
            assert_eq!(s.editable(), !s.paid() && !s.closed());
        }
    }
}
