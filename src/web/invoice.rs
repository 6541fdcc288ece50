//! The printable invoice, the same for the client and the photographer: a plain document
//! with its own print styles (the browser's "Save as PDF" makes the PDF), showing what the
//! invoice recorded when it was issued, never the studio's settings of today.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use crate::{
    domain::{
        day_in_words,
        order::{Invoice, epc_payload},
    },
    web::assets,
};

/// The QR code a banking app scans to pay (EPC "GiroCode"), as inline SVG.
pub fn epc_svg(payload: &str) -> Option<String> {
    let code = qrcode::QrCode::with_error_correction_level(payload.as_bytes(), qrcode::EcLevel::M).ok()?;
    Some(code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).quiet_zone(true).build())
}

pub fn page(inv: &Invoice) -> Markup {
    let c = &inv.currency;
    let money = |m| c.format(m);
    let q = &inv.quote;
    let label = Invoice::label(inv.number);
    let reference = format!("Invoice {label}");
    let qr = epc_payload(&inv.billing, c, q.total, &reference).and_then(|p| epc_svg(&p));
    let rate = format!("{}", q.tax_rate_bp as f64 / 100.0);
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="robots" content="noindex";
                title { "Invoice " (label) " · " (inv.studio) }
                link rel="stylesheet" href=(assets::url("app.css"));
                link rel="stylesheet" href=(assets::url("client.css"));
                script src=(assets::url("invoice.js")) defer {}
            }
            body.invoice-body {
                main.invoice {
                    p.no-print { button.button type="button" data-print { "Print or save as PDF" } }
                    header.invoice-head {
                        div {
                            strong.studio { (inv.studio) }
                            @if !inv.billing.address.is_empty() { p.pre { (inv.billing.address) } }
                            @if !inv.billing.tax_id.is_empty() { p { "Tax number: " (inv.billing.tax_id) } }
                        }
                        div.meta {
                            h1 { "Invoice " (label) }
                            p { "Issued " (day_in_words(inv.issued_ms)) br; "Due " (day_in_words(inv.due_ms)) br; "Order " (inv.order_number) }
                            @if let Some(r) = inv.replaces { p { "Replaces invoice " (Invoice::label(r)) } }
                        }
                    }
                    section.bill-to {
                        p.muted { "Billed to" }
                        p { strong { (inv.customer.name) } br; (inv.customer.email) }
                        @if let Some(a) = &inv.customer.address { p.pre { (a) } }
                        @if let Some(v) = &inv.customer.vat_id { p { "VAT number: " (v) } }
                    }
                    table.quote.invoice-lines {
                        thead { tr { th { "Item" } th.amount { "Qty" } th.amount { "Unit" } th.amount { "Amount" } } }
                        tbody {
                            @for l in &q.lines {
                                tr { td { (l.label) } td.amount { (l.quantity) } td.amount { (money(l.unit)) } td.amount { (money(l.amount)) } }
                            }
                        }
                        tfoot {
                            @if q.discount.0 > 0 { tr { td colspan="3" { "Coupon" } td.amount { "−" (money(q.discount)) } } }
                            @if q.ships { tr { td colspan="3" { "Shipping" } td.amount { (money(q.shipping)) } } }
                            tr { td colspan="3" { "Net" } td.amount { (money(inv.net())) } }
                            tr { td colspan="3" { "Tax " (rate) " % on " (money(inv.net())) } td.amount { (money(q.tax)) } }
                            tr.total { td colspan="3" { "Total" } td.amount { (money(q.total)) } }
                        }
                    }
                    @if !inv.billing.invoice_note.is_empty() { p.pre.note { (inv.billing.invoice_note) } }
                    @if !inv.billing.iban.is_empty() || qr.is_some() {
                        section.invoice-pay {
                            div {
                                p { strong { "Payment" } }
                                @if !inv.billing.iban.is_empty() {
                                    p { (inv.billing.account_holder) br; "IBAN " (inv.billing.iban) @if !inv.billing.bic.is_empty() { br; "BIC " (inv.billing.bic) } br; "Reference: " (reference) }
                                }
                            }
                            @if let Some(svg) = &qr { figure.epc { (PreEscaped(svg)) figcaption.muted { "Scan to pay" } } }
                        }
                    }
                    @if !inv.billing.instructions.is_empty() { p.pre { (inv.billing.instructions) } }
                }
            }
        }
    }
}
