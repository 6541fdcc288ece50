//! The studio's branding on client pages and in mails: an accent colour (checked for
//! contrast, WCAG AA), one of three type pairings whose fonts are embedded in the binary,
//! and the contact details and public address shown to clients.

use serde::{Deserialize, Serialize};

/// The accent when the studio has not chosen one.
pub const DEFAULT_ACCENT: &str = "#a8562e";

/// WCAG AA for normal text: the accent is link text on the near-white page and the
/// background of buttons with white words, so it needs this much contrast with white.
pub const MIN_CONTRAST: f64 = 4.5;

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Brand {
    /// `#rrggbb`.
    pub accent: Option<String>,
    #[serde(default)]
    pub pairing: Pairing,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The studio's public website.
    pub website: Option<String>,
}

/// Heading and body typefaces.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Pairing {
    /// The system's own serif and sans: nothing to download.
    #[default]
    Classic,
    /// Playfair Display over Source Sans 3.
    Editorial,
    /// Montserrat over Inter.
    Modern,
}

impl Pairing {
    pub const ALL: [Pairing; 3] = [Pairing::Classic, Pairing::Editorial, Pairing::Modern];

    pub fn as_str(self) -> &'static str {
        match self {
            Pairing::Classic => "classic",
            Pairing::Editorial => "editorial",
            Pairing::Modern => "modern",
        }
    }

    pub fn parse(s: &str) -> Option<Pairing> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Pairing::Classic => "Classic — the system's serif headings over its sans (nothing to download)",
            Pairing::Editorial => "Editorial — Playfair Display over Source Sans 3",
            Pairing::Modern => "Modern — Montserrat over Inter",
        }
    }

    /// The embedded font files it uses: (family, weight, asset name).
    pub fn fonts(self) -> &'static [(&'static str, u16, &'static str)] {
        match self {
            Pairing::Classic => &[],
            Pairing::Editorial => &[
                ("Playfair Display", 600, "type-playfair-display-600.woff2"),
                ("Source Sans 3", 400, "type-source-sans-3-400.woff2"),
                ("Source Sans 3", 600, "type-source-sans-3-600.woff2"),
            ],
            Pairing::Modern => &[
                ("Montserrat", 600, "type-montserrat-600.woff2"),
                ("Inter", 400, "type-inter-400.woff2"),
                ("Inter", 600, "type-inter-600.woff2"),
            ],
        }
    }

    /// The CSS font stacks (headings, body); the system's fonts stand in for letters the
    /// embedded (Latin) files do not have.
    pub fn stacks(self) -> (&'static str, &'static str) {
        const SANS: &str =
            "system-ui, -apple-system, \"Segoe UI\", Roboto, \"Helvetica Neue\", Arial, sans-serif";
        match self {
            Pairing::Classic => (
                "\"Iowan Old Style\", \"Palatino Linotype\", Palatino, \"Book Antiqua\", Georgia, serif",
                SANS,
            ),
            Pairing::Editorial => {
                ("\"Playfair Display\", Georgia, serif", "\"Source Sans 3\", system-ui, sans-serif")
            }
            Pairing::Modern => ("Montserrat, system-ui, sans-serif", "Inter, system-ui, sans-serif"),
        }
    }
}

/// `#rrggbb` (or `rrggbb`, any case) as its three channels.
pub fn parse_colour(s: &str) -> Option<(u8, u8, u8)> {
    let hex = s.trim().trim_start_matches('#');
    if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let ch = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some((ch(0)?, ch(2)?, ch(4)?))
}

/// WCAG 2 relative luminance.
fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let lin = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.03928 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// WCAG 2 contrast ratio of two colours (1 to 21).
pub fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The accent as stored (`#rrggbb`, lower case), or why it cannot be used: not a colour,
/// or too light for white words on it and for links on the page, with a darker shade of
/// it that passes.
pub fn check_accent(s: &str) -> Result<String, String> {
    let c = parse_colour(s).ok_or_else(|| format!("“{}” is not a colour; write it as #rrggbb", s.trim()))?;
    let white = (255, 255, 255);
    let ratio = contrast(c, white);
    if ratio >= MIN_CONTRAST {
        return Ok(hex(c));
    }
    // The same hue, darkened step by step until it passes.
    let mut d = c;
    while contrast(d, white) < MIN_CONTRAST {
        d = (
            d.0.saturating_sub(d.0 / 20 + 1),
            d.1.saturating_sub(d.1 / 20 + 1),
            d.2.saturating_sub(d.2 / 20 + 1),
        );
    }
    Err(format!(
        "{} is too light: white words on it and links in it would have a contrast of {ratio:.1}:1, and clients need at least {MIN_CONTRAST}:1 to read them (WCAG AA). A darker shade such as {} works.",
        hex(c),
        hex(d)
    ))
}

impl Brand {
    pub fn accent(&self) -> &str {
        self.accent.as_deref().unwrap_or(DEFAULT_ACCENT)
    }

    /// The client pages' stylesheet for this brand: the accent and the type pairing with
    /// its fonts (served from `assets_url(name)`).
    pub fn css(&self, assets_url: &dyn Fn(&str) -> String) -> String {
        let (heads, body) = self.pairing.stacks();
        let mut css = String::new();
        for (family, weight, file) in self.pairing.fonts() {
            css.push_str(&format!(
                "@font-face{{font-family:\"{family}\";font-style:normal;font-weight:{weight};font-display:swap;src:url({}) format(\"woff2\")}}\n",
                assets_url(file)
            ));
        }
        css.push_str(&format!(":root{{--accent:{};--serif:{heads};--sans:{body}}}\n", self.accent()));
        css
    }

    /// The contact line for mails and the cover: the studio's name, address, phone, website.
    pub fn contact_line(&self, studio: &str) -> Option<String> {
        let parts: Vec<&str> = [self.email.as_deref(), self.phone.as_deref(), self.website.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        (!parts.is_empty()).then(|| format!("{studio} · {}", parts.join(" · ")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contrast_follows_wcag() {
        assert!((contrast((0, 0, 0), (255, 255, 255)) - 21.0).abs() < 0.01);
        assert!((contrast((255, 255, 255), (255, 255, 255)) - 1.0).abs() < 0.01);
        // #767676 is the lightest grey that passes AA on white.
        assert!(contrast((0x76, 0x76, 0x76), (255, 255, 255)) >= 4.5);
        assert!(contrast((0x77, 0x77, 0x77), (255, 255, 255)) < 4.5);
    }

    #[test]
    fn a_too_light_accent_is_refused_with_a_shade_that_passes() {
        assert_eq!(check_accent(" #A8562E "), Ok("#a8562e".into()));
        assert_eq!(check_accent(DEFAULT_ACCENT), Ok(DEFAULT_ACCENT.into()));
        let e = check_accent("#f4c430").unwrap_err();
        assert!(e.contains("too light") && e.contains("4.5:1"), "{e}");
        let suggested = e.split("such as ").nth(1).unwrap().split(' ').next().unwrap();
        assert!(check_accent(suggested).is_ok(), "the suggestion passes: {suggested}");
        assert!(check_accent("gold").unwrap_err().contains("not a colour"));
        assert!(check_accent("#12345g").is_err());
    }

    #[test]
    fn every_pairing_has_its_fonts_in_its_css() {
        for p in Pairing::ALL {
            let css = Brand { pairing: p, ..Default::default() }.css(&|f| format!("/assets/{f}"));
            for (_, _, file) in p.fonts() {
                assert!(css.contains(&format!("/assets/{file}")), "{p:?}");
            }
            assert!(css.contains("--accent:#a8562e"));
        }
    }
}
