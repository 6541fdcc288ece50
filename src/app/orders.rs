//! Orders: checkout (the cart priced again on the server and placed once per checkout
//! key), the client's orders and invoices through their `Visit`, and what the photographer
//! does with an order (record payments, move it along, issue an invoice). Each change writes
//! the order, its invoice and the mails that tell people in one transaction.

use super::{App, AppError, Result, cart, clean_text, proofing::clean_multiline, visit::Visit};
use crate::{
    db::{Effects, Placed},
    domain::{
        Mail, Money, OrderId,
        catalog::Catalog,
        now_ms,
        order::{Actor, Customer, Invoice, Order, OrderState, Owner, Payment},
        quote::{Cart, MAX_QUANTITY, Quote},
    },
    mail::{self, templates},
};

/// What checkout asks. `key` is the form's own random key: sent twice, it places one order.
#[derive(Clone, Debug, Default)]
pub struct Checkout {
    pub key: String,
    pub name: String,
    pub email: String,
    pub address: String,
    pub vat_id: String,
    pub note: String,
    pub shipping: String,
}

/// Where the photographer and the client each find an order (for the mails).
struct Links {
    client: String,
    admin: String,
}

fn links(app: &App, o: &Order) -> Links {
    Links {
        client: format!("{}/orders/{}", o.client_base, o.id),
        admin: format!("{}/admin/orders/{}", app.config.base_url, o.id),
    }
}

fn not_found() -> AppError {
    AppError::NotFound("There is no such order.".into())
}

pub(super) fn mail_to(
    to: &str,
    content: templates::Content,
    logo: Option<crate::domain::Hash>,
) -> Option<Mail> {
    // A client's address was checked at checkout and the photographer's in the config; a
    // message to neither is skipped, not an error that would undo the order.
    mail::valid_address(to.trim()).then(|| super::notify::message(to, content, logo))
}

/// Records money received on `o`: the payment, the timeline, paid when it is all there,
/// and the client's mail (with a notice to the photographer for money they did not record).
fn received(o: &mut Order, payment: Payment, by: Actor) -> Step<'static> {
    let (amount, method, now) = (payment.amount, payment.method.clone(), payment.at_ms);
    o.payments.push(payment);
    o.log(now, by, format!("{} received by {method}", o.currency.format(amount)));
    let full = o.balance() == Money::ZERO;
    if full && !o.state.paid() && !o.state.closed() {
        o.state = OrderState::Paid;
    }
    let lead = match full {
        true => format!(
            "We received your payment of {} ({method}). Thank you! Your order is paid in full.",
            o.currency.format(amount)
        ),
        false => format!(
            "We received {} ({method}). Still to pay: {}.",
            o.currency.format(amount),
            o.currency.format(o.balance())
        ),
    };
    let notice = (by != Actor::Photographer).then(|| {
        (
            format!("Order {}: {method} payment received", o.number),
            format!("{} paid {} by {method}.", o.customer.name, o.currency.format(amount)),
        )
    });
    Step {
        subject: format!("Payment received for order {}", o.number),
        heading: "Payment received",
        lead,
        notice,
        pictures: Vec::new(),
    }
}

/// The lines of an order as mails show them.
fn mail_lines(o: &Order) -> Vec<(String, String)> {
    let c = &o.currency;
    let mut out: Vec<(String, String)> = o
        .quote
        .lines
        .iter()
        .map(|l| {
            let label =
                if l.quantity > 1 { format!("{} × {}", l.quantity, l.label) } else { l.label.clone() };
            (label, c.format(l.amount))
        })
        .collect();
    if o.quote.discount > Money::ZERO {
        out.push(("Coupon".into(), format!("−{}", c.format(o.quote.discount))));
    }
    if o.quote.shipping > Money::ZERO {
        out.push(("Shipping".into(), c.format(o.quote.shipping)));
    }
    out
}

/// The mails of one step: to the client (branded) and, when `notice`, to the photographer.
struct Step<'a> {
    subject: String,
    heading: &'a str,
    lead: String,
    /// The photographer's subject and words, when they are told too.
    notice: Option<(String, String)>,
    /// Room views saved with the order's lines: (caption, picture), shown in the mails.
    pictures: Vec<(String, crate::domain::Hash)>,
}

async fn mails(app: &App, o: &Order, step: Step<'_>) -> Result<Vec<Mail>> {
    let studio = super::studio::get(app).await?;
    let (logo, brand) = (studio.logo, super::studio::mail_brand(app, &studio));
    let (lines, total) = (mail_lines(o), o.currency.format(o.quote.total));
    let l = links(app, o);
    let captions: Vec<String> = step.pictures.iter().map(|(c, _)| c.clone()).collect();
    let pictures: Vec<crate::domain::Hash> = step.pictures.iter().map(|(_, h)| *h).collect();
    let client = templates::order_update(
        &brand,
        &templates::OrderMail {
            subject: step.subject.clone(),
            heading: step.heading,
            lead: step.lead,
            lines: &lines,
            total: total.clone(),
            url: &l.client,
            button: "See your order",
            pictures: &captions,
        },
    );
    let mut out: Vec<Mail> = mail_to(&o.customer.email, client, logo).into_iter().collect();
    if let Some((subject, lead)) = step.notice {
        let heading = format!("Order {}", o.number);
        let notice = templates::order_notice(
            &app.config.studio_name,
            &templates::OrderMail {
                subject,
                heading: &heading,
                lead,
                lines: &lines,
                total,
                url: &l.admin,
                button: "Open the order",
                pictures: &captions,
            },
        );
        out.extend(mail_to(&app.config.mail.notify, notice, None));
    }
    for m in &mut out {
        m.pictures = pictures.clone();
    }
    Ok(out)
}

fn invoice_of(app: &App, catalog: &Catalog, o: &Order, number: u32, replaces: Option<u32>) -> Invoice {
    let now = now_ms();
    Invoice {
        number,
        order: o.id,
        order_number: o.number,
        issued_ms: now,
        due_ms: now + u64::from(catalog.billing.due_days) * 86_400_000,
        studio: app.config.studio_name.clone(),
        billing: catalog.billing.clone(),
        customer: o.customer.clone(),
        currency: o.currency.clone(),
        quote: o.quote.clone(),
        tax_inclusive: catalog.tax.inclusive,
        replaces,
    }
}

/// How the client may pay, in a sentence for the mails.
fn how_to_pay(catalog: &Catalog, invoice: u32) -> String {
    let b = &catalog.billing;
    let mut out = String::new();
    if !b.iban.trim().is_empty() {
        out.push_str(&format!(
            "Please transfer the total to {} (IBAN {}{}) with “Invoice {}” as the reference; the invoice page has a code your banking app can scan.",
            b.account_holder.trim(),
            b.iban.trim(),
            if b.bic.trim().is_empty() { String::new() } else { format!(", BIC {}", b.bic.trim()) },
            Invoice::label(invoice)
        ));
    }
    if !b.instructions.trim().is_empty() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(b.instructions.trim());
    }
    if out.is_empty() {
        out.push_str("Your photographer will tell you how to pay.");
    }
    out
}

fn customer(f: &Checkout, quote: &Quote) -> Result<Customer> {
    let name = clean_text("Your name", &f.name, 100)?;
    let email = f.email.trim();
    if email.len() > 254 || !mail::valid_address(email) || email.contains('<') {
        return Err(AppError::Invalid(format!("“{email}” does not look like an e-mail address.")));
    }
    let address = match quote.ships {
        true => Some(clean_multiline("The address for your prints", &f.address, 500)?),
        false => None,
    };
    let optional = |field: &str, v: &str, max| match v.trim() {
        "" => Ok(None),
        t => clean_multiline(field, t, max).map(Some),
    };
    Ok(Customer {
        name,
        email: email.to_string(),
        address,
        vat_id: optional("The VAT number", &f.vat_id, 40)?,
        note: optional("Your note", &f.note, 2000)?,
    })
}

/// Adds the photos whose files `line` buys to `o` (one photo, or every photo for a
/// whole-gallery line).
fn buy_line(
    o: &mut Order,
    catalog: &Catalog,
    gallery_photos: &[crate::domain::PhotoId],
    product: crate::domain::ProductId,
    photo: Option<crate::domain::PhotoId>,
) {
    use crate::domain::catalog::ProductKind;
    match (catalog.any_product(product).map(|p| &p.kind), photo) {
        (Some(ProductKind::Digital { long_edge }), Some(p)) => o.buy_digital(p, *long_edge),
        (Some(ProductKind::WholeGallery), _) => gallery_photos.iter().for_each(|p| o.buy_digital(*p, None)),
        _ => {}
    }
}

/// Sets the photos whose files an order buys: the package's (at the size of its digital
/// product), digital lines', every photo for a whole-gallery line.
fn buy_digitals(o: &mut Order, catalog: &Catalog, gallery_photos: &[crate::domain::PhotoId]) {
    use crate::domain::catalog::ProductKind;
    let cart = o.cart.clone();
    if let Some(pick) = &cart.package {
        let edge = match catalog.prices.package(pick.package).and_then(|k| catalog.any_product(k.digital)) {
            Some(p) => match p.kind {
                ProductKind::Digital { long_edge } => long_edge,
                _ => None,
            },
            None => None,
        };
        pick.photos.iter().for_each(|p| o.buy_digital(*p, edge));
    }
    for l in &cart.lines {
        buy_line(o, catalog, gallery_photos, l.product, l.photo);
    }
}

fn key_ok(key: &str) -> bool {
    (16..=64).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// Places the visitor's cart as an order: priced again here, invoiced at once when there is
/// anything to pay, mailed to the client and the photographer. `client_base` is the
/// gallery's address as the client opened it (`…/g/<key>`), for the mails' links.
pub async fn place(app: &App, v: &Visit, f: Checkout, client_base: &str) -> Result<Order> {
    if !key_ok(&f.key) {
        return Err(AppError::Invalid("This checkout form is out of date: open it again.".into()));
    }
    let view = cart::view(app, v).await?;
    let owner = cart::owner_of(v).ok_or_else(|| AppError::Invalid("Your order is empty.".into()))?;
    let key = f.key.clone();
    if let Some(o) = app.with_db(move |db| Ok(db.order_by_key(&key)?)).await? {
        // Sent again after it went through: the same order.
        return if o.owner == owner { Ok(o) } else { Err(not_found()) };
    }
    if view.cart == Cart::default() || (view.cart.package.is_none() && view.cart.lines.is_empty()) {
        return Err(AppError::Invalid("Your order is empty.".into()));
    }
    let mut cart = view.cart.clone();
    let catalog = view.catalog.clone();
    if !f.shipping.trim().is_empty() {
        cart.shipping = Some(
            f.shipping
                .trim()
                .parse()
                .ok()
                .filter(|s| catalog.shipping.iter().any(|w| w.id == *s))
                .ok_or_else(|| AppError::NotFound("That way of shipping is not offered.".into()))?,
        );
    }
    let (quote, coupon_problem) = cart::price(&catalog, &view.photos, &view.galleries, &cart);
    if let Some(p) = coupon_problem {
        return Err(AppError::Invalid(format!("{p}. Remove the coupon or use another.")));
    }
    let quote = quote.map_err(|e| AppError::Invalid(e.to_string()))?;
    if quote.shipping_unchosen && !catalog.shipping.is_empty() {
        return Err(AppError::Invalid("Choose how your prints reach you.".into()));
    }
    let customer = customer(&f, &quote)?;
    let now = now_ms();
    let mut order = Order {
        id: OrderId::new(),
        number: 0,
        gallery: v.gallery().id,
        share: v.share().id,
        owner,
        customer,
        currency: catalog.currency.clone(),
        cart: cart.clone(),
        quote,
        state: OrderState::Placed,
        placed_ms: now,
        payments: Vec::new(),
        invoices: Vec::new(),
        timeline: Vec::new(),
        client_base: client_base.to_string(),
        digital: Vec::new(),
        digital_edges: Default::default(),
        delivered_ms: None,
        delivered_all: false,
        discount: None,
    };
    buy_digitals(&mut order, &catalog, &view.photos.keys().copied().collect::<Vec<_>>());
    order.log(now, Actor::Client, "Placed the order");
    let invoiced = order.quote.total > Money::ZERO;
    // The mails need the numbers the transaction hands out; they are written with them, so
    // they are composed for the next numbers and checked there.
    let (next_order, next_invoice) = app.with_db(|db| Ok(db.next_numbers()?)).await?;
    order.number = next_order;
    if invoiced {
        order.state = OrderState::Invoiced;
        order.invoices.push(next_invoice);
        order.log(now, Actor::System, format!("Issued invoice {}", Invoice::label(next_invoice)));
    }
    let invoice = invoiced.then(|| invoice_of(app, &catalog, &order, next_invoice, None));
    let lead = match invoiced {
        true => format!(
            "Thank you for your order from {}. Your invoice {} for {} is on your order's page. {}",
            v.gallery().title,
            Invoice::label(next_invoice),
            order.currency.format(order.quote.total),
            how_to_pay(&catalog, next_invoice)
        ),
        false => format!(
            "Thank you: we have your order from {}. There is nothing to pay; we will let you know as it goes.",
            v.gallery().title
        ),
    };
    let notice = format!(
        "{} ({}) placed order {} in {}.{}",
        order.customer.name,
        order.customer.email,
        order.number,
        v.gallery().title,
        order.customer.note.as_ref().map(|n| format!("\n\nTheir note:\n{n}")).unwrap_or_default()
    );
    let step = Step {
        subject: format!("Your order {} from {}", order.number, app.config.studio_name),
        heading: "Thank you for your order",
        lead,
        notice: Some((format!("Order {} from {}", order.number, order.customer.name), notice)),
        pictures: super::room_views::pictures(app, &order, &view.photos, &catalog).await,
    };
    let effects = Effects { invoice, mails: mails(app, &order, step).await? };
    let (key, coupon) = (f.key.clone(), cart.coupon.clone().filter(|_| order.quote.discount > Money::ZERO));
    let coupon_used = coupon.is_some();
    let placed = app
        .with_db(move |db| {
            Ok(db.place_order(&key, coupon.as_deref(), (next_order, next_invoice), order, effects)?)
        })
        .await?;
    if coupon_used {
        // The coupon's count lives with the studio's settings, which are cached.
        super::studio::forget(app);
    }
    app.jobs.wake();
    match placed {
        Placed::New(o) => {
            v.log(app, o.gallery, crate::domain::ActivityKind::Ordered { number: o.number }).await;
            Ok(o)
        }
        Placed::Again(o) if o.owner == owner => Ok(o),
        Placed::Again(_) => Err(not_found()),
        Placed::CouponUsedUp => {
            Err(AppError::Invalid("This coupon has just been used up. Remove it to order without it.".into()))
        }
        Placed::Moved => {
            Err(AppError::Unavailable("Another order was placed at the same moment: send it again.".into()))
        }
    }
}

/// The visitor's orders in this gallery, newest first.
pub async fn of_visit(app: &App, v: &Visit) -> Result<Vec<Order>> {
    let Some(owner) = cart::owner_of(v) else { return Ok(Vec::new()) };
    let gallery = v.gallery().id;
    let all = app.with_db(move |db| Ok(db.orders_of(owner)?)).await?;
    Ok(all.into_iter().filter(|o| o.gallery == gallery).collect())
}

/// One of the visitor's orders; anyone else's is "not found".
pub async fn for_visit(app: &App, v: &Visit, id: &str) -> Result<Order> {
    let owner: Option<Owner> = cart::owner_of(v);
    let o = get(app, id).await?;
    match Some(o.owner) == owner && o.share == v.share().id && o.gallery == v.gallery().id {
        true => Ok(o),
        false => Err(not_found()),
    }
}

/// An invoice of one of the visitor's orders (the current one when `number` is `None`).
pub async fn invoice_for_visit(app: &App, v: &Visit, id: &str, number: Option<u32>) -> Result<Invoice> {
    let o = for_visit(app, v, id).await?;
    invoice_of_order(app, &o, number).await
}

async fn invoice_of_order(app: &App, o: &Order, number: Option<u32>) -> Result<Invoice> {
    let n = match number {
        Some(n) if o.invoices.contains(&n) => n,
        Some(_) => return Err(AppError::NotFound("There is no such invoice.".into())),
        None => o.invoice().ok_or_else(|| AppError::NotFound("This order has no invoice yet.".into()))?,
    };
    app.with_db(move |db| Ok(db.invoice(n)?))
        .await?
        .ok_or_else(|| AppError::NotFound("There is no such invoice.".into()))
}

/// Up to `limit` orders placed before the order `cursor` (or the newest), newest first,
/// and the cursor of the page after (none on the last). A cursor is an order id.
pub async fn page(app: &App, cursor: Option<&str>, limit: usize) -> Result<(Vec<Order>, Option<OrderId>)> {
    let before: Option<OrderId> = match cursor {
        None | Some("") => None,
        Some(c) => {
            Some(c.parse().map_err(|_| AppError::Invalid("the cursor is not one this list gave".into()))?)
        }
    };
    let mut page = app.with_db(move |db| Ok(db.orders_page(before, limit + 1)?)).await?;
    let next = (page.len() > limit).then(|| {
        page.truncate(limit);
        page.last().map(|o| o.id)
    });
    Ok((page, next.flatten()))
}

/// The photographer's orders page: what needs doing, the last twelve months' money and a
/// page of every order. Its cost follows the open orders, the year's orders and the page,
/// not the years of orders behind them.
pub struct Overview {
    /// Orders that still need someone (`Order::open`), newest first.
    pub open: Vec<Order>,
    /// Orders placed since the first day of the month eleven months ago.
    pub year: Vec<Order>,
    pub page: Vec<Order>,
    pub next: Option<OrderId>,
    /// Whether this is the first page (the "what needs doing" part shows there).
    pub first: bool,
    pub total: u64,
}

pub const PAGE: usize = 50;

pub async fn overview(app: &App, cursor: Option<&str>) -> Result<Overview> {
    let (page, next) = page(app, cursor, PAGE).await?;
    let first = cursor.is_none_or(str::is_empty);
    let since = year_start(now_ms());
    // The open orders and the year's are shown on the first page only: later pages skip them.
    let (open, year, total) = app
        .with_db(move |db| {
            let (open, year) =
                if first { (db.open_orders()?, db.orders_since(since)?) } else { Default::default() };
            Ok((open, year, db.order_count()?))
        })
        .await?;
    Ok(Overview { open, year, page, next, first, total })
}

/// Midnight (UTC) of the first day of the month eleven months before `now_ms`'s: twelve
/// whole months, this one included.
fn year_start(now_ms: u64) -> u64 {
    let Ok(now) = time::OffsetDateTime::from_unix_timestamp((now_ms / 1000) as i64) else { return 0 };
    let months = now.year() * 12 + i32::from(u8::from(now.month())) - 1 - 11;
    let month = time::Month::try_from((months.rem_euclid(12) + 1) as u8).unwrap_or(time::Month::January);
    time::Date::from_calendar_date(months.div_euclid(12), month, 1)
        .map(|d| d.midnight().assume_utc().unix_timestamp().max(0) as u64 * 1000)
        .unwrap_or(0)
}

pub async fn get(app: &App, id: &str) -> Result<Order> {
    let id: OrderId = id.parse().map_err(|_| not_found())?;
    app.with_db(move |db| Ok(db.order(id)?)).await?.ok_or_else(not_found)
}

/// The filenames of an order's photos (for the photographer's page and Lightroom).
pub async fn filenames(
    app: &App,
    o: &Order,
) -> Result<std::collections::BTreeMap<crate::domain::PhotoId, String>> {
    let mut ids: Vec<_> = o.cart.package.iter().flat_map(|p| p.photos.iter().copied()).collect();
    ids.extend(o.cart.lines.iter().filter_map(|l| l.photo));
    let mut out = std::collections::BTreeMap::new();
    for id in ids {
        if let Ok(p) = app.photo(id).await {
            out.insert(id, p.photo.filename);
        }
    }
    Ok(out)
}

/// An invoice of an order, for the photographer.
pub async fn invoice(app: &App, id: &str, number: Option<u32>) -> Result<Invoice> {
    let o = get(app, id).await?;
    invoice_of_order(app, &o, number).await
}

/// Changes an order in one transaction with the mails `step` makes of the result.
async fn update(
    app: &App,
    id: &str,
    change: impl FnOnce(&mut Order, u32) -> Result<Option<Step<'static>>> + Send + 'static,
) -> Result<Order> {
    let before = get(app, id).await?;
    // Mails are composed (outside the write transaction: they read the studio) from the
    // order as the change leaves it; the transaction then writes that order only if nothing
    // moved meanwhile.
    let (_, next_invoice) = app.with_db(|db| Ok(db.next_numbers()?)).await?;
    let mut preview = before.clone();
    let step = change(&mut preview, next_invoice)?;
    let catalog = super::catalog::get(app).await?;
    let invoice = match preview.invoices.last() {
        Some(n) if !before.invoices.contains(n) => {
            Some(invoice_of(app, &catalog, &preview, *n, before.invoice()))
        }
        _ => None,
    };
    let mails = match step {
        Some(s) => mails(app, &preview, s).await?,
        None => Vec::new(),
    };
    let effects = Effects { invoice, mails };
    let want = preview.clone();
    let changed = app
        .with_db(move |db| {
            Ok(db.update_order(before.id, move |o, next| {
                if *o != before || next != next_invoice {
                    return Err(AppError::Unavailable(
                        "The order changed meanwhile: look again and retry.".into(),
                    ));
                }
                *o = want;
                Ok(effects)
            })?)
        })
        .await?
        .ok_or_else(not_found)??;
    app.jobs.wake();
    Ok(changed)
}

/// Records money received ("bank transfer", "cash"); the order is paid once the payments
/// reach its total.
pub(super) async fn record_payment(app: &App, id: &str, amount: &str, method: &str) -> Result<Order> {
    let catalog = super::catalog::get(app).await?;
    let method =
        clean_text("How it was paid", if method.trim().is_empty() { "bank transfer" } else { method }, 60)?;
    let amount = catalog.currency.parse(amount).filter(|m| *m > Money::ZERO).ok_or_else(|| {
        AppError::Invalid(format!(
            "The amount must be more than zero, such as 25 or 25.50, not “{}”.",
            amount.trim()
        ))
    })?;
    update(app, id, move |o, _| {
        if o.state.closed() || o.state.paid() {
            return Err(AppError::Invalid(format!(
                "This order is {} and takes no more payments.",
                o.state.words().to_lowercase()
            )));
        }
        if amount > o.balance() {
            return Err(AppError::Invalid(format!(
                "That is more than the {} still to pay.",
                o.currency.format(o.balance())
            )));
        }
        let payment = Payment { amount, method: method.clone(), at_ms: now_ms(), reference: None };
        Ok(Some(received(o, payment, Actor::Photographer)))
    })
    .await
}

/// Records a card payment the provider confirmed, once per provider payment id (`reference`).
/// It is recorded even on an order that was changed or closed meanwhile: the money arrived.
pub(super) async fn record_card_payment(
    app: &App,
    id: &str,
    amount: Money,
    reference: &str,
) -> Result<Order> {
    let reference = reference.to_string();
    update(app, id, move |o, _| {
        if o.payments.iter().any(|p| p.reference.as_deref() == Some(reference.as_str())) {
            return Ok(None);
        }
        let payment = Payment {
            amount,
            method: crate::domain::order::CARD.into(),
            at_ms: now_ms(),
            reference: Some(reference.clone()),
        };
        Ok(Some(received(o, payment, Actor::System)))
    })
    .await
}

/// A change the photographer makes to an order before it is paid.
pub enum Edit {
    /// Takes out line `n` of the order's products.
    RemoveLine(usize),
    /// A discount in the order's currency, as typed ("20", "0" takes it away).
    Discount(String),
    /// A line of the gallery's price list, as the form sends it: the product, the photo
    /// (empty for products without one) and the quantity.
    AddLine { product: String, photo: String, quantity: String },
}

/// What the photographer may add to an order: the products of its gallery's price list
/// (id, name, whether it needs a photo) and the gallery's photos (id, filename).
pub struct AddChoices {
    pub products: Vec<(crate::domain::ProductId, String, bool)>,
    pub photos: Vec<(crate::domain::PhotoId, String)>,
}

pub async fn add_choices(app: &App, o: &Order) -> Result<AddChoices> {
    let catalog = super::catalog::for_gallery(app, o.gallery).await?;
    let products =
        catalog.prices.products.iter().map(|p| (p.id, p.name.clone(), p.kind.per_photo())).collect();
    let photos = app.photos(o.gallery).await?.into_iter().map(|p| (p.photo.id, p.photo.filename)).collect();
    Ok(AddChoices { products, photos })
}

/// The code under which the photographer's discount is priced (it is no studio coupon).
const DISCOUNT_CODE: &str = "PHOTOGRAPHER-DISCOUNT";

/// Prices an edited order again with today's price list, the coupon it was placed with
/// (still valid for it, even if used up or expired since) or the photographer's discount.
async fn reprice(app: &App, o: &Order, cart: &Cart, discount: Option<Money>) -> Result<Quote> {
    use crate::domain::{
        catalog::{Coupon, Discount},
        quote::{PhotoFacts, Terms, quote},
    };
    let catalog = super::catalog::for_gallery(app, o.gallery).await?;
    let galleries = super::cart::coupon_galleries(app, o.gallery).await?;
    let mut facts = std::collections::BTreeMap::new();
    let ids = cart
        .package
        .iter()
        .flat_map(|p| p.photos.iter().copied())
        .chain(cart.lines.iter().filter_map(|l| l.photo));
    for id in ids.collect::<Vec<_>>() {
        let p = app.photo(id).await?;
        facts.insert(id, PhotoFacts { state: p.photo.state, size: p.size.unwrap_or((1, 1)) });
    }
    let mut cart = cart.clone();
    let coupon = match discount {
        Some(m) => {
            cart.coupon = Some(DISCOUNT_CODE.into());
            Some(Coupon {
                code: DISCOUNT_CODE.into(),
                discount: Discount::Fixed(m),
                min_order: Money::ZERO,
                expires_ms: None,
                max_uses: None,
                used: 0,
                gallery: None,
            })
        }
        None => cart
            .coupon
            .as_deref()
            .and_then(|code| catalog.coupons.iter().find(|c| c.code.eq_ignore_ascii_case(code)))
            .map(|c| Coupon {
                expires_ms: None,
                max_uses: None,
                used: 0,
                min_order: Money::ZERO,
                ..c.clone()
            }),
    };
    if coupon.is_none() {
        cart.coupon = None;
    }
    let terms = Terms {
        prices: &catalog.prices,
        tax: catalog.tax,
        shipping: &catalog.shipping,
        coupon: coupon.as_ref(),
        galleries: &galleries,
        now_ms: now_ms(),
    };
    quote(&terms, &facts, &cart)
        .map_err(|e| AppError::Invalid(format!("The order cannot be priced so: {e}.")))
}

/// Changes an order before it is paid: takes out a line or gives a discount. The price is
/// computed again, and an invoiced order gets a new invoice that replaces the old one (the
/// old keeps its number: numbers never go back).
pub async fn edit(app: &App, id: &str, edit: Edit) -> Result<Order> {
    let o = get(app, id).await?;
    if !o.state.editable() {
        return Err(AppError::Invalid("An order can be changed only before it is paid.".into()));
    }
    let (mut cart, mut discount) = (o.cart.clone(), o.discount);
    let what = match edit {
        Edit::AddLine { product, photo, quantity } => {
            let catalog = super::catalog::for_gallery(app, o.gallery).await?;
            let product =
                product.trim().parse().ok().and_then(|id| catalog.prices.product(id)).ok_or_else(|| {
                    AppError::Invalid("Choose a product of this gallery's price list.".into())
                })?;
            let photo = match photo.trim() {
                "" => None,
                t => {
                    let id: crate::domain::PhotoId =
                        t.parse().map_err(|_| AppError::Invalid("Choose a photo of this gallery.".into()))?;
                    match app.photo(id).await {
                        Ok(p) if p.photo.gallery == o.gallery => Some(id),
                        _ => return Err(AppError::Invalid("Choose a photo of this gallery.".into())),
                    }
                }
            };
            if product.kind.per_photo() != photo.is_some() {
                return Err(AppError::Invalid(if photo.is_none() {
                    format!("“{}” is ordered for a photo: choose one.", product.name)
                } else {
                    format!("“{}” is not ordered for a photo: leave the photo empty.", product.name)
                }));
            }
            let n: u32 =
                quantity.trim().parse().ok().filter(|n| (1..=MAX_QUANTITY).contains(n)).ok_or_else(|| {
                    AppError::Invalid(format!(
                        "The quantity must be a whole number from 1 to {MAX_QUANTITY}."
                    ))
                })?;
            cart.lines.push(crate::domain::quote::CartLine {
                product: product.id,
                photo,
                quantity: n,
                crop: None,
                room: None,
            });
            format!("Added {n} × {}", product.name)
        }
        Edit::RemoveLine(n) => {
            if n >= cart.lines.len() {
                return Err(AppError::NotFound("That line is no longer in the order.".into()));
            }
            let line = cart.lines.remove(n);
            if cart.lines.is_empty() && cart.package.is_none() {
                return Err(AppError::Invalid("An order needs at least one line: cancel it instead.".into()));
            }
            format!("Took out {} × line {}", line.quantity, n + 1)
        }
        Edit::Discount(typed) => {
            let m = o.currency.parse(&typed).filter(|m| *m >= Money::ZERO).ok_or_else(|| {
                AppError::Invalid(format!(
                    "The discount must be an amount such as 20 or 20.50, not “{}”.",
                    typed.trim()
                ))
            })?;
            discount = (m > Money::ZERO).then_some(m);
            match discount {
                Some(m) => format!("Gave a discount of {}", o.currency.format(m)),
                None => "Took the discount away".to_string(),
            }
        }
    };
    let quote = reprice(app, &o, &cart, discount).await?;
    if discount.is_some() {
        cart.coupon = None;
    }
    // The files the changed order buys, worked out again from its lines. A whole-gallery
    // line keeps the photos it bought (the sets' too) and takes the gallery's new ones.
    let catalog = super::catalog::for_gallery(app, o.gallery).await?;
    let mut gallery_photos = o.digital.clone();
    for p in app.photos(o.gallery).await? {
        if !gallery_photos.contains(&p.photo.id) {
            gallery_photos.push(p.photo.id);
        }
    }
    update(app, id, move |o, next_invoice| {
        if !o.state.editable() {
            return Err(AppError::Invalid("An order can be changed only before it is paid.".into()));
        }
        let now = now_ms();
        o.cart = cart;
        o.digital.clear();
        o.digital_edges.clear();
        buy_digitals(o, &catalog, &gallery_photos);
        o.quote = quote;
        o.discount = discount;
        o.log(now, Actor::Photographer, what);
        let old = o.invoice();
        if old.is_some() {
            o.invoices.push(next_invoice);
            o.log(now, Actor::System, format!("Issued invoice {} in place of {}", Invoice::label(next_invoice), old.map(Invoice::label).unwrap_or_default()));
        }
        let lead = match old {
            Some(n) => format!(
                "Your order has been changed: the total is now {}. Invoice {} replaces invoice {}; it is on your order's page.",
                o.currency.format(o.quote.total),
                Invoice::label(next_invoice),
                Invoice::label(n)
            ),
            None => format!("Your order has been changed: the total is now {}.", o.currency.format(o.quote.total)),
        };
        Ok(Some(Step { subject: format!("Your order {} was changed", o.number), heading: "Your order was changed", lead, notice: None, pictures: Vec::new() }))
    })
    .await
}

/// Adds a line to an order's timeline (once: a repeated note is not written again).
pub(super) async fn note(app: &App, id: OrderId, what: String) -> Result<Order> {
    app.with_db(move |db| {
        Ok(db.update_order(id, move |o, _| {
            if !o.timeline.iter().any(|e| e.what == what) {
                o.log(now_ms(), Actor::System, what);
            }
            Ok::<_, AppError>(Effects { invoice: None, mails: Vec::new() })
        })?)
    })
    .await?
    .ok_or_else(|| AppError::NotFound("There is no such order.".into()))?
}

/// Marks a paid order refunded, with what was given back (`done`, for the timeline), and
/// tells the client.
pub(super) async fn mark_refunded(app: &App, id: &str, done: Vec<String>) -> Result<Order> {
    update(app, id, move |o, _| {
        if !o.state.next().contains(&OrderState::Refunded) {
            return Err(AppError::Invalid("This order was refunded already.".into()));
        }
        let now = now_ms();
        for d in done {
            o.log(now, Actor::Photographer, d);
        }
        o.state = OrderState::Refunded;
        o.log(now, Actor::Photographer, "Marked refunded");
        Ok(Some(Step {
            subject: format!("Order {}: refunded", o.number),
            heading: "Your order was refunded",
            lead: "Your payment has been refunded.".to_string(),
            notice: None,
            pictures: Vec::new(),
        }))
    })
    .await
}

/// Moves an order along by hand (in production, shipped, completed, cancelled); refunds go
/// through `payments::refund`, called by `checkout::move_to`.
pub(super) async fn move_to(app: &App, id: &str, to: &str) -> Result<Order> {
    let to = OrderState::parse(to)
        .ok_or_else(|| AppError::Invalid("That is not a state an order can be in.".into()))?;
    update(app, id, move |o, _| {
        if !o.state.next().contains(&to) {
            return Err(AppError::Invalid(format!(
                "An order that is {} cannot become {}.",
                o.state.words().to_lowercase(),
                to.words().to_lowercase()
            )));
        }
        o.state = to;
        o.log(now_ms(), Actor::Photographer, format!("Marked {}", to.words().to_lowercase()));
        let (heading, lead) = match to {
            OrderState::Shipped => ("Your order is on its way", "Your prints have been sent.".to_string()),
            OrderState::Cancelled => (
                "Your order was cancelled",
                "Your order has been cancelled. Nothing is owed; write to us with any question.".to_string(),
            ),
            _ => return Ok(None),
        };
        Ok(Some(Step {
            subject: format!("Order {}: {}", o.number, to.words().to_lowercase()),
            heading,
            lead,
            notice: None,
            pictures: Vec::new(),
        }))
    })
    .await
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_orders_page_totals_twelve_whole_months() {
        let ms = |y, m, d| {
            let month = time::Month::try_from(m).unwrap();
            let date = time::Date::from_calendar_date(y, month, d).unwrap();
            date.midnight().assume_utc().unix_timestamp() as u64 * 1000
        };
        assert_eq!(super::year_start(ms(2026, 11, 21) + 5_000), ms(2025, 12, 1));
        assert_eq!(super::year_start(ms(2026, 1, 31)), ms(2025, 2, 1));
        assert_eq!(super::year_start(ms(2026, 12, 1)), ms(2026, 1, 1));
    }
}
