//! The prices page: the studio's currency and tax, its products and its packages.

use maud::{Markup, html};

use super::{Chrome, layout};
use crate::domain::catalog::{Catalog, ProductKind};
use crate::web::views::kind_words;

pub fn page(studio: &str, csrf: &str, c: &Catalog) -> Markup {
    let money = |m| c.currency.format(m);
    let digitals: Vec<_> =
        c.prices.products.iter().filter(|p| matches!(p.kind, ProductKind::Digital { .. })).collect();
    layout(
        &Chrome { studio, csrf: Some(csrf) },
        "Prices",
        html! {
            div.pagehead { div { p.eyebrow { "Settings" } h1 { "Prices and packages" } } }
            p.muted { "Clients see these in each gallery's pricing guide, linked from its cover." }
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
                    h2 { "Add a product" }
                    form method="post" action="/admin/prices/products" {
                        input type="hidden" name="csrf" value=(csrf);
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
                h2 { "Products" }
                @if c.prices.products.is_empty() {
                    p.muted { "No products yet." }
                } @else {
                    table.data {
                        thead { tr { th { "Name" } th { "What" } th { "Price" } th { span.sr-only { "Remove" } } } }
                        tbody {
                            @for p in &c.prices.products {
                                tr {
                                    td { (p.name) @if !p.states.is_empty() { " " span.tag.plain { "proofs only" } } }
                                    td { (kind_words(&p.kind)) }
                                    td { (money(p.price)) }
                                    td {
                                        form method="post" action={ "/admin/prices/products/" (p.id) "/delete" } {
                                            input type="hidden" name="csrf" value=(csrf);
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
                h2 { "Packages" }
                @for k in &c.prices.packages {
                    div.package-row {
                        p { strong { (k.name) } " · " (money(k.price)) br; span.muted { (k.contents(&c.prices)) "; each extra image " (money(k.extra_image)) } }
                        form method="post" action={ "/admin/prices/packages/" (k.id) "/delete" } {
                            input type="hidden" name="csrf" value=(csrf);
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
                            @for p in c.prices.products.iter().filter(|p| !matches!(p.kind, ProductKind::Digital { .. })) {
                                option value=(p.id) { (p.name) }
                            }
                        }
                        label for="k-extra" { "Each extra image (" (c.currency.code) ")" }
                        input #k-extra type="text" name="extra_image" inputmode="decimal";
                        button.button.primary type="submit" { "Add package" }
                    }
                }
            }
        },
    )
}
