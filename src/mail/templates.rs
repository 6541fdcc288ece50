//! The messages proofroom sends, in the studio's name: a subject, a plain-text part and an
//! HTML part with the same words.

use maud::{DOCTYPE, Markup, html};

/// A message's words.
pub struct Content {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Whose message it is: the studio's name, and whether its logo rides along as the inline
/// image `cid:logo` (the mailer attaches it).
pub struct Brand<'a> {
    pub studio: &'a str,
    pub logo: bool,
    /// The studio's accent colour (`#rrggbb`, checked for contrast when saved).
    pub accent: String,
    /// The studio's contact line, under every message to clients.
    pub footer: Option<String>,
}

impl<'a> Brand<'a> {
    /// The plain frame of messages to the photographer.
    pub fn plain(studio: &'a str) -> Self {
        Brand { studio, logo: false, accent: crate::domain::brand::DEFAULT_ACCENT.into(), footer: None }
    }
}

fn frame(brand: &Brand, body: Markup) -> String {
    let studio = brand.studio;
    html! {
        (DOCTYPE)
        html {
            body style="margin:0;background:#f5f2ed;font-family:Georgia,serif;color:#1c1a17" {
                table width="100%" cellpadding="0" cellspacing="0" role="presentation" {
                    tr { td align="center" style="padding:32px 16px" {
                        table width="100%" cellpadding="0" cellspacing="0" role="presentation" style="max-width:560px;background:#fffdf9;border:1px solid #e3ddd3;border-radius:12px" {
                            tr { td style={ "padding:28px 32px 8px;font-size:13px;letter-spacing:.12em;text-transform:uppercase;font-family:Arial,sans-serif;color:" (brand.accent) } {
                                @if brand.logo { img src="cid:logo" alt=(studio) style="display:block;max-height:48px;max-width:240px;border:0"; } @else { (studio) }
                            } }
                            tr { td style="padding:8px 32px 32px;font-size:16px;line-height:1.55" { (body) } }
                            @if let Some(f) = &brand.footer {
                                tr { td style="padding:0 32px 24px;font-size:12px;color:#8a847b;font-family:Arial,sans-serif" { (f) } }
                            }
                        }
                    } }
                }
            }
        }
    }
    .into_string()
}

/// What a client wrote, quoted in a message to the photographer.
fn their_message(text: &str) -> Markup {
    html! {
        p style="font-size:13px;color:#6d675f" { "Their message:" }
        blockquote style="white-space:pre-wrap;margin:0 0 12px;padding:8px 12px;border-left:3px solid #c2410c" { (text) }
    }
}

fn button(href: &str, label: &str) -> Markup {
    html! {
        p style="margin:24px 0" {
            a href=(href) style="display:inline-block;background:#1c1a17;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:8px;font-family:Arial,sans-serif;font-weight:bold" { (label) }
        }
    }
}

/// How the client gets in, which the invitation explains.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entry {
    /// The link opens the gallery.
    Link,
    /// The link asks for a password the photographer gives separately.
    Password,
    /// The link asks for this e-mail address and sends a sign-in link to it.
    SignIn,
}

/// The photographer sends a gallery link to a client.
pub fn invitation(brand: &Brand, gallery: &str, url: &str, entry: Entry) -> Content {
    let studio = brand.studio;
    let how = match entry {
        Entry::Link => "",
        Entry::Password => " Your photographer will give you its password.",
        Entry::SignIn => {
            " It is private to this e-mail address: when you open it, enter this address and we send you a sign-in link."
        }
    };
    Content {
        subject: format!("Your photos are ready to choose: {gallery}"),
        text: format!(
            "Hello,\n\nYour gallery \"{gallery}\" from {studio} is ready.{how}\n\nOpen it here: {url}\n\nWhat happens next: heart your favourites, submit your selection, and we retouch and deliver your finals in the same gallery.\n\n{studio}\n"
        ),
        html: frame(
            brand,
            html! {
                h1 style="font-size:26px;margin:0 0 12px" { "Your photos are ready" }
                p { "Your gallery " strong { (gallery) } " is ready for you." (how) }
                (button(url, "Open your gallery"))
                p style="color:#6d675f;font-size:14px" { "What happens next: heart your favourites, submit your selection, and we retouch and deliver your finals in the same gallery." }
                p style="color:#6d675f;font-size:13px;word-break:break-all" { "Or copy this link: " (url) }
            },
        ),
    }
}

/// A journey message: the photographer's words (placeholders already filled), paragraphs
/// split at blank lines, a button to the gallery, and the unsubscribe line.
pub struct Written<'a> {
    pub subject: String,
    pub body: String,
    pub link: &'a str,
    pub button: &'a str,
    pub unsubscribe: &'a str,
}

pub fn journey(brand: &Brand, w: &Written) -> Content {
    let studio = brand.studio;
    let paragraphs: Vec<&str> = w.body.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).collect();
    let mut text = w.body.trim().to_string();
    if !text.contains(w.link) {
        text.push_str(&format!("\n\n{}: {}", w.button, w.link));
    }
    text.push_str(&format!(
        "\n\n{studio}\n\n--\nYou get these messages because {studio} shares a gallery with you. No more of them: {}\n",
        w.unsubscribe
    ));
    Content {
        subject: w.subject.clone(),
        text,
        html: frame(
            brand,
            html! {
                @for p in &paragraphs {
                    p style="white-space:pre-line" { (p) }
                }
                p style="margin:24px 0" {
                    a href=(w.link) style={ "display:inline-block;color:#ffffff;text-decoration:none;padding:12px 20px;border-radius:8px;font-family:Arial,sans-serif;font-weight:bold;background:" (brand.accent) } { (w.button) }
                }
                p style="color:#6d675f;font-size:13px;word-break:break-all" { "Or copy this link: " (w.link) }
                p style="color:#8a847b;font-size:12px;margin-top:28px" {
                    "You get these messages because " (studio) " shares a gallery with you. "
                    a href=(w.unsubscribe) style="color:#8a847b" { "Unsubscribe" }
                }
            },
        ),
    }
}

/// One-time sign-in links for the galleries an address may open: (gallery title, URL).
pub fn sign_in(brand: &Brand, links: &[(String, String)], minutes: u64) -> Content {
    let studio = brand.studio;
    let mut text = format!("Hello,\n\nHere is your sign-in link. It works once, for {minutes} minutes.\n\n");
    for (title, url) in links {
        text.push_str(&format!("{title}: {url}\n"));
    }
    text.push_str(&format!(
        "\nIf you did not ask for it, ignore this message: nobody gets in without it.\n\n{studio}\n"
    ));
    let subject = match links {
        [(title, _)] => format!("Your sign-in link: {title}"),
        _ => format!("Your sign-in links to {} galleries", links.len()),
    };
    Content {
        subject,
        text,
        html: frame(
            brand,
            html! {
                h1 style="font-size:26px;margin:0 0 12px" { "Sign in to your gallery" }
                p { "Each button works once, for " (minutes) " minutes." }
                @for (title, url) in links {
                    p style="margin:20px 0 0;font-weight:bold" { (title) }
                    (button(url, "Open my gallery"))
                }
                p style="color:#6d675f;font-size:13px" { "If you did not ask for this, ignore it: nobody gets in without this message." }
            },
        ),
    }
}

/// One submitted selection, for the photographer's notice.
pub struct Submitted {
    pub who: String,
    pub count: usize,
    /// The Lightroom filter string of the favourites.
    pub lightroom: String,
    /// What the client wrote with their selection.
    pub message: Option<String>,
}

/// Tells the photographer that one or more selections came in since the last notice.
pub fn selections_submitted(studio: &str, gallery: &str, entries: &[Submitted], admin_url: &str) -> Content {
    let subject = match entries {
        [one] => format!("{} submitted {} favourites in {gallery}", one.who, one.count),
        many => format!("{} selections came in for {gallery}", many.len()),
    };
    let mut text = String::new();
    for e in entries {
        text.push_str(&format!(
            "{} submitted their selection of {} photos in \"{gallery}\".\nLightroom filter (Library > Text > Filename > Contains):\n{}\n\n",
            e.who, e.count, e.lightroom
        ));
        if let Some(m) = &e.message {
            text.push_str(&format!("Their message:\n{m}\n\n"));
        }
    }
    text.push_str(&format!("See them: {admin_url}\n"));
    Content {
        subject,
        text,
        html: frame(
            &Brand::plain(studio),
            html! {
                h1 style="font-size:24px;margin:0 0 12px" {
                    @if entries.len() == 1 { "A selection came in" } @else { (entries.len()) " selections came in" }
                }
                @for e in entries {
                    p { strong { (e.who) } " submitted " (e.count) " favourites in " strong { (gallery) } "." }
                    p style="font-size:13px;color:#6d675f" { "Lightroom filter (Library → Text → Filename → Contains):" }
                    pre style="white-space:pre-wrap;background:#f5f2ed;padding:12px;border-radius:8px;font-size:13px" { (e.lightroom) }
                    @if let Some(m) = &e.message {
                        (their_message(m))
                    }
                }
                (button(admin_url, if entries.len() == 1 { "See the selection" } else { "See the selections" }))
            },
        ),
    }
}

/// The client's copy of what they submitted.
pub fn selection_confirmation(brand: &Brand, gallery: &str, filenames: &[String]) -> Content {
    let studio = brand.studio;
    let n = filenames.len();
    Content {
        subject: format!("We received your selection: {gallery}"),
        text: format!(
            "Thank you! We received your {n} favourites from \"{gallery}\":\n\n{}\n\nNext: we retouch them and deliver your finals in the same gallery.\n\n{studio}\n",
            filenames.join("\n")
        ),
        html: frame(
            brand,
            html! {
                h1 style="font-size:24px;margin:0 0 12px" { "Thank you!" }
                p { "We received your " (n) " favourites from " strong { (gallery) } "." }
                ul style="padding-left:18px;color:#6d675f;font-size:14px" { @for f in filenames { li { (f) } } }
                p { "Next: we retouch them and deliver your finals in the same gallery." }
            },
        ),
    }
}

/// New comments in a gallery, gathered into one message (to the photographer).
pub fn comment_digest(
    studio: &str,
    gallery: &str,
    comments: &[(String, String, bool)],
    admin_url: &str,
) -> Content {
    let n = comments.len();
    let mut text = format!("{n} new note(s) in \"{gallery}\":\n\n");
    for (file, body, retouch) in comments {
        text.push_str(&format!("- {file}{}: {body}\n", if *retouch { " [retouch request]" } else { "" }));
    }
    text.push_str(&format!("\nReply: {admin_url}\n"));
    Content {
        subject: format!("{n} new note{} in {gallery}", if n == 1 { "" } else { "s" }),
        text,
        html: frame(
            &Brand::plain(studio),
            html! {
                h1 style="font-size:24px;margin:0 0 12px" { "New notes from your client" }
                ul style="padding-left:18px" {
                    @for (file, body, retouch) in comments {
                        li style="margin-bottom:10px" {
                            strong { (file) } @if *retouch { " · retouch request" } br; (body)
                        }
                    }
                }
                (button(admin_url, "Read and reply"))
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_parts_escape_what_clients_typed() {
        let c =
            comment_digest("Studio", "G", &[("a.jpg".into(), "<script>x</script>".into(), true)], "http://x");
        assert!(c.html.contains("&lt;script&gt;") && !c.html.contains("<script>x"));
        assert!(c.text.contains("[retouch request]"));
    }
}

/// How a client's link ended.
#[derive(Clone, Copy, Debug)]
pub enum Ended {
    Expired { at_ms: u64 },
    TurnedOff,
}

/// A client's request to reopen their ended link.
pub struct ReopenAsked<'a> {
    pub gallery: &'a str,
    /// The link's label, or the address of an e-mail grant.
    pub link: &'a str,
    pub ended: Ended,
    /// The client's address, to answer.
    pub from: &'a str,
    pub note: Option<&'a str>,
}

/// Tells the photographer that a client asks to reopen an ended link.
pub fn reopen_asked(studio: &str, r: &ReopenAsked, admin_url: &str) -> Content {
    let gallery = r.gallery;
    let how = match r.ended {
        Ended::Expired { at_ms } => format!("expired on {}", crate::domain::day_in_words(at_ms)),
        Ended::TurnedOff => "was turned off".to_string(),
    };
    let subject = format!("{} asks you to reopen {gallery}", r.from);
    let mut text =
        format!("{} asks you to reopen \"{gallery}\". Their link (\"{}\") {how}.\n\n", r.from, r.link);
    if let Some(n) = r.note {
        text.push_str(&format!("Their message:\n{n}\n\n"));
    }
    text.push_str(&format!(
        "Reopen it in one click (or extend the link): {admin_url}\nThen answer them at {}.\n",
        r.from
    ));
    Content {
        subject,
        text,
        html: frame(
            &Brand::plain(studio),
            html! {
                h1 style="font-size:24px;margin:0 0 12px" { "A client asks to reopen a gallery" }
                p { a href={ "mailto:" (r.from) } { (r.from) } " asks you to reopen " strong { (gallery) } ". Their link (“" (r.link) "”) " (how) "." }
                @if let Some(n) = r.note {
                    (their_message(n))
                }
                (button(admin_url, "Reopen the gallery"))
                p style="font-size:13px;color:#6d675f" { "Then answer them at " (r.from) "." }
            },
        ),
    }
}

/// A message about an order: what happened, the order's lines and total, and the way to
/// its page. One template serves placing, invoicing, payments and shipping.
pub struct OrderMail<'a> {
    pub subject: String,
    pub heading: &'a str,
    /// What happened and what comes next, in a sentence or two.
    pub lead: String,
    /// (label, amount) per line, already formatted.
    pub lines: &'a [(String, String)],
    pub total: String,
    pub url: &'a str,
    pub button: &'a str,
    /// Captions of the pictures attached as `cid:view-<n>` (room views of the order).
    pub pictures: &'a [String],
}

/// The pictures' captions in the plain text.
fn pictures_text(m: &OrderMail) -> String {
    m.pictures.iter().map(|c| format!("{c} (the picture is attached)\n")).collect::<Vec<_>>().join("")
}

/// To the client, in the studio's branding.
pub fn order_update(brand: &Brand, m: &OrderMail) -> Content {
    let studio = brand.studio;
    let mut text = format!("Hello,\n\n{}\n\n", m.lead);
    for (label, amount) in m.lines {
        text.push_str(&format!("  {label}  {amount}\n"));
    }
    text.push_str(&format!("  Total  {}\n\n", m.total));
    text.push_str(&pictures_text(m));
    text.push_str(&format!("\n{}: {}\n\n{studio}\n", m.button, m.url));
    Content { subject: m.subject.clone(), text, html: frame(brand, order_body(m)) }
}

/// To the photographer (no client branding, the admin's link).
pub fn order_notice(studio: &str, m: &OrderMail) -> Content {
    let mut text = format!("{}\n\n", m.lead);
    for (label, amount) in m.lines {
        text.push_str(&format!("  {label}  {amount}\n"));
    }
    text.push_str(&format!("  Total  {}\n\n", m.total));
    text.push_str(&pictures_text(m));
    text.push_str(&format!("\n{}: {}\n", m.button, m.url));
    Content { subject: m.subject.clone(), text, html: frame(&Brand::plain(studio), order_body(m)) }
}

fn order_body(m: &OrderMail) -> Markup {
    html! {
        h1 style="font-size:24px;margin:0 0 12px" { (m.heading) }
        p style="white-space:pre-wrap" { (m.lead) }
        table width="100%" cellpadding="0" cellspacing="0" role="presentation" style="margin:16px 0;font-family:Arial,sans-serif;font-size:14px" {
            @for (label, amount) in m.lines {
                tr { td style="padding:6px 0;border-bottom:1px solid #e3ddd3" { (label) } td align="right" style="padding:6px 0;border-bottom:1px solid #e3ddd3" { (amount) } }
            }
            tr { td style="padding:8px 0;font-weight:bold" { "Total" } td align="right" style="padding:8px 0;font-weight:bold" { (m.total) } }
        }
        @for (i, caption) in m.pictures.iter().enumerate() {
            figure style="margin:16px 0" {
                img src={ "cid:view-" (i) } alt=(caption) width="560" style="display:block;width:100%;max-width:560px;height:auto;border-radius:4px";
                figcaption style="font-size:13px;color:#6d675f;margin-top:6px" { (caption) }
            }
        }
        (button(m.url, m.button))
        p style="color:#6d675f;font-size:13px;word-break:break-all" { "Or copy this link: " (m.url) }
    }
}
