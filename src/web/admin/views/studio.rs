//! The studio page: the logo clients see on covers, and the watermark for proofs.

use maud::{Markup, html};

use super::{Chrome, layout};
use crate::domain::{MarkPosition, Studio};

/// The accent colour, type pairing and contact details clients see.
fn brand(csrf: &str, s: &Studio) -> Markup {
    use crate::domain::brand::Pairing;
    let b = &s.brand;
    html! {
        section.card #brand {
            h2 { "Branding" }
            p.muted { "Client pages and messages use your accent colour and type, and show your contact details. The colour must be dark enough for white words on it and for links on the page (WCAG AA, 4.5:1)." }
            form method="post" action="/admin/studio/brand" {
                input type="hidden" name="csrf" value=(csrf);
                div.row2 {
                    div {
                        label for="accent" { "Accent colour" }
                        input #accent type="text" name="accent" value=(b.accent()) pattern="#?[0-9a-fA-F]{6}" placeholder="#a8562e";
                    }
                    div {
                        label for="accent-pick" { "Pick" }
                        input #accent-pick type="color" value=(b.accent()) aria-label="Pick the accent colour";
                    }
                }
                fieldset {
                    legend { "Type" }
                    @for p in Pairing::ALL {
                        label.check { input type="radio" name="pairing" value=(p.as_str()) checked[b.pairing == p]; span { (p.label()) } }
                    }
                }
                div.row2 {
                    div { label for="brand-email" { "Contact e-mail" } input #brand-email type="email" name="email" maxlength="254" value=[b.email.as_deref()]; }
                    div { label for="brand-phone" { "Phone" } input #brand-phone type="tel" name="phone" maxlength="40" value=[b.phone.as_deref()]; }
                }
                label for="brand-website" { "Website" }
                input #brand-website type="url" name="website" maxlength="300" value=[b.website.as_deref()] placeholder="https://lumen.example";
                button.button.primary type="submit" { "Save branding" }
            }
        }
    }
}

/// The studio's own presets, each removable.
fn presets(csrf: &str, s: &Studio) -> Markup {
    html! {
        section.card #presets {
            h2 { "Your presets" }
            p.muted { "Built in: " (crate::domain::preset::BUILT_IN.join(", ")) ". Save your own from a gallery (its settings → “Save these settings as a preset”)." }
            ul.plain {
                @for p in &s.presets {
                    li.row {
                        span { strong { (p.name) } " · " @if p.watermark { "watermarked, " } @if p.hidden { "hidden, " }
                            @match p.expires_days { Some(d) => { "closes after " (d) " days" }, None => { "never closes" } } }
                        form method="post" action="/admin/presets/delete" {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="name" value=(p.name);
                            button.button.danger type="submit" { "Remove" }
                        }
                    }
                }
            }
        }
    }
}

pub fn page(studio_name: &str, csrf: &str, s: &Studio) -> Markup {
    let wm = &s.watermark;
    layout(
        &Chrome { studio: studio_name, csrf: Some(csrf) },
        "Studio",
        html! {
            div.pagehead {
                div { p.eyebrow { "Settings" } h1 { "Your studio" } }
                a.button href="/admin/prices" { "Prices and packages →" }
            }
            div.studio-grid {
                section.card #logo {
                    h2 { "Logo" }
                    p.muted { "Shown on every client gallery's cover and at the top of its pages. A PNG with a transparent background looks best." }
                    @if let Some(h) = s.logo {
                        // The admin page shows the logo through a signed URL made by the handler.
                        p.logo-now { img #logo-img src={ "/admin/studio/logo.png?v=" (h.to_hex()[..12]) } alt="Your logo"; }
                    }
                    form method="post" action="/admin/studio/logo" enctype="multipart/form-data" {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="logo-file" { "Image (PNG, JPEG or WebP, up to 20 MB)" }
                        input #logo-file type="file" name="file" accept="image/png,image/jpeg,image/webp" required;
                        button.button.primary type="submit" { "Upload logo" }
                    }
                    @if s.logo.is_some() {
                        form method="post" action="/admin/studio/logo" enctype="multipart/form-data" {
                            input type="hidden" name="csrf" value=(csrf);
                            input type="hidden" name="remove" value="on";
                            button.button.danger type="submit" { "Remove logo" }
                        }
                    }
                }
                section.card #watermark {
                    h2 { "Watermark" }
                    p.muted { "Drawn on the large previews of galleries where you turn it on (Gallery settings → Watermark). Grids, originals and your own view stay clean. Changing it re-draws every watermarked preview in the background." }
                    form method="post" action="/admin/studio/watermark" enctype="multipart/form-data" {
                        input type="hidden" name="csrf" value=(csrf);
                        label for="wm-text" { "Text" }
                        input #wm-text type="text" name="text" maxlength="80" value=[wm.text.as_deref()] placeholder={ "© " (studio_name) " (used when there is no text or image)" };
                        label for="wm-file" { "Image (optional; a PNG logo with transparency)" }
                        input #wm-file type="file" name="file" accept="image/png,image/jpeg,image/webp";
                        @if wm.image.is_some() {
                            label.check { input type="checkbox" name="remove_image" value="on"; span { "Remove the current image" } }
                        }
                        div.row2 {
                            div {
                                label for="wm-position" { "Position" }
                                select #wm-position name="position" {
                                    @for p in MarkPosition::ALL { option value=(p.as_str()) selected[p == wm.position] { (p.label()) } }
                                }
                            }
                            div {
                                label for="wm-opacity" { "Opacity (%)" }
                                input #wm-opacity type="number" name="opacity" min="1" max="100" value=(wm.opacity) required;
                            }
                        }
                        label for="wm-scale" { "Width (% of the photo)" }
                        input #wm-scale type="number" name="scale" min="5" max="100" value=(wm.scale) required;
                        button.button.primary type="submit" { "Save watermark" }
                    }
                    figure.wm-sample {
                        img #wm-sample src={ "/admin/studio/sample.jpg?v=" (wm.fingerprint().to_hex()[..12]) } alt="The watermark on a sample photo";
                        figcaption.muted { "How clients see a watermarked preview." }
                    }
                }
            }
            (brand(csrf, s))
            (presets(csrf, s))
        },
    )
}
