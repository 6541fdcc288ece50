//! The client's journey by e-mail: the messages a gallery sends by itself (what happens
//! next, the invitation, reminders, finals, thanks, an anniversary), when each is due, and
//! the templates they are written from. Pure rules: the app gathers the facts, asks `due`,
//! and sends what is due once.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub const HOUR_MS: u64 = 3_600_000;
pub const DAY_MS: u64 = 24 * HOUR_MS;

/// One message of the journey.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Automation {
    WhatNext,
    Invitation,
    NotOpened,
    Deadline,
    SelectionOpen,
    AbandonedCart,
    #[serde(rename = "expiry-7")]
    Expiry7,
    #[serde(rename = "expiry-1")]
    Expiry1,
    FinalsReady,
    ThankYou,
    Anniversary,
}

impl Automation {
    pub const ALL: [Automation; 11] = [
        Automation::WhatNext,
        Automation::Invitation,
        Automation::NotOpened,
        Automation::Deadline,
        Automation::SelectionOpen,
        Automation::AbandonedCart,
        Automation::Expiry7,
        Automation::Expiry1,
        Automation::FinalsReady,
        Automation::ThankYou,
        Automation::Anniversary,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Automation::WhatNext => "what-next",
            Automation::Invitation => "invitation",
            Automation::NotOpened => "not-opened",
            Automation::Deadline => "deadline",
            Automation::SelectionOpen => "selection-open",
            Automation::AbandonedCart => "abandoned-cart",
            Automation::Expiry7 => "expiry-7",
            Automation::Expiry1 => "expiry-1",
            Automation::FinalsReady => "finals-ready",
            Automation::ThankYou => "thank-you",
            Automation::Anniversary => "anniversary",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// Its name in the admin.
    pub fn label(self) -> &'static str {
        match self {
            Automation::WhatNext => "What happens next",
            Automation::Invitation => "Invitation",
            Automation::NotOpened => "Not opened yet",
            Automation::Deadline => "Selection deadline reminder",
            Automation::SelectionOpen => "Your selection is still open",
            Automation::AbandonedCart => "Order not finished",
            Automation::Expiry7 => "Expiry warning (a week)",
            Automation::Expiry1 => "Expiry warning (a day)",
            Automation::FinalsReady => "Your finals are ready",
            Automation::ThankYou => "Thank you",
            Automation::Anniversary => "A year later",
        }
    }

    /// When it goes out, for the admin; `days` is the number the photographer chose.
    pub fn when(self, days: u32) -> String {
        let d = |n: u32| if n == 1 { "1 day".to_string() } else { format!("{n} days") };
        match self {
            Automation::WhatNext => format!("{} before the go-live date", d(days)),
            Automation::Invitation => "on the go-live date (at once when the gallery is live)".into(),
            Automation::NotOpened => {
                format!("{} after the invitation, if the gallery was not opened", d(days))
            }
            Automation::Deadline => format!("{} before the selection deadline, if not submitted", d(days)),
            Automation::SelectionOpen => {
                format!("{} after the last visit, if favourites were started but not submitted", d(days))
            }
            Automation::AbandonedCart => {
                format!("{} after the last visit, if the cart holds something", d(days))
            }
            Automation::Expiry7 | Automation::Expiry1 => {
                format!("{} before the client's access ends", d(days))
            }
            Automation::FinalsReady => match days {
                0 => "an hour after the last final arrives".into(),
                n => format!("{} after the last final arrives", d(n)),
            },
            Automation::ThankYou => format!("{} after “your finals are ready”", d(days)),
            Automation::Anniversary => match days {
                0 => "a year after the shoot".into(),
                n => format!("a year and {} after the shoot", d(n)),
            },
        }
    }

    /// Its timing when the studio has not chosen one.
    pub fn default_timing(self) -> Timing {
        let (on, days) = match self {
            Automation::WhatNext => (true, 2),
            Automation::Invitation => (true, 0),
            Automation::NotOpened => (true, 3),
            Automation::Deadline => (true, 2),
            Automation::SelectionOpen => (true, 4),
            Automation::AbandonedCart => (true, 2),
            Automation::Expiry7 => (true, 7),
            Automation::Expiry1 => (true, 1),
            Automation::FinalsReady => (true, 0),
            Automation::ThankYou => (true, 3),
            Automation::Anniversary => (false, 0),
        };
        Timing { on, days }
    }

    /// How long after its time a message may still go out (a server that was off for a
    /// night still sends it; one turned on for an old gallery does not send stale news).
    fn window_ms(self) -> u64 {
        match self {
            Automation::Invitation | Automation::FinalsReady | Automation::Anniversary => 30 * DAY_MS,
            _ => 14 * DAY_MS,
        }
    }

    /// The placeholders its template may use beyond the common ones.
    pub fn placeholders(self) -> &'static [&'static str] {
        match self {
            Automation::Deadline => &["deadline"],
            Automation::SelectionOpen => &["deadline", "count"],
            Automation::Expiry7 | Automation::Expiry1 => &["expires"],
            Automation::WhatNext | Automation::Invitation => &["live"],
            Automation::ThankYou | Automation::Anniversary => &["review"],
            _ => &[],
        }
    }
}

/// Whether a message is sent, and its number of days (see `Automation::when`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timing {
    pub on: bool,
    pub days: u32,
}

/// Most days any timing may name.
pub const MAX_DAYS: u32 = 365;

/// The timing of every message; one not listed has its default.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timings(pub BTreeMap<Automation, Timing>);

impl Timings {
    pub fn get(&self, a: Automation) -> Timing {
        self.0.get(&a).copied().unwrap_or_else(|| a.default_timing())
    }
}

/// A gallery's journey: its stage and dates, and its own timings (`None`: the studio's).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Journey {
    /// When the gallery opens to its clients (the invitation goes out then).
    pub go_live_ms: Option<u64>,
    /// The end of the day clients should submit their selection by.
    pub deadline_ms: Option<u64>,
    pub timings: Option<Timings>,
    /// Where the photographer has put it; with the dates this makes its `Lifecycle`.
    #[serde(default)]
    pub stage: Stage,
    /// When the gallery closes to every client (each link may end sooner).
    #[serde(default)]
    pub expires_ms: Option<u64>,
    /// Archived, its clients may still open it to download the finals (and see nothing else).
    #[serde(default)]
    pub archive_finals: bool,
    /// When it was last reopened in one click (requests before it are answered).
    #[serde(default)]
    pub reopened_ms: Option<u64>,
}

/// What the photographer chose for a gallery.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    /// Being prepared: no client opens it, no message goes.
    Draft,
    #[default]
    Live,
    /// Done: closed to clients, or open for the finals only (`archive_finals`).
    Archived,
}

impl Stage {
    pub fn parse(s: &str) -> Option<Stage> {
        match s {
            "draft" => Some(Stage::Draft),
            "live" => Some(Stage::Live),
            "archived" => Some(Stage::Archived),
            _ => None,
        }
    }
}

/// Where a gallery stands for its clients now: draft → scheduled → live → expired → archived.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lifecycle {
    Draft,
    /// Live from this time on.
    Scheduled(u64),
    Live,
    /// Closed since this time; a client may ask to reopen it.
    Expired(u64),
    Archived {
        finals: bool,
    },
}

impl Lifecycle {
    pub const NAMES: [&'static str; 5] = ["draft", "scheduled", "live", "expired", "archived"];

    pub fn name(self) -> &'static str {
        match self {
            Lifecycle::Draft => "draft",
            Lifecycle::Scheduled(_) => "scheduled",
            Lifecycle::Live => "live",
            Lifecycle::Expired(_) => "expired",
            Lifecycle::Archived { .. } => "archived",
        }
    }
}

impl Journey {
    pub fn lifecycle(&self, now: u64) -> Lifecycle {
        match self.stage {
            Stage::Draft => Lifecycle::Draft,
            Stage::Archived => Lifecycle::Archived { finals: self.archive_finals },
            Stage::Live => match (self.go_live_ms, self.expires_ms) {
                (Some(at), _) if now < at => Lifecycle::Scheduled(at),
                (_, Some(at)) if at <= now => Lifecycle::Expired(at),
                _ => Lifecycle::Live,
            },
        }
    }
}

/// What the app knows about one client of one gallery at one moment.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    pub now: u64,
    /// When the gallery was made, and the day of the shoot if known.
    pub gallery_ms: u64,
    pub event_ms: Option<u64>,
    pub go_live: Option<u64>,
    pub deadline: Option<u64>,
    /// When the client was given access, and when it ends.
    pub granted_ms: u64,
    pub expires_ms: Option<u64>,
    /// Whether they ever opened the gallery, and when they were last there.
    pub last_seen: Option<u64>,
    pub hearts: usize,
    pub submitted: bool,
    pub cart_filled: bool,
    /// When the newest final of the gallery arrived.
    pub newest_final: Option<u64>,
    /// When "your finals are ready" went to this client.
    pub finals_sent: Option<u64>,
}

/// When `a` is due for a client with these facts, if it applies to them at all. A message is
/// sent when `now` is past this time and within its window (`sendable`).
pub fn due(a: Automation, days: u32, f: &Facts) -> Option<u64> {
    let d = u64::from(days) * DAY_MS;
    // Nothing but "what happens next" goes before the gallery is live.
    let live = f.go_live.unwrap_or(f.granted_ms).max(f.granted_ms);
    let before_end = |t: u64| f.expires_ms.is_none_or(|e| f.now < e).then_some(t);
    let at = match a {
        Automation::WhatNext => {
            let g = f.go_live.filter(|g| f.now < *g)?;
            g.saturating_sub(d).max(f.granted_ms)
        }
        Automation::Invitation => before_end(live)?,
        Automation::NotOpened => {
            if f.last_seen.is_some() {
                return None;
            }
            before_end(live + d)?
        }
        Automation::Deadline => {
            let dl = f.deadline.filter(|dl| f.now < *dl && !f.submitted)?;
            before_end(dl.saturating_sub(d).max(live))?
        }
        Automation::SelectionOpen => {
            if f.hearts == 0 || f.submitted {
                return None;
            }
            before_end(f.last_seen?.max(live) + d)?
        }
        Automation::AbandonedCart => {
            if !f.cart_filled {
                return None;
            }
            before_end(f.last_seen?.max(live) + d)?
        }
        Automation::Expiry7 | Automation::Expiry1 => {
            let e = f.expires_ms.filter(|e| f.now < *e)?;
            e.saturating_sub(d).max(live)
        }
        Automation::FinalsReady => before_end(f.newest_final?.max(live) + HOUR_MS + d)?,
        Automation::ThankYou => before_end(f.finals_sent? + d)?,
        // The archive outlives the link: an ended link leads to the reopen page.
        Automation::Anniversary => f.event_ms.unwrap_or(f.gallery_ms).max(live) + 365 * DAY_MS + d,
    };
    Some(at)
}

/// Whether a message due at `at` goes out now.
pub fn sendable(a: Automation, at: u64, now: u64) -> bool {
    at <= now && now < at + a.window_ms()
}

/// A message's words as the photographer writes them: `{name}` marks a placeholder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    pub subject: String,
    pub body: String,
}

/// Placeholders every template may use, with what they become.
pub const COMMON_PLACEHOLDERS: &[(&str, &str)] = &[
    ("client", "the client's name (the name of their access)"),
    ("gallery", "the gallery's title"),
    ("link", "the address of the gallery"),
    ("studio", "the studio's name"),
];

/// What the extra placeholders become.
pub fn placeholder_meaning(name: &str) -> &'static str {
    match name {
        "deadline" => "the selection deadline (a day)",
        "count" => "how many favourites the client has hearted",
        "expires" => "the day the client's access ends",
        "live" => "the go-live day",
        "review" => "the studio's review or referral link",
        _ => "",
    }
}

/// The names between braces in `text`, in order; `{{` and `}}` are literal braces.
fn placeholders_in(text: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        let (c, after) = (rest.as_bytes()[i], &rest[i + 1..]);
        if after.starts_with(c as char) {
            rest = &after[1..];
            continue;
        }
        if c == b'}' {
            return Err("a “}” without its “{” (write }} for a brace)".into());
        }
        let end = after.find('}').ok_or("a “{” without its “}” (write {{ for a brace)")?;
        out.push(&after[..end]);
        rest = &after[end + 1..];
    }
    Ok(out)
}

/// Refuses a template naming a placeholder `a` does not have, with its name.
pub fn check(a: Automation, t: &Template) -> Result<(), String> {
    for (part, text) in [("subject", &t.subject), ("message", &t.body)] {
        for name in placeholders_in(text).map_err(|e| format!("the {part} has {e}"))? {
            let known =
                COMMON_PLACEHOLDERS.iter().any(|(n, _)| *n == name) || a.placeholders().contains(&name);
            if !known {
                return Err(format!(
                    "the {part} names {{{name}}}, which “{}” does not have; it may use {}",
                    a.label(),
                    allowed(a).iter().map(|n| format!("{{{n}}}")).collect::<Vec<_>>().join(", ")
                ));
            }
        }
    }
    if t.subject.trim().is_empty() || t.body.trim().is_empty() {
        return Err("a message needs a subject and some words".into());
    }
    Ok(())
}

/// The placeholders the cover's welcome words may use.
pub const GUIDE_PLACEHOLDERS: &[&str] = &["client", "gallery", "studio", "deadline"];

/// Refuses welcome words naming a placeholder they cannot have, with its name.
pub fn check_guide(text: &str) -> Result<(), String> {
    for name in placeholders_in(text).map_err(|e| format!("the welcome words have {e}"))? {
        if !GUIDE_PLACEHOLDERS.contains(&name) {
            return Err(format!(
                "the welcome words name {{{name}}}, which they cannot have; they may use {}",
                GUIDE_PLACEHOLDERS.iter().map(|n| format!("{{{n}}}")).collect::<Vec<_>>().join(", ")
            ));
        }
    }
    Ok(())
}

/// Every placeholder `a`'s template may use.
pub fn allowed(a: Automation) -> Vec<&'static str> {
    COMMON_PLACEHOLDERS.iter().map(|(n, _)| *n).chain(a.placeholders().iter().copied()).collect()
}

/// `text` with each placeholder replaced by `value(name)` (a checked template has no
/// unknown ones; one left unknown stays as written).
pub fn fill(text: &str, value: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(['{', '}']) {
        out.push_str(&rest[..i]);
        let (c, after) = (rest.as_bytes()[i] as char, &rest[i + 1..]);
        if after.starts_with(c) {
            out.push(c);
            rest = &after[1..];
            continue;
        }
        match (c, after.find('}')) {
            ('{', Some(end)) => {
                let name = &after[..end];
                match value(name) {
                    Some(v) => out.push_str(&v),
                    None => out.push_str(&rest[i..i + end + 2]),
                }
                rest = &after[end + 1..];
            }
            _ => {
                out.push(c);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The words each message has until the studio writes its own.
pub fn default_template(a: Automation) -> Template {
    let (subject, body) = match a {
        Automation::WhatNext => (
            "Your photos from {studio}: what happens next",
            "Hello {client},\n\nYour gallery “{gallery}” opens on {live}. Here is how it works:\n\n1. You get a link on that day. Heart your favourites and leave a note on any photo you would like retouched.\n2. Submit your selection when you are happy with it.\n3. We retouch your favourites and deliver the finals in the same gallery, ready to download. Prints and albums can be ordered there too.\n\nQuestions at any point? Just answer this e-mail.",
        ),
        Automation::Invitation => (
            "Your photos are ready to choose: {gallery}",
            "Hello {client},\n\nYour gallery “{gallery}” is ready. It is private to this e-mail address: open it, enter this address, and we send you a sign-in link.\n\nHeart your favourites, submit your selection, and we retouch and deliver your finals in the same gallery.",
        ),
        Automation::NotOpened => (
            "Your gallery is waiting: {gallery}",
            "Hello {client},\n\nYour photos in “{gallery}” are waiting for you and have not been opened yet. It only takes a minute to start: open the gallery and heart the photos you love.",
        ),
        Automation::Deadline => (
            "A reminder: choose your favourites by {deadline}",
            "Hello {client},\n\nA friendly reminder: please submit your selection from “{gallery}” by {deadline}, so we can start retouching.",
        ),
        Automation::SelectionOpen => (
            "Your selection is still open: {gallery}",
            "Hello {client},\n\nYou have hearted {count} photos in “{gallery}” but not submitted your selection yet. When you are happy with it, press “Submit selection” and we start retouching.",
        ),
        Automation::AbandonedCart => (
            "Your order is not finished yet: {gallery}",
            "Hello {client},\n\nYou left something in your cart in “{gallery}”. Your choices are kept: open the gallery to finish your order.",
        ),
        Automation::Expiry7 | Automation::Expiry1 => (
            "Your gallery closes on {expires}: {gallery}",
            "Hello {client},\n\nYour access to “{gallery}” ends on {expires}. Download your photos and order your prints before then. If you need more time, just answer this e-mail.",
        ),
        Automation::FinalsReady => (
            "Your finals are ready: {gallery}",
            "Hello {client},\n\nYour retouched photos from “{gallery}” are ready. Open the gallery to see and download them.",
        ),
        Automation::ThankYou => (
            "Thank you from {studio}",
            "Hello {client},\n\nThank you for choosing {studio}. It was a joy to make “{gallery}” with you.\n\nIf you enjoyed the experience, a few words would mean a lot: {review}\n\nAnd if friends of yours need a photographer, we would love to hear from them.",
        ),
        Automation::Anniversary => (
            "A year ago: {gallery}",
            "Hello {client},\n\nA year has passed since “{gallery}”. Your photos are still here: it is a lovely time to order prints of last year's photos or an album for the shelf.",
        ),
    };
    Template { subject: subject.into(), body: body.into() }
}

/// The studio's journey: default timings, its own words for each message, and the review
/// link the thank-you names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudioJourney {
    #[serde(default)]
    pub timings: Timings,
    #[serde(default)]
    pub templates: BTreeMap<Automation, Template>,
    #[serde(default)]
    pub review_url: Option<String>,
}

impl StudioJourney {
    pub fn template(&self, a: Automation) -> Template {
        self.templates.get(&a).cloned().unwrap_or_else(|| default_template(a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_placeholders_are_refused_by_name() {
        let t = Template { subject: "Hi {client}".into(), body: "See {link} by {dedline}".into() };
        let e = check(Automation::Deadline, &t).unwrap_err();
        assert!(e.contains("{dedline}"), "{e}");
        let ok = Template { subject: "Hi {client}".into(), body: "By {deadline}: {link} {{not one}}".into() };
        assert_eq!(check(Automation::Deadline, &ok), Ok(()));
        // A placeholder of another message is unknown here.
        let other = Template { subject: "x".into(), body: "{expires}".into() };
        assert!(check(Automation::Deadline, &other).unwrap_err().contains("{expires}"));
        let open = Template { subject: "x".into(), body: "a { b".into() };
        assert!(check(Automation::Deadline, &open).is_err());
        for a in Automation::ALL {
            assert_eq!(check(a, &default_template(a)), Ok(()), "{a:?}'s own words");
        }
    }

    #[test]
    fn stored_names_are_the_names_used_everywhere() {
        for a in Automation::ALL {
            assert_eq!(serde_json::to_value(a).unwrap(), a.as_str(), "{a:?}");
        }
    }

    #[test]
    fn fill_replaces_placeholders_and_keeps_literal_braces() {
        let v = |n: &str| (n == "client").then(|| "Ann".to_string());
        assert_eq!(fill("Hi {client} {{x}} {other}", &v), "Hi Ann {x} {other}");
    }

    fn facts() -> Facts {
        Facts { now: 100 * DAY_MS, gallery_ms: 10 * DAY_MS, granted_ms: 50 * DAY_MS, ..Default::default() }
    }

    #[test]
    fn each_message_has_its_time_and_conditions() {
        let f = facts();
        assert_eq!(due(Automation::Invitation, 0, &f), Some(50 * DAY_MS));
        assert_eq!(due(Automation::NotOpened, 3, &f), Some(53 * DAY_MS));
        let seen = Facts { last_seen: Some(60 * DAY_MS), hearts: 2, ..facts() };
        assert_eq!(due(Automation::NotOpened, 3, &seen), None, "opened");
        assert_eq!(due(Automation::SelectionOpen, 4, &seen), Some(64 * DAY_MS));
        let done = Facts { submitted: true, ..seen.clone() };
        assert_eq!(due(Automation::SelectionOpen, 4, &done), None, "submitted");
        // Scheduled: the invitation waits for the go-live day, "what next" comes before it.
        let later = Facts { go_live: Some(110 * DAY_MS), ..facts() };
        assert_eq!(due(Automation::Invitation, 0, &later), Some(110 * DAY_MS));
        assert_eq!(due(Automation::WhatNext, 2, &later), Some(108 * DAY_MS));
        assert_eq!(due(Automation::WhatNext, 2, &facts()), None, "no go-live date");
        // Access ending: warnings before, nothing after.
        let ending = Facts { expires_ms: Some(105 * DAY_MS), ..facts() };
        assert_eq!(due(Automation::Expiry7, 7, &ending), Some(98 * DAY_MS));
        let ended = Facts { now: 106 * DAY_MS, ..ending };
        assert_eq!(due(Automation::Expiry1, 1, &ended), None);
        assert_eq!(due(Automation::NotOpened, 3, &ended), None);
        assert!(due(Automation::Anniversary, 0, &ended).is_some(), "the archive outlives the link");
        // Finals: an hour after the last one; thanks after that message.
        let finals = Facts { newest_final: Some(70 * DAY_MS), ..facts() };
        assert_eq!(due(Automation::FinalsReady, 0, &finals), Some(70 * DAY_MS + HOUR_MS));
        assert_eq!(due(Automation::ThankYou, 3, &finals), None);
        let thanked = Facts { finals_sent: Some(71 * DAY_MS), ..finals };
        assert_eq!(due(Automation::ThankYou, 3, &thanked), Some(74 * DAY_MS));
    }

    #[test]
    fn a_gallery_moves_from_draft_to_archived() {
        let mut j =
            Journey { stage: Stage::Draft, go_live_ms: Some(10), expires_ms: Some(20), ..Default::default() };
        assert_eq!(j.lifecycle(5), Lifecycle::Draft);
        j.stage = Stage::Live;
        assert_eq!(j.lifecycle(5), Lifecycle::Scheduled(10));
        assert_eq!(j.lifecycle(10), Lifecycle::Live);
        assert_eq!(j.lifecycle(20), Lifecycle::Expired(20));
        j.stage = Stage::Archived;
        assert_eq!(j.lifecycle(30), Lifecycle::Archived { finals: false });
        j.archive_finals = true;
        assert_eq!(j.lifecycle(30), Lifecycle::Archived { finals: true });
    }

    #[test]
    fn stale_messages_are_not_sent() {
        assert!(sendable(Automation::NotOpened, 10, 10));
        assert!(!sendable(Automation::NotOpened, 10, 9));
        assert!(!sendable(Automation::NotOpened, 0, 15 * DAY_MS));
    }
}
