//! What a client sees while ordering: the order page (package, lines, price, coupon,
//! shipping), a photo's order page with the crop frame, checkout, and a placed order.

use std::collections::BTreeMap;

use maud::{Markup, PreEscaped, html};

use super::views::page;
use crate::{
    app::cart::{CartPhoto, CartView},
    domain::{
        Currency, PhotoId,
        catalog::{Catalog, ProductKind},
        order::{Invoice, Order, OrderState, epc_payload},
        quote::Quote,
    },
    web::views::{count, human_time, kind_words},
};

/// What every order page shares.
pub struct Frame<'a> {
    pub studio: &'a str,
    pub title: &'a str,
    /// `/g/<key>`.
    pub base: String,
    pub csrf: &'a str,
}

fn bar(f: &Frame, here: &str, back: (&str, String)) -> Markup {
    html! {
        header.client-bar {
            a.back href=(back.1) { "‹ " (back.0) }
            div.where { strong { (f.title) } span.muted { (here) } }
        }
    }
}

fn csrf(f: &Frame) -> Markup {
    html! { input type="hidden" name="csrf" value=(f.csrf); }
}

/// The price of a quote, line by line, as a table.
fn price_table(q: &Quote, c: &Currency, photos: &BTreeMap<PhotoId, CartPhoto>) -> Markup {
    let money = |m| c.format(m);
    html! {
        table.quote {
            tbody {
                @for l in &q.lines {
                    tr {
                        td {
                            @if l.quantity > 1 { (l.quantity) " × " }
                            (l.label)
                            @if let Some(p) = l.photo.and_then(|p| photos.get(&p)) { span.muted { " · " (p.filename) } }
                        }
                        td.amount { (money(l.amount)) }
                    }
                }
            }
            tfoot {
                @if q.discount.0 > 0 { tr { td { "Coupon" } td.amount { "−" (money(q.discount)) } } }
                @if q.ships {
                    tr { td { "Shipping" } td.amount { @if q.shipping_unchosen { span.muted { "chosen at checkout" } } @else { (money(q.shipping)) } } }
                }
                @if q.tax_rate_bp > 0 {
                    tr.muted { td { "Tax " (format!("{}", q.tax_rate_bp as f64 / 100.0)) " %" } td.amount { (money(q.tax)) } }
                }
                tr.total { td { "Total" } td.amount { (money(q.total)) } }
            }
        }
    }
}

fn thumb(thumbs: &[(String, String)], id: &PhotoId) -> Markup {
    let id = id.to_string();
    html! {
        @if let Some((_, url)) = thumbs.iter().find(|(i, _)| *i == id) {
            img.order-thumb src=(url) alt="" width="64" height="64" loading="lazy";
        } @else {
            span.order-thumb {}
        }
    }
}

/// The order page: the cart and the orders placed before.
pub fn cart(f: &Frame, v: &CartView, thumbs: &[(String, String)], orders: &[Order]) -> Markup {
    let c = &v.catalog;
    let money = |m| c.currency.format(m);
    let (cart, b) = (&v.cart, &f.base);
    let empty = cart.package.is_none() && cart.lines.is_empty();
    let chosen = cart.package.as_ref().and_then(|p| c.prices.package(p.package));
    page(
        f.studio,
        &format!("Your order · {}", f.title),
        Some(f.csrf),
        html! {
            (bar(f, "Choose a package or prints", ("Photos", format!("{b}/photos"))))
            main.page.order-page {
                h1 { "Your order" }
                @if !c.offers_anything() {
                    p.lead { "Nothing can be ordered from this gallery yet." }
                } @else {
                    p.lead { "Choose a package and fill it from your favourites, or open any photo and tap " strong { "Order" } " to add a print or a file. " a href={ (b) "/prices" } { "See all prices" } }
                    @if !c.prices.packages.is_empty() {
                        section.card #package {
                            h2 { "Package" }
                            form.package-choice method="post" action={ (b) "/order/package" } {
                                (csrf(f))
                                @for k in &c.prices.packages {
                                    label.choice {
                                        input type="radio" name="package" value=(k.id) checked[chosen.is_some_and(|p| p.id == k.id)];
                                        span { strong { (k.name) " · " (money(k.price)) } br; span.muted { (k.contents(&c.prices)) @if k.extra_image.0 > 0 { " · each extra image " (money(k.extra_image)) } } }
                                    }
                                }
                                label.choice { input type="radio" name="package" value="" checked[chosen.is_none()]; span { "No package" } }
                                button.button type="submit" { "Choose" }
                            }
                            @if let (Some(k), Some(pick)) = (chosen, &cart.package) {
                                @let n = pick.photos.len() as u32;
                                p.package-counter #package-counter aria-live="polite" {
                                    strong { (n.min(k.images)) " of " (k.images) } " included images chosen"
                                    @if n > k.images { " · " strong { (n - k.images) " extra" } " at " (money(k.extra_image)) " each" }
                                }
                                @if !v.favourites.is_empty() {
                                    form method="post" action={ (b) "/order/package/fill" } {
                                        (csrf(f))
                                        button.button.primary #fill type="submit" { "Fill from my favourites (" (v.favourites.len()) ")" }
                                    }
                                } @else {
                                    p.muted { "Heart photos in the gallery to fill the package from them, or add photos one by one from the viewer." }
                                }
                                @if !pick.photos.is_empty() {
                                    ul.order-photos {
                                        @for id in &pick.photos {
                                            li {
                                                (thumb(thumbs, id))
                                                span.name { (v.photos.get(id).map_or("", |p| p.filename.as_str())) }
                                                form method="post" action={ (b) "/order/package/photo" } {
                                                    (csrf(f))
                                                    input type="hidden" name="photo" value=(id);
                                                    button.link type="submit" aria-label={ "Take out of the package" } { "Remove" }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    section.card #lines {
                        h2 { "Prints and files" }
                        @if cart.lines.is_empty() {
                            p.muted { "Open a photo and tap " strong { "Order" } " to add a print, wall art or a file." }
                        } @else {
                            ul.order-lines {
                                @for (i, l) in cart.lines.iter().enumerate() {
                                    @let p = c.prices.product(l.product);
                                    li {
                                        @if let Some(id) = &l.photo { (thumb(thumbs, id)) }
                                        span.name {
                                            strong { (p.map_or("(no longer offered)", |p| p.name.as_str())) }
                                            br;
                                            span.muted {
                                                @if let Some(ph) = l.photo.and_then(|id| v.photos.get(&id)) { (ph.filename) }
                                                @if l.crop.is_some() { " · your crop" }
                                                @if let Some(p) = p { " · " (money(p.price)) " each" }
                                            }
                                        }
                                        form.qty method="post" action={ (b) "/order/lines/" (i) } {
                                            (csrf(f))
                                            label.visually-hidden for={ "q" (i) } { "Quantity" }
                                            input id={ "q" (i) } type="number" name="quantity" min="0" max="100" value=(l.quantity) inputmode="numeric";
                                            button.button type="submit" { "Update" }
                                        }
                                        form method="post" action={ (b) "/order/lines/" (i) } {
                                            (csrf(f))
                                            input type="hidden" name="quantity" value="0";
                                            button.link type="submit" { "Remove" }
                                        }
                                    }
                                }
                            }
                        }
                        p { a.button href={ (b) "/photos" } { "Add from the photos" } }
                    }
                    section.card #total {
                        h2 { "Total" }
                        @match &v.quote {
                            Ok(q) => { (price_table(q, &c.currency, &v.photos)) }
                            Err(e) => { p.error role="alert" { (e.to_string()) } }
                        }
                        @if let Some(p) = &v.coupon_problem { p.error role="alert" { "Coupon “" (cart.coupon.as_deref().unwrap_or("")) "”: " (p) } }
                        @if !c.coupons.is_empty() {
                            form.inline method="post" action={ (b) "/order/coupon" } {
                                (csrf(f))
                                label for="coupon" { "Coupon code" }
                                input #coupon type="text" name="code" value=(cart.coupon.as_deref().unwrap_or("")) autocomplete="off" autocapitalize="characters" maxlength="64";
                                button.button type="submit" { "Apply" }
                            }
                        }
                        @if !empty && v.quote.is_ok() {
                            p { a.button.primary.big #to-checkout href={ (b) "/checkout" } { "Checkout →" } }
                        }
                    }
                }
                @if !orders.is_empty() {
                    section.card #orders {
                        h2 { "Your orders" }
                        ul.price-list {
                            @for o in orders {
                                li {
                                    a href={ (b) "/orders/" (o.id) } { "Order " (o.number) }
                                    span.muted { (o.state.words()) " · " (human_time(o.placed_ms)) }
                                    span.price { (o.currency.format(o.quote.total)) }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// The crop frame's shape for a product: width / height of the print.
fn aspect(kind: &ProductKind) -> Option<f64> {
    kind.print_size().map(|(w, h)| w as f64 / h.max(1) as f64)
}

/// One photo to order: the products that apply to it, a quantity, and a crop frame for
/// prints on its preview (moved and resized by the script; without it, the print is
/// centred).
pub fn add(f: &Frame, v: &CartView, photo: &CartPhoto, preview: Option<(String, u32, u32)>) -> Markup {
    let c = &v.catalog;
    let money = |m| c.currency.format(m);
    let b = &f.base;
    let products: Vec<_> =
        c.prices.products.iter().filter(|p| p.kind.per_photo() && p.applies_to(photo.state)).collect();
    let pick = v.cart.package.as_ref();
    let in_package = pick.is_some_and(|p| p.photos.contains(&photo.id));
    page(
        f.studio,
        &format!("Order {} · {}", photo.filename, f.title),
        Some(f.csrf),
        html! {
            (bar(f, "Choose a package or prints", ("Your order", format!("{b}/order"))))
            main.page.order-page.add-page {
                h1 { "Order " (photo.filename) }
                @if let Some((url, w, h)) = &preview {
                    div.crop-stage #crop-stage data-photo-w=(photo.size.0) data-photo-h=(photo.size.1) {
                        img #crop-img src=(url) alt=(photo.filename) width=(w) height=(h);
                        div.crop-frame #crop-frame hidden {
                            span.crop-handle #crop-handle aria-hidden="true" {}
                        }
                    }
                    p.muted #crop-help hidden { "Drag the frame to choose what the print shows; drag its corner to make it smaller. " button.link #crop-turn type="button" { "Turn the frame" } }
                }
                @if let Some(pick) = pick {
                    @let k = c.prices.package(pick.package);
                    form method="post" action={ (b) "/order/package/photo" } {
                        (csrf(f))
                        input type="hidden" name="photo" value=(photo.id);
                        input type="hidden" name="back" value="photo";
                        @if in_package {
                            input type="hidden" name="on" value="0";
                            p { "✓ In your package" @if let Some(k) = k { " “" (k.name) "”" } ". " button.link type="submit" { "Take it out" } }
                        } @else {
                            input type="hidden" name="on" value="1";
                            button.button.primary #to-package type="submit" { "Add to my package" }
                            @if let Some(k) = k { p.muted { (pick.photos.len()) " in it so far; " (k.images) " included, then " (c.currency.format(k.extra_image)) " each." } }
                        }
                    }
                }
                @if products.is_empty() {
                    p.muted { "There are no prints or files to order for this photo." }
                } @else {
                    form.add-line method="post" action={ (b) "/order/lines" } {
                        (csrf(f))
                        input type="hidden" name="photo" value=(photo.id);
                        input type="hidden" #crop name="crop" value="";
                        fieldset {
                            legend { "What would you like?" }
                            @for (i, p) in products.iter().enumerate() {
                                label.choice {
                                    input type="radio" name="product" value=(p.id) checked[i == 0] data-aspect=[aspect(&p.kind)];
                                    span { strong { (p.name) " · " (money(p.price)) } br; span.muted { (kind_words(&p.kind)) } }
                                }
                            }
                        }
                        label for="quantity" { "How many" }
                        input #quantity type="number" name="quantity" min="1" max="100" value="1" inputmode="numeric";
                        button.button.primary.big #add type="submit" { "Add to my order" }
                    }
                }
                p { a href={ (b) "/photos" } { "← Back to the photos" } }
            }
        },
    )
}

/// Checkout: the price once more, and only what the order needs.
pub fn checkout(f: &Frame, v: &CartView, key: &str, name: &str, email: &str) -> Markup {
    let c = &v.catalog;
    let b = &f.base;
    let ships = v.quote.as_ref().is_ok_and(|q| q.ships);
    let pays = v.quote.as_ref().is_ok_and(|q| q.total.0 > 0);
    page(
        f.studio,
        &format!("Checkout · {}", f.title),
        Some(f.csrf),
        html! {
            (bar(f, "Checkout", ("Your order", format!("{b}/order"))))
            main.page.order-page {
                h1 { "Checkout" }
                @match &v.quote {
                    Ok(q) => { (price_table(q, &c.currency, &v.photos)) }
                    Err(e) => { p.error role="alert" { (e.to_string()) " " a href={ (b) "/order" } { "Back to your order" } } }
                }
                @if ships && !c.shipping.is_empty() {
                    // Its own form, so the total above follows the choice (the script sends
                    // it on change; without the script, the button does).
                    form.checkout #shipping-form method="post" action={ (b) "/order/shipping" } {
                        (csrf(f))
                        input type="hidden" name="back" value="checkout";
                        label for="shipping" { "How your prints reach you" }
                        select #shipping name="shipping" required {
                            @for w in &c.shipping {
                                option value=(w.id) selected[v.cart.shipping == Some(w.id)] {
                                    (w.name)
                                    @if w.base.0 > 0 || w.per_item.0 > 0 { " · " (c.currency.format(w.base)) @if w.per_item.0 > 0 { " + " (c.currency.format(w.per_item)) " per item" } } @else { " · free" }
                                    @if let Some(free) = w.free_from { " (free from " (c.currency.format(free)) ")" }
                                }
                            }
                        }
                        noscript { button.button type="submit" { "Update the total" } }
                    }
                }
                form.checkout method="post" action={ (b) "/checkout" } {
                    (csrf(f))
                    input type="hidden" name="key" value=(key);
                    @if let Some(way) = v.cart.shipping.filter(|_| ships) { input type="hidden" name="shipping" value=(way); }
                    label for="name" { "Your name" }
                    input #name type="text" name="name" value=(name) required maxlength="100" autocomplete="name";
                    label for="email" { "Your e-mail" }
                    input #email type="email" name="email" value=(email) required maxlength="254" autocomplete="email";
                    @if ships {
                        label for="address" { "Where we send your prints" }
                        textarea #address name="address" rows="4" required maxlength="500" autocomplete="street-address" {}
                    }
                    label for="note" { "A note for us (optional)" }
                    textarea #note name="note" rows="3" maxlength="2000" placeholder="e.g. please retouch the one by the lake" {}
                    details {
                        summary { "Ordering for a business?" }
                        label for="vat_id" { "VAT number (printed on the invoice)" }
                        input #vat_id type="text" name="vat_id" maxlength="40" autocomplete="off";
                    }
                    p.muted {
                        @if pays { "Your invoice arrives by e-mail right away, with how to pay." } @else { "There is nothing to pay. We let you know by e-mail as your order goes along." }
                    }
                    button.button.primary.big #place type="submit" disabled[v.quote.is_err()] { "Place order" }
                }
            }
        },
    )
}

/// The steps an order goes through, for the client's page.
fn order_steps(o: &Order) -> Vec<(&'static str, bool)> {
    let ships = o.quote.ships;
    let s = o.state;
    let mut out = vec![("Placed", true)];
    if o.quote.total.0 > 0 {
        out.push(("Invoiced", !o.invoices.is_empty()));
        out.push(("Paid", s.paid()));
    }
    if ships {
        out.push((
            "Shipped",
            matches!(s, OrderState::Shipped | OrderState::Delivered | OrderState::Completed),
        ));
    }
    if !o.digital.is_empty() {
        out.push(("Photos delivered", o.delivered_ms.is_some()));
    }
    out.push(("Completed", matches!(s, OrderState::Completed | OrderState::Delivered)));
    out
}

/// How the client may pay now.
pub struct Pay {
    /// Card payment is configured.
    pub card: bool,
    /// Back from the card checkout (the provider's notice may still be on its way).
    pub back_from_card: bool,
}

/// A placed order as the client sees it.
pub fn order(f: &Frame, o: &Order, c: &Catalog, photos: &BTreeMap<PhotoId, CartPhoto>, pay: &Pay) -> Markup {
    let b = &f.base;
    let money = |m| o.currency.format(m);
    let balance = o.balance();
    let bill = &c.billing;
    let reference = o
        .invoice()
        .map(|n| format!("Invoice {}", Invoice::label(n)))
        .unwrap_or_else(|| format!("Order {}", o.number));
    let qr = (balance.0 > 0 && !o.state.closed())
        .then(|| epc_payload(bill, &o.currency, balance, &reference))
        .flatten()
        .and_then(|p| crate::web::invoice::epc_svg(&p));
    page(
        f.studio,
        &format!("Order {} · {}", o.number, f.title),
        Some(f.csrf),
        html! {
            (bar(f, "Your order", ("Your order", format!("{b}/order"))))
            main.page.order-page {
                p.eyebrow { "Order " (o.number) " · " (human_time(o.placed_ms)) }
                h1 #order-state { (o.state.words()) }
                @if !matches!(o.state, OrderState::Cancelled | OrderState::Refunded) {
                    ol.order-steps {
                        @for (name, done) in order_steps(o) { li.done[done] { (name) } }
                    }
                }
                @if pay.back_from_card && balance.0 > 0 {
                    p.notice role="status" { "Thank you! Your card payment is being confirmed; this page shows it as paid in a moment." }
                }
                @if balance.0 > 0 && !o.state.closed() {
                    section.card.pay #pay {
                        h2 { "To pay: " (money(balance)) }
                        @if pay.card {
                            form method="post" action={ (b) "/orders/" (o.id) "/pay" } {
                                (csrf(f))
                                button.button.primary.big #pay-card type="submit" { "Pay " (money(balance)) " by card" }
                            }
                            p.muted { "Or by transfer:" }
                        }
                        @if !bill.iban.is_empty() {
                            p { "Transfer to " strong { (bill.account_holder) } br; "IBAN " code { (bill.iban) } @if !bill.bic.is_empty() { br; "BIC " code { (bill.bic) } } br; "Reference " code { (reference) } }
                        }
                        @if let Some(svg) = &qr {
                            figure.epc { (PreEscaped(svg)) figcaption.muted { "Scan with your banking app to pay" } }
                        }
                        @if !bill.instructions.is_empty() { p.pre { (bill.instructions) } }
                        @if bill.iban.is_empty() && bill.instructions.is_empty() { p { "Your photographer will tell you how to pay." } }
                    }
                }
                @if o.deliverable() && !o.digital.is_empty() {
                    p { a.button.primary #files-link href={ (b) "/orders/" (o.id) "/files" } { @if o.delivered_ms.is_some() { "Your photos are ready →" } @else { "Your photos (as they are retouched) →" } } }
                }
                @if o.invoice().is_some() {
                    p { a.button #invoice-link href={ (b) "/orders/" (o.id) "/invoice" } { "Invoice " (Invoice::label(o.invoice().unwrap_or_default())) } }
                }
                section.card {
                    h2 { "What you ordered" }
                    (price_table(&o.quote, &o.currency, photos))
                    @if let Some(k) = &o.cart.package { p.muted { (count(k.photos.len(), "photo", "photos")) " in your package: " (k.photos.iter().filter_map(|id| photos.get(id)).map(|p| p.filename.as_str()).collect::<Vec<_>>().join(", ")) } }
                    @if let Some(a) = &o.customer.address { p.muted.pre { "Sent to:\n" (a) } }
                }
                section.card {
                    h2 { "What happened" }
                    ul.timeline {
                        @for e in &o.timeline { li { span.muted { (human_time(e.at_ms)) } " " (e.what) } }
                    }
                }
                p { a href={ (b) "/photos" } { "← Back to the photos" } }
            }
        },
    )
}

/// The delivery page: each file of the order, ready or still being retouched, and a zip.
pub fn delivery(
    f: &Frame,
    o: &Order,
    files: &[crate::app::delivery::File],
    thumbs: &[(String, String)],
) -> Markup {
    let b = &f.base;
    let ready = files.iter().filter(|x| x.ready).count();
    page(
        f.studio,
        &format!("Your photos · order {} · {}", o.number, f.title),
        Some(f.csrf),
        html! {
            (bar(f, "Your finals", ("Your order", format!("{b}/orders/{}", o.id))))
            main.page.order-page {
                p.eyebrow { "Order " (o.number) }
                h1 { "Your photos" }
                @if ready == files.len() {
                    p.lead { "All " (count(ready, "photo is", "photos are")) " ready. They stay here for you: come back to this page any time from your order." }
                } @else {
                    p.lead { (ready) " of " (files.len()) " ready. The others are being retouched; we e-mail you when they are all here." }
                }
                @if ready > 0 {
                    p { a.button.primary.big #delivery-zip href={ (b) "/orders/" (o.id) "/zip" } download { "Download all (" (ready) ")" } }
                }
                ul.order-photos.delivery {
                    @for x in files {
                        li {
                            (thumb(thumbs, &x.photo))
                            span.name { (x.name) br; span.muted { @if !x.ready { "being retouched" } @else if let Some(e) = x.edge { (e) " px on the long side" } @else { "full size · " (crate::web::views::human_size(x.size)) } } }
                            @if x.ready { a.button href={ (b) "/orders/" (o.id) "/files/" (x.photo) } download { "Download" } }
                        }
                    }
                }
            }
        },
    )
}
