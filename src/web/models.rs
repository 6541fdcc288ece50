//! The JSON shapes the API and the admin page's live updates share, built from app results
//! with signed media URLs filled in.

use poem_openapi::Object;
use serde::Serialize;

use crate::app::App;
use crate::{
    app::media_urls::{self, MediaKind},
    domain::{Gallery, PhotoView},
};

/// A gallery.
#[derive(Object, Serialize, Clone)]
pub struct GalleryOut {
    pub id: String,
    pub title: String,
    /// The enclosing gallery, if nested.
    pub parent: Option<String>,
    /// Creation time, milliseconds since the Unix epoch.
    pub created_ms: u64,
    /// Not listed in its parent, and not opened by the parent's links.
    pub hidden: bool,
    /// Clients see previews with the studio's watermark.
    pub watermark: bool,
    /// The day of the shoot (YYYY-MM-DD), if given.
    pub event_date: Option<String>,
    /// The photo chosen for the cover, if one was.
    pub cover: Option<String>,
}

/// A page of galleries.
#[derive(Object, Serialize)]
pub struct GalleryList {
    pub galleries: Vec<GalleryOut>,
    /// The `cursor` for the next page; null on the last one.
    pub next: Option<String>,
}

/// A page of orders.
#[derive(Object)]
pub struct OrderList {
    pub orders: Vec<OrderOut>,
    /// The `cursor` for the next (older) page; null on the last one.
    pub next: Option<String>,
}

impl From<&Gallery> for GalleryOut {
    fn from(g: &Gallery) -> Self {
        GalleryOut {
            id: g.id.to_string(),
            title: g.title.clone(),
            parent: g.parent.map(|p| p.to_string()),
            created_ms: g.created_ms,
            hidden: g.hidden,
            watermark: g.watermark,
            event_date: g.event_date.clone(),
            cover: g.cover.photo.map(|p| p.to_string()),
        }
    }
}

/// One version (upload) of a photo; the last one is shown.
#[derive(Object, Serialize, Clone)]
pub struct VersionOut {
    /// blake3 hash of the file.
    pub blob: String,
    pub size: u64,
    pub uploaded_ms: u64,
}

/// A photo with its processing status and signed, expiring media URLs.
#[derive(Object, Serialize, Clone, Default)]
pub struct PhotoOut {
    pub id: String,
    pub gallery: String,
    pub filename: String,
    /// `proof`, `final` or `undefined`.
    pub state: String,
    /// `pending`, `ready` or `failed`.
    pub status: String,
    /// Why processing failed, when it did.
    pub error: Option<String>,
    /// Displayed width after EXIF orientation, once ready.
    pub width: Option<u32>,
    pub height: Option<u32>,
    /// About 512 px on the long edge.
    pub thumb_url: Option<String>,
    pub thumb_width: Option<u32>,
    pub thumb_height: Option<u32>,
    /// About 1024 px on the long edge: for dense screens. Absent in watermarked sets and
    /// for photos processed before this size existed.
    pub medium_url: Option<String>,
    pub medium_width: Option<u32>,
    /// About 2048 px on the long edge.
    pub preview_url: Option<String>,
    pub preview_width: Option<u32>,
    /// The uploaded file of the current version.
    pub original_url: Option<String>,
    pub versions: Vec<VersionOut>,
}

impl PhotoOut {
    pub fn new(state: &App, v: &PhotoView) -> Self {
        let p = &v.photo;
        PhotoOut {
            id: p.id.to_string(),
            gallery: p.gallery.to_string(),
            filename: p.filename.clone(),
            state: p.state.as_str().into(),
            status: v.status.as_str().into(),
            error: v.error.clone(),
            width: v.size.map(|s| s.0),
            height: v.size.map(|s| s.1),
            thumb_url: v.thumb.as_ref().map(|r| media_urls::url(state, MediaKind::Rendition, &r.blob)),
            thumb_width: v.thumb.as_ref().map(|r| r.width),
            thumb_height: v.thumb.as_ref().map(|r| r.height),
            medium_url: v.medium.as_ref().map(|r| media_urls::url(state, MediaKind::Rendition, &r.blob)),
            medium_width: v.medium.as_ref().map(|r| r.width),
            preview_url: v.preview.as_ref().map(|r| media_urls::url(state, MediaKind::Rendition, &r.blob)),
            preview_width: v.preview.as_ref().map(|r| r.width),
            original_url: v.original.map(|h| media_urls::url(state, MediaKind::Original, &h)),
            versions: p
                .versions
                .iter()
                .map(|v| VersionOut { blob: v.blob.to_hex(), size: v.size, uploaded_ms: v.uploaded_ms })
                .collect(),
        }
    }
}

/// An order as the API shows it. Amounts are integers in the currency's minor units
/// (cents), as everywhere in proofroom.
#[derive(poem_openapi::Object)]
pub struct OrderOut {
    pub id: String,
    pub number: u32,
    pub gallery: String,
    /// placed, invoiced, paid, in_production, shipped, delivered, completed, cancelled, refunded
    pub state: String,
    pub customer_name: String,
    pub customer_email: String,
    pub address: Option<String>,
    pub vat_id: Option<String>,
    pub note: Option<String>,
    pub currency: String,
    pub lines: Vec<OrderLineOut>,
    pub subtotal: i64,
    pub discount: i64,
    pub shipping: i64,
    pub tax: i64,
    pub total: i64,
    pub paid: i64,
    pub balance: i64,
    pub coupon: Option<String>,
    pub placed_ms: u64,
    /// Invoice numbers issued, oldest first; the last counts.
    pub invoices: Vec<u32>,
    /// The photos whose files it buys.
    pub digital_photos: Vec<String>,
    pub delivered_ms: Option<u64>,
    pub payments: Vec<PaymentOut>,
    pub timeline: Vec<EventOut>,
}

#[derive(poem_openapi::Object)]
pub struct OrderLineOut {
    pub label: String,
    pub photo: Option<String>,
    pub quantity: u32,
    pub unit: i64,
    pub amount: i64,
}

#[derive(poem_openapi::Object)]
pub struct PaymentOut {
    pub amount: i64,
    pub method: String,
    pub at_ms: u64,
}

#[derive(poem_openapi::Object)]
pub struct EventOut {
    pub at_ms: u64,
    /// client, photographer or system
    pub by: String,
    pub what: String,
}

impl From<&crate::domain::order::Order> for OrderOut {
    fn from(o: &crate::domain::order::Order) -> Self {
        let q = &o.quote;
        OrderOut {
            id: o.id.to_string(),
            number: o.number,
            gallery: o.gallery.to_string(),
            state: o.state.slug(),
            customer_name: o.customer.name.clone(),
            customer_email: o.customer.email.clone(),
            address: o.customer.address.clone(),
            vat_id: o.customer.vat_id.clone(),
            note: o.customer.note.clone(),
            currency: o.currency.code.clone(),
            lines: q
                .lines
                .iter()
                .map(|l| OrderLineOut {
                    label: l.label.clone(),
                    photo: l.photo.map(|p| p.to_string()),
                    quantity: l.quantity,
                    unit: l.unit.0,
                    amount: l.amount.0,
                })
                .collect(),
            subtotal: q.subtotal.0,
            discount: q.discount.0,
            shipping: q.shipping.0,
            tax: q.tax.0,
            total: q.total.0,
            paid: o.paid_amount().0,
            balance: o.balance().0,
            coupon: o.cart.coupon.clone(),
            placed_ms: o.placed_ms,
            invoices: o.invoices.clone(),
            digital_photos: o.digital.iter().map(|p| p.to_string()).collect(),
            delivered_ms: o.delivered_ms,
            payments: o
                .payments
                .iter()
                .map(|p| PaymentOut { amount: p.amount.0, method: p.method.clone(), at_ms: p.at_ms })
                .collect(),
            timeline: o
                .timeline
                .iter()
                .map(|e| EventOut {
                    at_ms: e.at_ms,
                    by: format!("{:?}", e.by).to_lowercase(),
                    what: e.what.clone(),
                })
                .collect(),
        }
    }
}

/// An issued invoice (the printable page is on the order's page for the photographer).
#[derive(poem_openapi::Object)]
pub struct InvoiceOut {
    pub number: u32,
    pub order: String,
    pub order_number: u32,
    pub issued_ms: u64,
    pub due_ms: u64,
    pub currency: String,
    pub net: i64,
    pub tax: i64,
    pub tax_rate_bp: u32,
    pub total: i64,
    pub replaces: Option<u32>,
}

impl From<&crate::domain::order::Invoice> for InvoiceOut {
    fn from(i: &crate::domain::order::Invoice) -> Self {
        InvoiceOut {
            number: i.number,
            order: i.order.to_string(),
            order_number: i.order_number,
            issued_ms: i.issued_ms,
            due_ms: i.due_ms,
            currency: i.currency.code.clone(),
            net: i.net().0,
            tax: i.quote.tax.0,
            tax_rate_bp: i.quote.tax_rate_bp,
            total: i.quote.total.0,
            replaces: i.replaces,
        }
    }
}

/// One file of an order's delivery.
#[derive(poem_openapi::Object)]
pub struct DeliveryFileOut {
    pub photo: String,
    pub name: String,
    /// FINAL (or delivered as it is).
    pub ready: bool,
    pub size: u64,
}
