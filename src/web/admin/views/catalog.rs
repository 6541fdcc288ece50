//! The prices page: the studio's currency and tax, its products and its packages.

use maud::{Markup, html};

use super::{Chrome, layout};
use crate::domain::{
    Hash, PriceListId,
    catalog::{Catalog, Discount, ProductKind},
};
use crate::web::views::kind_words;

/// The page with the products and packages of `list` (the default's for `None`);
/// `galleries` are the titles of the galleries coupons are limited to.
pub fn page(
    studio: &str,
    csrf: &str,
    c: &Catalog,
    list: Option<PriceListId>,
    galleries: &std::collections::HashMap<String, String>,
    photo_url: &dyn Fn(Hash) -> String,
) -> Markup {
    let money = |m| c.currency.format(m);
    let shown = c.list(list);
    let list_field = list.map(|l| l.to_string()).unwrap_or_default();
    let list_name = match list {
        None => "the studio's default list".to_string(),
        Some(_) => format!("“{}”", shown.name),
    };
    let digitals: Vec<_> =
        shown.products.iter().filter(|p| matches!(p.kind, ProductKind::Digital { .. })).collect();
    layout(
        &Chrome { studio, csrf: Some(csrf) },
        "Prices",
        html! {
            div.pagehead { div { p.eyebrow { "Settings" } h1 { "Prices and packages" } } }
            p.muted { "Clients see these in each gallery's pricing guide, linked from its cover." }
            section.card #lists {
                h2 { "Price lists" }
                p.muted { "Every gallery orders from the studio's default list unless its settings choose another; galleries inside it follow. Each list has its own products and packages." }
                nav.list-tabs aria-label="Price lists" {
                    a href="/admin/prices#products" aria-current=[list.is_none().then_some("page")] { "Studio default" }
                    @for l in &c.lists {
                        @if let Some(id) = l.id {
                            a href={ "/admin/prices?list=" (id) "#products" } aria-current=[(list == Some(id)).then_some("page")] { (l.name) }
                        }
                    }
                }
                form.inline-form method="post" action="/admin/prices/lists" {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="l-name" { "New list" }
                    input #l-name type="text" name="name" required maxlength="80" placeholder="e.g. Weddings";
                    label.check { input type="checkbox" name="copy" checked; span { "Start from a copy of the default's products and packages" } }
                    button.button type="submit" { "Add price list" }
                }
                @if let Some(id) = list {
                    form method="post" action={ "/admin/prices/lists/" (id) "/delete" } {
                        input type="hidden" name="csrf" value=(csrf);
                        button.link type="submit" { "Remove the list “" (shown.name) "” (its galleries order from the default again)" }
                    }
                }
            }
            div.studio-grid {
                section.card #terms {
                    h2 { "Currency and tax" }
                    form method="post" action="/admin/prices/terms" {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="currency" { "Currency (ISO code)" }
                        input #currency type="text" name="currency" value=(c.currency.code) maxlength="3" required autocomplete="off";
                        label for="tax" { "Tax rate, %" }
                        input #tax type="text" name="tax" inputmode="decimal" value=(format!("{}", c.tax.rate_bp as f64 / 100.0));
                        label.check { input type="checkbox" name="inclusive" checked[c.tax.inclusive]; span { "Prices include the tax (for private clients)" } }
                        button.button.primary type="submit" { "Save" }
                    }
                }
                section.card #new-product {
                    h2 { "Add a product to " (list_name) }
                    form method="post" action="/admin/prices/products" {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="list" value=(list_field);
                        label for="p-name" { "Name" }
                        input #p-name type="text" name="name" required maxlength="120" placeholder="e.g. Fine art print 20 × 25";
                        label for="p-kind" { "Kind" }
                        select #p-kind name="kind" {
                            option value="digital" { "Digital file" }
                            option value="print" { "Print" }
                            option value="wall-art" { "Wall art (canvas, frame)" }
                            option value="album" { "Album" }
                            option value="custom" { "Other item" }
                            option value="gallery" { "The whole gallery, digital" }
                        }
                        label for="p-size" { "Print size (prints and wall art): 20 x 25 in cm, or 8x10in" }
                        input #p-size type="text" name="size" autocomplete="off";
                        label for="p-edge" { "Digital size: long edge in px (empty: full resolution)" }
                        input #p-edge type="text" name="long_edge" inputmode="numeric" autocomplete="off";
                        label for="p-price" { "Price (" (c.currency.code) ")" }
                        input #p-price type="text" name="price" inputmode="decimal" required;
                        label for="p-cost" { "Your cost (optional, never shown to clients)" }
                        input #p-cost type="text" name="cost" inputmode="decimal";
                        label.check { input type="checkbox" name="proofs_only"; span { "Only for proofs (finals are free to download)" } }
                        label.check { input type="checkbox" name="ships"; span { "Other item: it is sent to the client" } }
                        button.button.primary type="submit" { "Add product" }
                    }
                }
            }
            section.card #products {
                h2 { "Products in " (list_name) }
                @if shown.products.is_empty() {
                    p.muted { "No products yet." }
                } @else {
                    table.data {
                        thead { tr { th { "Name" } th { "What" } th { "Price" } th { "Photo in the guide" } th { span.sr-only { "Remove" } } } }
                        tbody {
                            @for p in &shown.products {
                                tr {
                                    td { (p.name) @if !p.states.is_empty() { " " span.tag.plain { "proofs only" } } }
                                    td { (kind_words(&p.kind)) }
                                    td { (money(p.price)) }
                                    td.product-photo {
                                        @if let Some(h) = p.photo { img src=(photo_url(h)) alt={ "Photo of " (p.name) } loading="lazy"; }
                                        form method="post" action={ "/admin/prices/products/" (p.id) "/photo" } enctype="multipart/form-data" {
                                            input type="hidden" name="csrf" value=(csrf);
                                            input type="hidden" name="list" value=(list_field);
                                            input type="file" name="file" accept="image/*" required aria-label={ "A photo of " (p.name) };
                                            button.button type="submit" { @if p.photo.is_some() { "Replace" } @else { "Upload" } }
                                        }
                                        @if p.photo.is_some() {
                                            form method="post" action={ "/admin/prices/products/" (p.id) "/photo" } enctype="multipart/form-data" {
                                                input type="hidden" name="csrf" value=(csrf);
                                                input type="hidden" name="list" value=(list_field);
                                                input type="hidden" name="remove" value="on";
                                                button.link type="submit" { "Remove photo" }
                                            }
                                        }
                                    }
                                    td {
                                        form method="post" action={ "/admin/prices/products/" (p.id) "/delete" } {
                                            input type="hidden" name="csrf" value=(csrf);
                                            input type="hidden" name="list" value=(list_field);
                                            button.link type="submit" aria-label={ "Remove " (p.name) } { "Remove" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section.card #packages {
                h2 { "Packages in " (list_name) }
                @for k in &shown.packages {
                    div.package-row {
                        p { strong { (k.name) } " · " (money(k.price)) br; span.muted { (k.contents(shown)) "; each extra image " (money(k.extra_image)) } }
                        form method="post" action={ "/admin/prices/packages/" (k.id) "/delete" } {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="list" value=(list_field);
                            button.link type="submit" aria-label={ "Remove " (k.name) } { "Remove" }
                        }
                    }
                }
                @if digitals.is_empty() {
                    p.muted { "Add a digital product first: a package's images are delivered as one." }
                } @else {
                    h3 { "Add a package" }
                    form method="post" action="/admin/prices/packages" {
                        input type="hidden" name="csrf" value=(csrf);
                        input type="hidden" name="list" value=(list_field);
                        label for="k-name" { "Name" }
                        input #k-name type="text" name="name" required maxlength="120" placeholder="e.g. Collection";
                        label for="k-price" { "Price (" (c.currency.code) ")" }
                        input #k-price type="text" name="price" inputmode="decimal" required;
                        label for="k-images" { "Digital images included" }
                        input #k-images type="number" name="images" min="0" max="10000" value="10" required;
                        label for="k-digital" { "Delivered as" }
                        select #k-digital name="digital" {
                            @for p in &digitals { option value=(p.id) { (p.name) } }
                        }
                        label for="k-includes" { "Also included (optional)" }
                        select #k-includes name="includes" {
                            option value="" { "Nothing else" }
                            @for p in shown.products.iter().filter(|p| !matches!(p.kind, ProductKind::Digital { .. })) {
                                option value=(p.id) { (p.name) }
                            }
                        }
                        label for="k-extra" { "Each extra image (" (c.currency.code) ")" }
                        input #k-extra type="text" name="extra_image" inputmode="decimal";
                        button.button.primary type="submit" { "Add package" }
                    }
                }
            }
            section.card #shipping {
                h2 { "Shipping" }
                p.muted { "How prints reach clients. With none, orders that ship leave it to you." }
                @for w in &c.shipping {
                    div.package-row {
                        p { strong { (w.name) } " · " (money(w.base)) @if w.per_item.0 > 0 { " + " (money(w.per_item)) " per item" } @if let Some(f) = w.free_from { " · free from " (money(f)) } }
                        form method="post" action={ "/admin/prices/shipping/" (w.id) "/delete" } {
                            input type="hidden" name="csrf" value=(csrf);
                            button.link type="submit" aria-label={ "Remove " (w.name) } { "Remove" }
                        }
                    }
                }
                form method="post" action="/admin/prices/shipping" {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="s-name" { "Name" }
                    input #s-name type="text" name="name" required maxlength="80" placeholder="e.g. Post, or Pickup at the studio";
                    label for="s-base" { "Flat amount (" (c.currency.code) ")" }
                    input #s-base type="text" name="base" inputmode="decimal";
                    label for="s-item" { "Per item (" (c.currency.code) ")" }
                    input #s-item type="text" name="per_item" inputmode="decimal";
                    label for="s-free" { "Free from an order of (" (c.currency.code) ", optional)" }
                    input #s-free type="text" name="free_from" inputmode="decimal";
                    button.button.primary type="submit" { "Add way of shipping" }
                }
            }
            section.card #coupons {
                h2 { "Coupons" }
                @for k in &c.coupons {
                    div.package-row {
                        p {
                            code { (k.code) } " · "
                            @match k.discount { Discount::PercentBp(bp) => { (format!("{}", bp as f64 / 100.0)) " % off" } Discount::Fixed(m) => { (money(m)) " off" } }
                            span.muted {
                                @if k.min_order.0 > 0 { " · from " (money(k.min_order)) }
                                @if let Some(e) = k.expires_ms { " · until " (crate::domain::day_in_words(e.saturating_sub(1))) }
                                " · used " (k.used) @if let Some(m) = k.max_uses { " of " (m) }
                                @if let Some(g) = k.gallery {
                                    @let title = galleries.get(&g.to_string()).map(String::as_str);
                                    " · only in " (title.unwrap_or("a gallery since deleted"))
                                }
                            }
                        }
                        form method="post" action={ "/admin/prices/coupons/" (k.code) "/delete" } {
                            input type="hidden" name="csrf" value=(csrf);
                            button.link type="submit" aria-label={ "Remove " (k.code) } { "Remove" }
                        }
                    }
                }
                form method="post" action="/admin/prices/coupons" {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="c-code" { "Code" }
                    input #c-code type="text" name="code" required maxlength="32" placeholder="e.g. SPRING" autocomplete="off";
                    label for="c-discount" { "Discount: 15% or an amount" }
                    input #c-discount type="text" name="discount" required;
                    label for="c-min" { "Minimum order (optional)" }
                    input #c-min type="text" name="min_order" inputmode="decimal";
                    label for="c-until" { "Last day (optional)" }
                    input #c-until type="date" name="until";
                    label for="c-uses" { "How many orders may use it (optional)" }
                    input #c-uses type="number" name="max_uses" min="1";
                    (super::picker(&super::Picker { id: "c-gallery", name: "gallery", purpose: "gallery", label: "Works in", blank: Some("Every gallery"), shown: true, ..Default::default() }))
                    button.button.primary type="submit" { "Add coupon" }
                }
            }
            section.card #billing {
                h2 { "Invoices and payment" }
                @let b = &c.billing;
                form method="post" action="/admin/prices/billing" {
                    input type="hidden" name="csrf" value=(csrf);
                    label for="b-address" { "Your legal name and address, as invoices show them" }
                    textarea #b-address name="address" rows="4" maxlength="500" { (b.address) }
                    label for="b-tax" { "Tax or VAT number" }
                    input #b-tax type="text" name="tax_id" maxlength="60" value=(b.tax_id);
                    label for="b-holder" { "Account holder (for bank transfers)" }
                    input #b-holder type="text" name="account_holder" maxlength="70" value=(b.account_holder);
                    label for="b-iban" { "IBAN (with it, euro invoices carry a QR code banking apps scan)" }
                    input #b-iban type="text" name="iban" maxlength="42" value=(b.iban) autocomplete="off";
                    label for="b-bic" { "BIC (optional)" }
                    input #b-bic type="text" name="bic" maxlength="11" value=(b.bic) autocomplete="off";
                    label for="b-how" { "Other ways to pay (e.g. cash at pickup)" }
                    textarea #b-how name="instructions" rows="2" maxlength="1000" { (b.instructions) }
                    label for="b-note" { "Note on every invoice (e.g. wording the law asks for)" }
                    textarea #b-note name="invoice_note" rows="2" maxlength="1000" { (b.invoice_note) }
                    label for="b-due" { "Days to pay" }
                    input #b-due type="number" name="due_days" min="0" max="365" value=(b.due_days);
                    label for="b-names" { "Names of delivered files: {filename}, {gallery}, {order}, {n} (empty: as uploaded)" }
                    input #b-names type="text" name="delivery_names" maxlength="120" value=(c.delivery_names) placeholder="{gallery}-{filename}";
                    label for="b-creator" { "Creator written into delivered JPEGs (empty: your studio's name)" }
                    input #b-creator type="text" name="delivery_creator" maxlength="120" value=(c.delivery_creator);
                    label for="b-copyright" { "Copyright notice in delivered JPEGs (empty: © year and the creator)" }
                    input #b-copyright type="text" name="delivery_copyright" maxlength="120" value=(c.delivery_copyright);
                    button.button.primary type="submit" { "Save" }
                }
            }
        },
    )
}
