//! Presets: a gallery's settings as one bundle (visibility, watermark, selection rules, price
//! list, how its clients get in and what they may do, its messages, when it closes), so a
//! gallery is set up in one click. Four come built in; the studio saves its own from a
//! gallery; "copy the settings of gallery X" is the preset read from X.

use serde::{Deserialize, Serialize};

use super::{
    Gallery, Permissions, PriceListId, Proofing,
    journey::{Automation, DAY_MS, Timing, Timings},
};

/// What a new client link of a gallery starts with (the share form is filled with it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkDefaults {
    pub permissions: Permissions,
    /// Per-email access (the client signs in by a one-time link) rather than a link to pass on.
    pub email_only: bool,
}

impl Default for LinkDefaults {
    fn default() -> Self {
        LinkDefaults {
            permissions: Permissions {
                favourite: true,
                comment: true,
                download_proofs: false,
                download_finals: true,
            },
            email_only: false,
        }
    }
}

/// Every setting a preset carries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preset {
    pub name: String,
    pub hidden: bool,
    pub watermark: bool,
    pub proofing: Proofing,
    pub price_list: Option<PriceListId>,
    pub link: LinkDefaults,
    /// `None`: the studio's timings.
    pub timings: Option<Timings>,
    /// The gallery closes this many days after it is made.
    pub expires_days: Option<u32>,
    pub archive_finals: bool,
}

/// The built-in presets' names, in the order offered.
pub const BUILT_IN: [&str; 4] = ["Proofing", "Proof → retouch → deliver", "Delivery only", "Archive"];

/// Only these messages on; the rest off.
fn only(on: &[Automation]) -> Timings {
    Timings(
        Automation::ALL
            .into_iter()
            .map(|a| (a, Timing { on: on.contains(&a), days: a.default_timing().days }))
            .collect(),
    )
}

/// A built-in preset by name.
pub fn built_in(name: &str) -> Option<Preset> {
    let perms = |favourite, comment, download_proofs, download_finals| Permissions {
        favourite,
        comment,
        download_proofs,
        download_finals,
    };
    let p = |hidden, watermark, link, timings, expires_days, archive_finals| Preset {
        name: name.to_string(),
        hidden,
        watermark,
        proofing: Proofing::default(),
        price_list: None,
        link,
        timings,
        expires_days,
        archive_finals,
    };
    use Automation::*;
    Some(match name {
        // Clients choose from watermarked proofs; nothing to download yet.
        "Proofing" => p(
            false,
            true,
            LinkDefaults { permissions: perms(true, true, false, false), email_only: true },
            Some(only(&[WhatNext, Invitation, NotOpened, Deadline, SelectionOpen, Expiry7, Expiry1])),
            Some(60),
            false,
        ),
        // The whole journey: choose, retouch, deliver the finals, keep them in the archive.
        "Proof → retouch → deliver" => p(
            false,
            true,
            LinkDefaults { permissions: perms(true, true, false, true), email_only: true },
            None,
            Some(120),
            true,
        ),
        // Finished photos to download, no choosing.
        "Delivery only" => p(
            false,
            false,
            LinkDefaults { permissions: perms(false, false, true, true), email_only: false },
            Some(only(&[Invitation, NotOpened, Expiry7, Expiry1, ThankYou])),
            Some(30),
            true,
        ),
        // Kept for the years: hidden, finals only, a note a year later.
        "Archive" => p(
            true,
            false,
            LinkDefaults { permissions: perms(false, false, false, true), email_only: true },
            Some(only(&[Anniversary])),
            None,
            true,
        ),
        _ => return None,
    })
}

impl Preset {
    /// The settings of `g`, as a preset called `name`.
    pub fn of(g: &Gallery, name: &str) -> Preset {
        Preset {
            name: name.to_string(),
            hidden: g.hidden,
            watermark: g.watermark,
            proofing: g.proofing.clone(),
            price_list: g.price_list,
            link: g.link,
            timings: g.journey.timings.clone(),
            expires_days: g
                .journey
                .expires_ms
                .map(|e| (e.saturating_sub(g.created_ms)).div_ceil(DAY_MS) as u32),
            archive_finals: g.journey.archive_finals,
        }
    }

    /// Gives `g` these settings; its expiry counts from when it was made.
    pub fn apply(&self, g: &mut Gallery) {
        g.hidden = self.hidden;
        g.watermark = self.watermark;
        g.proofing = self.proofing.clone();
        g.price_list = self.price_list;
        g.link = self.link;
        g.journey.timings = self.timings.clone();
        g.journey.expires_ms = self.expires_days.map(|d| g.created_ms + u64::from(d) * DAY_MS);
        g.journey.archive_finals = self.archive_finals;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_preset_read_back_from_the_gallery_it_made_is_itself() {
        for name in BUILT_IN {
            let preset = built_in(name).unwrap();
            let mut g = Gallery::new(None, "t".into(), 1_000);
            preset.apply(&mut g);
            assert_eq!(Preset::of(&g, name), preset, "{name}");
        }
        assert!(built_in("Nope").is_none());
    }
}
