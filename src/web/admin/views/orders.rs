//! The orders pages: the list with what needs doing, and one order.

use std::collections::BTreeMap;

use maud::{Markup, html};

use super::{Chrome, layout};
use crate::{
    app::orders::Overview,
    domain::{
        Money, PhotoId,
        order::{Invoice, Order, OrderState},
    },
    web::views::human_time,
};

/// What the photographer does next with an order, in a few words.
fn todo(o: &Order) -> Option<&'static str> {
    match o.state {
        OrderState::Placed if o.quote.total.0 > 0 => Some("invoice"),
        OrderState::Placed => Some("work on it"),
        OrderState::Invoiced => Some("waiting for payment"),
        OrderState::Paid | OrderState::InProduction if o.quote.ships => Some("produce and ship"),
        OrderState::Paid | OrderState::InProduction => Some("deliver"),
        _ => None,
    }
}

/// How many open orders the "To do" table shows: a studio with hundreds of unpaid
/// invoices still gets a page that reads at a glance; the rest are under "Every order".
const TODO_SHOWN: usize = 20;

/// The open orders the photographer has to act on first (invoice, produce, deliver), then
/// those waiting on the client, oldest first within each; at most `TODO_SHOWN`.
fn todo_first(open: &[Order]) -> Vec<Order> {
    let mut v: Vec<&Order> = open.iter().collect();
    v.sort_by_key(|o| (o.state == OrderState::Invoiced, o.id));
    v.into_iter().take(TODO_SHOWN).cloned().collect()
}

/// Money per month and currency: (month "2026-11", currency code) → (orders, total, paid).
fn months(orders: &[Order]) -> Vec<(String, String, usize, Money, Money)> {
    let mut by: BTreeMap<(String, String), (usize, Money, Money)> = BTreeMap::new();
    for o in orders.iter().filter(|o| !matches!(o.state, OrderState::Cancelled | OrderState::Refunded)) {
        let day = crate::domain::day_in_words(o.placed_ms);
        let month = time::OffsetDateTime::from_unix_timestamp((o.placed_ms / 1000) as i64)
            .map(|t| format!("{}-{:02}", t.year(), u8::from(t.month())))
            .unwrap_or(day);
        let e = by.entry((month, o.currency.code.clone())).or_insert((0, Money::ZERO, Money::ZERO));
        e.0 += 1;
        e.1 += o.quote.total;
        e.2 += o.paid_amount();
    }
    by.into_iter().rev().map(|((m, c), (n, t, p))| (m, c, n, t, p)).collect()
}

pub fn list(studio: &str, csrf: &str, o: &Overview) -> Markup {
    let count = |f: &dyn Fn(&Order) -> bool| o.open.iter().filter(|o| f(o)).count();
    let waiting_payment = count(&|o| o.state == OrderState::Invoiced);
    let to_ship = count(&|o| o.quote.ships && matches!(o.state, OrderState::Paid | OrderState::InProduction));
    let waiting_finals = count(&|o| o.awaits_delivery());
    let not_closed = count(&|o| !o.state.closed());
    layout(
        &Chrome { studio, csrf: Some(csrf) },
        "Orders",
        html! {
            div.pagehead { div { p.eyebrow { "Studio" } h1 { "Orders" } } }
            @if o.total == 0 {
                p.muted { "No orders yet. Clients order from a gallery's order page once you have set prices (Studio → Prices)." }
            } @else if o.first {
                ul.needs #needs {
                    li { strong { (waiting_payment) } " waiting for payment" }
                    li { strong { (waiting_finals) } " waiting for finals (upload the retouched files with the same names)" }
                    li { strong { (to_ship) } " prints to produce and ship" }
                    li { (not_closed) " open · " (o.total) " in all" }
                }
                @if !o.open.is_empty() {
                    h2 { "To do" }
                    (table("open", &todo_first(&o.open)))
                    @if o.open.len() > TODO_SHOWN {
                        p.muted #more-open { (o.open.len() - TODO_SHOWN) " more open orders are in the list below." }
                    }
                }
                @if !o.year.is_empty() {
                    h2 { "The last twelve months" }
                    table.data #months {
                        thead { tr { th { "Month" } th.num { "Orders" } th.num { "Ordered" } th.num { "Received" } } }
                        tbody {
                            @for (m, cur, n, total, paid) in months(&o.year) {
                                @let c = crate::domain::Currency::of(&cur).unwrap_or_default();
                                tr { td { (m) } td.num { (n) } td.num { (c.format(total)) } td.num { (c.format(paid)) } }
                            }
                        }
                    }
                }
                h2 { "Every order" }
            }
            @if o.total > 0 {
                @if o.page.is_empty() {
                    p.muted { "No older orders." }
                } @else {
                    (table("orders", &o.page))
                }
                nav.pager aria-label="More orders" {
                    @if !o.first { a href="/admin/orders" { "← Newest" } }
                    @if let Some(next) = o.next { a href={ "/admin/orders?before=" (next) } { "Older orders →" } }
                }
            }
        },
    )
}

/// Orders as rows: number, client, when, state, what to do next, money.
fn table(id: &str, orders: &[Order]) -> Markup {
    html! {
        table.data.orders id=(id) {
            thead { tr { th { "Order" } th { "Client" } th { "Placed" } th { "State" } th { "Next" } th.num { "Total" } th.num { "To pay" } } }
            tbody {
                @for o in orders {
                    tr {
                        td { a href={ "/admin/orders/" (o.id) } { "Order " (o.number) } }
                        td { (o.customer.name) br; span.muted { (o.customer.email) } }
                        td { (human_time(o.placed_ms)) }
                        td { (o.state.words()) }
                        td { @if let Some(t) = todo(o) { (t) } @else if o.awaits_delivery() { "waiting for finals" } }
                        td.num { (o.currency.format(o.quote.total)) }
                        td.num.to-pay { @if !o.state.closed() { (o.currency.format(o.balance())) } }
                    }
                }
            }
        }
    }
}

pub fn page(
    studio: &str,
    csrf: &str,
    o: &Order,
    names: &BTreeMap<PhotoId, String>,
    choices: &crate::app::orders::AddChoices,
) -> Markup {
    let money = |m| o.currency.format(m);
    let c = &o.customer;
    layout(
        &Chrome { studio, csrf: Some(csrf) },
        &format!("Order {}", o.number),
        html! {
            p { a href="/admin/orders" { "← Orders" } }
            div.pagehead { div { p.eyebrow { "Order " (o.number) " · " (human_time(o.placed_ms)) } h1 #order-state { (o.state.words()) } } }
            div.studio-grid {
                section.card {
                    h2 { "Client" }
                    p { strong { (c.name) } br; a href={ "mailto:" (c.email) } { (c.email) } }
                    @if let Some(a) = &c.address { p.pre { (a) } }
                    @if let Some(v) = &c.vat_id { p { "VAT number: " (v) } }
                    @if let Some(n) = &c.note { p.muted { "Their note:" } blockquote.pre { (n) } }
                }
                section.card #money {
                    h2 { "Payment" }
                    p { "Total " strong { (money(o.quote.total)) } " · paid " (money(o.paid_amount())) " · to pay " strong #balance { (money(o.balance())) } }
                    @for p in &o.payments { p.muted { (human_time(p.at_ms)) " · " (money(p.amount)) " by " (p.method) } }
                    @for n in &o.invoices {
                        p { a href={ "/admin/orders/" (o.id) "/invoice?n=" (n) } { "Invoice " (Invoice::label(*n)) } @if Some(*n) != o.invoice() { span.muted { " (replaced)" } } }
                    }
                    @if !o.state.paid() && !o.state.closed() && o.balance().0 > 0 {
                        form method="post" action={ "/admin/orders/" (o.id) "/payments" } {
                            input type="hidden" name="csrf" value=(csrf);
                            label for="amount" { "Amount received" }
                            input #amount type="text" name="amount" inputmode="decimal" value=(o.currency.plain(o.balance())) required;
                            label for="method" { "How" }
                            select #method name="method" {
                                option { "bank transfer" }
                                option { "cash" }
                                option { "card" }
                                option { "other" }
                            }
                            button.button.primary #record-payment type="submit" { "Record payment" }
                        }
                    }
                }
            }
            section.card {
                h2 { "Lines" }
                table.data {
                    tbody {
                        @for l in &o.quote.lines {
                            tr {
                                td { @if l.quantity > 1 { (l.quantity) " × " } (l.label) @if let Some(n) = l.photo.and_then(|p| names.get(&p)) { " · " code { (n) } } }
                                td.num { (money(l.amount)) }
                            }
                        }
                        @if o.quote.discount.0 > 0 { tr { td { "Coupon " @if let Some(c) = &o.cart.coupon { code { (c) } } } td.num { "−" (money(o.quote.discount)) } } }
                        @if o.quote.ships { tr { td { "Shipping" } td.num { (money(o.quote.shipping)) } } }
                        tr { td { strong { "Total" } } td.num { strong { (money(o.quote.total)) } } }
                    }
                }
                (wall_views(o, names))
                @if o.state.editable() {
                    h3 { "Change before payment" }
                    p.muted { "The price is computed again; an invoiced order gets a new invoice in place of the old one, and the client is told." }
                    @for (n, l) in o.cart.lines.iter().enumerate() {
                        form.inline-form method="post" action={ "/admin/orders/" (o.id) "/lines/" (n) "/delete" } {
                            input type="hidden" name="csrf" value=(csrf);
                            span { "Line " (n + 1) ": " (l.quantity) " × " @if let Some(name) = l.photo.and_then(|p| names.get(&p)) { code { (name) } } }
                            button.link type="submit" { "Take out" }
                        }
                    }
                    @if !choices.products.is_empty() {
                        form.add-line #add-line method="post" action={ "/admin/orders/" (o.id) "/lines" } {
                            input type="hidden" name="csrf" value=(csrf);
                            label for="add-product" { "Add" }
                            select #add-product name="product" required {
                                @for (id, name, per_photo) in &choices.products {
                                    option value=(id) data-photo=[per_photo.then_some("yes")] { (name) }
                                }
                            }
                            label for="add-photo" { "of the photo (for files and prints)" }
                            select #add-photo name="photo" {
                                option value="" { "No photo" }
                                @for (id, name) in &choices.photos { option value=(id) { (name) } }
                            }
                            label for="add-quantity" { "Quantity" }
                            input #add-quantity type="number" name="quantity" min="1" max="100" value="1" required;
                            button.button type="submit" { "Add to the order" }
                        }
                    }
                    form.inline-form #discount-form method="post" action={ "/admin/orders/" (o.id) "/discount" } {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="discount" { "Discount (" (o.currency.code) "; replaces a coupon; 0 takes it away)" }
                        input #discount type="text" name="discount" inputmode="decimal" value=(o.discount.map(|m| o.currency.plain(m)).unwrap_or_default());
                        button.button type="submit" { "Apply" }
                    }
                }
                @if let Some(k) = &o.cart.package {
                    p { "Package photos (" (k.photos.len()) "): " }
                    p { code { (k.photos.iter().map(|id| names.get(id).map_or("?", |n| n.as_str())).collect::<Vec<_>>().join(", ")) } }
                }
            }
            @if o.quote.ships {
                section.card #prints {
                    h2 { "Prints" }
                    p { "The print and wall-art lines as files for your lab: each photo cropped as the client chose, at 300 ppi for its size, with a CSV order sheet." }
                    a.button #lab-zip href={ "/admin/orders/" (o.id) "/lab.zip" } download { "Download for the lab" }
                }
            }
            @if !o.digital.is_empty() {
                section.card #delivery {
                    h2 { "Files" }
                    p {
                        (o.digital.len()) " digital photo" @if o.digital.len() != 1 { "s" } ". "
                        @match o.delivered_ms {
                            Some(at) => { "Delivered " (human_time(at)) "." }
                            None if o.deliverable() => { "Delivered by themselves when every one is FINAL (upload the retouched files with the same names)." }
                            None => { "Delivered once the order is paid and the finals are uploaded." }
                        }
                    }
                    @if o.deliverable() && !o.delivered_all {
                        form method="post" action={ "/admin/orders/" (o.id) "/deliver" } {
                            input type="hidden" name="csrf" value=(csrf);
                            button.button #deliver-now type="submit" { "Deliver pending items now" }
                        }
                    }
                }
            }
            @if !o.state.next().is_empty() {
                section.card {
                    h2 { "Move the order" }
                    div.actions {
                        @for s in o.state.next() {
                            form method="post" action={ "/admin/orders/" (o.id) "/state" } {
                                input type="hidden" name="csrf" value=(csrf);
                                input type="hidden" name="state" value=(s.slug());
                                @if *s == OrderState::Refunded {
                                    button.button.danger type="submit" { "Refund" }
                                } @else {
                                    button.button.danger[*s == OrderState::Cancelled] type="submit" { "Mark " (s.words().to_lowercase()) }
                                }
                            }
                        }
                    }
                    @if o.state.next().contains(&OrderState::Refunded) {
                        p.muted {
                            @if o.payments.iter().any(|p| p.method == crate::domain::order::CARD) { "Refund gives card payments back through Stripe. " }
                            "Money paid by transfer or cash you give back yourself; the client is told the order was refunded."
                        }
                    }
                }
            }
            section.card {
                h2 { "Timeline" }
                ul {
                    @for e in &o.timeline { li { span.muted { (human_time(e.at_ms)) " · " (e.by.words()) } " · " (e.what) } }
                }
            }
        },
    )
}

/// The lines chosen on a wall in a live session, with the room they were seen in.
fn wall_views(o: &Order, names: &BTreeMap<PhotoId, String>) -> maud::Markup {
    use crate::domain::live::Frame;
    let walls: Vec<_> =
        o.cart.lines.iter().enumerate().filter_map(|(n, l)| l.room.as_ref().map(|r| (n, l, r))).collect();
    maud::html! {
        @if !walls.is_empty() {
            h3 { "Chosen on the wall" }
            ul #wall-views {
                @for (n, l, r) in &walls {
                    li {
                        "Line " (n + 1) ": "
                        @if let Some(name) = l.photo.and_then(|p| names.get(&p)) { code { (name) } " " }
                        @match r.wall {
                            Some(_) => "on the client's own wall",
                            None => { "in the " (crate::app::live::ROOMS.iter().find(|(id, _)| *id == r.room).map_or("room", |(_, name)| name).to_lowercase()) }
                        }
                        ", the wall " (r.wall_mm.div_ceil(10)) " cm wide, "
                        (match r.frame { Frame::Black => "black frame", Frame::White => "white frame", Frame::Canvas => "canvas", Frame::None => "print only" })
                        @if r.photos.len() > 1 { " (a gallery wall of " (r.photos.len()) ")" }
                    }
                }
            }
            p.muted { "The client's confirmation mail shows each as a picture of the wall." }
        }
    }
}
