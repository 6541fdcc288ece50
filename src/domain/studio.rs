//! The studio's own settings, kept in the database: its logo, its watermark, its catalog.

use serde::{Deserialize, Serialize};

use super::Hash;

/// Settings the photographer changes in the UI (the studio's name stays in the config).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Studio {
    /// A PNG shown on client covers and pages.
    pub logo: Option<Hash>,
    #[serde(default)]
    pub watermark: Watermark,
    /// What the studio sells (empty: nothing, and clients see no prices).
    #[serde(default)]
    pub catalog: super::catalog::Catalog,
    /// The journey's default timings and the words of its messages.
    #[serde(default)]
    pub journey: super::journey::StudioJourney,
    /// Accent colour, type pairing, contact details and website on client pages and mails.
    #[serde(default)]
    pub brand: super::brand::Brand,
    /// Presets the studio saved from its galleries.
    #[serde(default)]
    pub presets: Vec<super::preset::Preset>,
}

/// Where on a preview the watermark sits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MarkPosition {
    #[default]
    Center,
    BottomRight,
    BottomLeft,
    TopRight,
    TopLeft,
}

impl MarkPosition {
    pub const ALL: [MarkPosition; 5] = [
        MarkPosition::Center,
        MarkPosition::BottomRight,
        MarkPosition::BottomLeft,
        MarkPosition::TopRight,
        MarkPosition::TopLeft,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MarkPosition::Center => "center",
            MarkPosition::BottomRight => "bottom-right",
            MarkPosition::BottomLeft => "bottom-left",
            MarkPosition::TopRight => "top-right",
            MarkPosition::TopLeft => "top-left",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MarkPosition::Center => "Centre",
            MarkPosition::BottomRight => "Bottom right",
            MarkPosition::BottomLeft => "Bottom left",
            MarkPosition::TopRight => "Top right",
            MarkPosition::TopLeft => "Top left",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }
}

/// The mark drawn on previews of galleries that ask for it: text, a PNG, or both (the
/// image above the text).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Watermark {
    pub text: Option<String>,
    pub image: Option<Hash>,
    pub position: MarkPosition,
    /// 1–100 %.
    pub opacity: u8,
    /// Width of the mark as a share of the preview's width, 5–100 %.
    pub scale: u8,
}

impl Default for Watermark {
    fn default() -> Self {
        Watermark { text: None, image: None, position: MarkPosition::Center, opacity: 40, scale: 40 }
    }
}

impl Watermark {
    /// Whether there is anything to draw.
    pub fn is_empty(&self) -> bool {
        self.text.is_none() && self.image.is_none()
    }

    /// The mark actually drawn: this one, or the studio's name when nothing is set, so a
    /// gallery that asks for a watermark never shows bare previews.
    pub fn effective(&self, studio_name: &str) -> Watermark {
        let mut w = self.clone();
        if w.is_empty() {
            w.text = Some(format!("© {studio_name}"));
        }
        w
    }

    /// Names this exact look: watermarked renditions are keyed by it, so a changed mark
    /// means new renditions, and old ones are never shown again.
    pub fn fingerprint(&self) -> Hash {
        let json = serde_json::to_vec(self).unwrap_or_default();
        Hash(*blake3::hash(&json).as_bytes())
    }
}

/// A watermarked preview: which source and which mark it was made from.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Watermarked {
    pub source: super::Hash,
    pub mark: super::Hash,
    pub rendition: super::Rendition,
}
