//! The photographer's sharing and proofing views: links, selection rules, and what each
//! visitor chose and said.

use maud::{Markup, html};

use super::{Chrome, count, human_time, layout};
use crate::{
    app::proofing::{ExportedList, VisitorSelection},
    domain::{Comment, Proofing, ShareLink},
    web::models::GalleryOut,
};

fn perms_text(l: &ShareLink) -> String {
    let p = l.permissions;
    let mut out = vec!["view"];
    if p.favourite {
        out.push("favourite");
    }
    if p.comment {
        out.push("comment");
    }
    if p.download_proofs {
        out.push("download proofs");
    }
    if p.download_finals {
        out.push("download finals");
    }
    out.join(" · ")
}

fn status_text(l: &ShareLink, now: u64) -> String {
    match l.refusal(now) {
        Some(crate::domain::ShareRefusal::Revoked) => "revoked".into(),
        Some(crate::domain::ShareRefusal::Expired) => "expired".into(),
        None => match l.expires_ms {
            Some(e) => format!("active until {}", human_time(e)),
            None => "active".into(),
        },
    }
}

/// The "Share & proofing" section of the gallery page.
pub fn section(
    g: &GalleryOut,
    csrf: &str,
    links: &[ShareLink],
    rules: &Proofing,
    link: crate::domain::preset::LinkDefaults,
) -> Markup {
    let (now, p) = (crate::domain::now_ms(), link.permissions);
    html! {
        section.card.share #sharing {
            div.share-head {
                h2 { "Share & proofing" }
                span.row {
                    a.button href={ "/admin/galleries/" (g.id) "/activity" } { "Activity" }
                    a.button href={ "/admin/galleries/" (g.id) "/selections" } { "Selections & comments →" }
                }
            }
            div.share-grid {
                form.share-form method="post" action={ "/admin/galleries/" (g.id) "/shares" } {
                    h3 { "New client link" }
                    input type="hidden" name="csrf" value=(csrf);
                    label for="share-label" { "Who is it for?" }
                    input #share-label type="text" name="label" placeholder="e.g. Anna & Tom" maxlength="100" required;
                    fieldset.perms {
                        legend { "They may" }
                        label.check { input type="checkbox" name="favourite" value="on" checked[p.favourite]; span { "heart favourites" } }
                        label.check { input type="checkbox" name="comment" value="on" checked[p.comment]; span { "comment and ask for retouching" } }
                        label.check { input type="checkbox" name="download_proofs" value="on" checked[p.download_proofs]; span { "download proofs" } }
                        label.check { input type="checkbox" name="download_finals" value="on" checked[p.download_finals]; span { "download finals" } }
                        label.check { input type="checkbox" name="ask_identity" value="on"; span { "give their name and e-mail first" } }
                    }
                    label for="share-email" { "E-mail the link to (optional)" }
                    input #share-email type="email" name="email" placeholder="client@example.com" autocomplete="off";
                    label.check { input #share-email-only type="checkbox" name="email_only" value="on" checked[link.email_only]; span { "only this address may open it (they sign in with a one-time link we e-mail them; no password to share)" } }
                    div.row2 {
                        div { label for="share-password" { "Password (optional)" } input #share-password type="text" name="password" autocomplete="off"; }
                        div { label for="share-days" { "Expires after days (optional)" } input #share-days type="number" name="expires_days" min="1" max="3650"; }
                    }
                    button.button.primary type="submit" { "Create link" }
                }
                div {
                    h3 { "Links" }
                    @if links.is_empty() { p.muted { "No links yet. Create one to send this gallery to your client." } }
                    ul.links {
                        @for l in links {
                            li.link-row.revoked[l.refusal(now).is_some()] {
                                span.meta {
                                    strong { (l.label) @if l.password_hash.is_some() { " 🔒" } }
                                    @if let Some(e) = &l.email { span.muted { "✉ only " (e) " · " a href={ "/g/" (l.id) } { "door" } } }
                                    span.muted { (perms_text(l)) }
                                    span.muted { (status_text(l, now)) }
                                }
                                @if !l.revoked {
                                    form method="post" action={ "/admin/shares/" (l.id) "/revoke" } {
                                        input type="hidden" name="csrf" value=(csrf);
                                        button.button.danger type="submit" { "Revoke" }
                                    }
                                }
                            }
                        }
                    }
                    form.rules method="post" action={ "/admin/galleries/" (g.id) "/proofing" } {
                        h3 { "Selection rules" }
                        input type="hidden" name="csrf" value=(csrf);
                        div.row2 {
                            div { label for="sel-min" { "At least" } input #sel-min type="number" name="min" min="1" value=[rules.min]; }
                            div { label for="sel-max" { "At most" } input #sel-max type="number" name="max" min="1" value=[rules.max]; }
                        }
                        label for="sel-lists" { "Extra lists besides favourites (optional, comma-separated)" }
                        input #sel-lists type="text" name="lists" maxlength="200" placeholder="e.g. Album, Prints" value=(rules.lists.join(", "));
                        label for="guide" { "Welcome words on the cover (optional; may name {client}, {gallery}, {studio}, {deadline})" }
                        textarea #guide name="guide" rows="3" maxlength="2000" placeholder="Leave empty for the studio's default welcome" { (rules.guide.as_deref().unwrap_or_default()) }
                        button.button type="submit" { "Save rules" }
                    }
                }
            }
        }
    }
}

pub fn link_created(studio: &str, csrf: &str, c: &crate::app::sharing::CreatedShare) -> Markup {
    let (g, label, url) = (GalleryOut::from(&c.gallery), &c.share.label, &c.url);
    let (invited, invite_on, email_only) = (c.invited.as_deref(), c.invite_on, c.share.email.is_some());
    layout(
        &Chrome { studio, csrf: Some(csrf) },
        "Link created",
        html! {
            section.card.narrow {
                p.eyebrow { "Share" }
                h1 { "A link for " (label) }
                @if email_only {
                    p.muted { "Only the invited address opens this gallery: at this address your client enters it and gets a one-time sign-in link by e-mail. Clients can also ask for their links at " code { "/access" } "." }
                } @else {
                    p.muted { "Copy it now and send it to your client: for their safety it is shown only once. You can always make another." }
                }
                code.share-url #share-url { (url) }
                @if let Some(at) = invite_on { p.notice #invite-on { "The gallery goes live on " (crate::web::views::human_date(at)) ": the invitation goes out that morning (see the " a href={ "/admin/galleries/" (g.id) "/journey" } { "client journey" } ")." } }
                @if let Some(to) = invited { p.notice #invited { "An invitation to " strong { (to) } " is on its way (see the " a href="/admin/outbox" { "Outbox" } ")." } }
                p.row {
                    a.button.primary href=(url) target="_blank" rel="noopener" { "Open as a client" }
                    a.button href={ "/admin/galleries/" (g.id) "#sharing" } { "Back to " (g.title) }
                }
            }
        },
    )
}

/// Everything the selections page shows.
pub struct SelectionsPage<'a> {
    pub studio: &'a str,
    pub csrf: &'a str,
    pub gallery: GalleryOut,
    /// Each visitor, with their favourites and each extra list.
    pub visitors: Vec<(VisitorSelection, Vec<ExportedList>)>,
    /// (photo filename, comment, who)
    pub comments: Vec<(String, Comment, String)>,
    /// Each filename's thumbnail URL, so the photographer sees what was chosen.
    pub thumbs: std::collections::HashMap<String, String>,
}

pub fn selections(m: &SelectionsPage) -> Markup {
    let g = &m.gallery;
    layout(
        &Chrome { studio: m.studio, csrf: Some(m.csrf) },
        "Selections",
        html! {
            nav.crumbs { a href="/admin" { "Galleries" } span { "/" } a href={ "/admin/galleries/" (g.id) } { (g.title) } }
            div.pagehead {
                div { p.eyebrow { "Proofing" } h1 { "Selections & comments" } }
                a.button href={ "/admin/galleries/" (g.id) "/selections.csv" } download { "Download CSV" }
            }
            @if m.visitors.is_empty() { section.card.empty { p.muted { "Nobody has opened a link to this gallery yet." } } }
            @for (vs, lists) in &m.visitors {
                section.card.visitor {
                    div.share-head {
                        div {
                            h2 { (vs.visitor.name.as_deref().unwrap_or("Visitor")) " · " (vs.link) }
                            p.muted {
                                (count(vs.filenames.len(), "favourite", "favourites"))
                                @for (name, files) in &vs.lists { " · " (name) ": " (files.len()) }
                                @if let Some(t) = vs.selection.submitted_ms { " · submitted " (human_time(t)) } @else { " · not submitted yet" }
                                " · first visit " (human_time(vs.visitor.created_ms))
                            }
                            @if let Some(msg) = &vs.selection.message {
                                blockquote.client-message { (msg) }
                            }
                        }
                        @if vs.selection.submitted_ms.is_some() {
                            form method="post" action={ "/admin/galleries/" (g.id) "/selections/" (vs.visitor.id) "/reopen" } {
                                input type="hidden" name="csrf" value=(m.csrf);
                                button.button type="submit" { "Reopen for changes" }
                            }
                        }
                    }
                    @for (i, ExportedList { name, filenames: files, lightroom }) in lists.iter().enumerate() {
                        @if !files.is_empty() {
                            h3.list-name { (name) " · " (files.len()) }
                            label for={ "lr-" (vs.visitor.id) "-" (i) } { "Lightroom filter (Library → Text → Filename → Contains)" }
                            textarea.lightroom id={ "lr-" (vs.visitor.id) "-" (i) } data-list=(name) readonly rows="2" { (lightroom) }
                            ul.chosen {
                                @for f in files {
                                    li {
                                        @if let Some(u) = m.thumbs.get(f) { img src=(u) alt="" loading="lazy"; }
                                        span { (f) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            h2.section-title { "Comments" }
            @if m.comments.is_empty() { p.muted { "No comments yet." } }
            ul.comment-admin {
                @for (file, c, who) in &m.comments {
                    li.card {
                        p.muted { strong { (file) } " · " (who) " · " (human_time(c.created_ms)) @if c.retouch { " · " span.tag { "retouch request" } } }
                        p.comment-text { (c.text) }
                        @if c.visitor.is_some() {
                            form.reply method="post" action={ "/admin/galleries/" (g.id) "/comments" } {
                                input type="hidden" name="csrf" value=(m.csrf);
                                input type="hidden" name="photo" value=(c.photo);
                                label.sr-only for={ "reply-" (c.id) } { "Reply" }
                                input id={ "reply-" (c.id) } type="text" name="text" placeholder="Reply to your client…" maxlength="2000" required;
                                button.button type="submit" { "Reply" }
                            }
                        }
                    }
                }
            }
        },
    )
}

pub fn outbox(studio: &str, csrf: &str, mails: &[crate::domain::Mail], smtp: bool) -> Markup {
    use crate::domain::MailStatus;
    layout(
        &Chrome { studio, csrf: Some(csrf) },
        "Outbox",
        html! {
            div.pagehead {
                div {
                    p.eyebrow { "Mail" }
                    h1 { "Outbox" }
                    p.muted {
                        @if smtp { "Messages go out through your SMTP server; failed tries are retried with growing pauses." }
                        @else { "No SMTP server is set up, so messages are written as .eml files to the data folder's outbox/ (set smtp_host to send them)." }
                    }
                }
            }
            @if mails.is_empty() { section.card.empty { p.muted { "No messages yet." } } }
            ul.comment-admin #outbox {
                @for m in mails {
                    li.card.mail data-state=(match &m.status { MailStatus::Queued { .. } | MailStatus::Sending { .. } => "queued", MailStatus::Sent { .. } => "sent", MailStatus::Failed { .. } => "failed" }) {
                        p.muted {
                            strong { (m.subject) } " · to " (m.to) " · " (human_time(m.created_ms)) " · "
                            @match &m.status {
                                MailStatus::Sent { at_ms, via } => { span.tag.ok { @if via == "outbox" { "written to outbox" } @else { "sent" } } " " (human_time(*at_ms)) }
                                MailStatus::Queued { attempts, last_error } => {
                                    span.tag { "queued" }
                                    @if let Some(e) = last_error { " · try " (attempts) " failed: " (e) " · retrying" }
                                }
                                MailStatus::Sending { since_ms } => { span.tag { "sending" } " since " (human_time(*since_ms)) }
                                MailStatus::Failed { error } => { span.tag { "failed" } " " (error) }
                            }
                        }
                        details { summary { "Show message" } pre.comment-text { (m.text) } }
                    }
                }
            }
        },
    )
}

/// A list of activity lines; `with_gallery` adds the gallery's name (the dashboard).
pub fn activity_list(lines: &[crate::app::activity::Line], with_gallery: bool) -> Markup {
    html! {
        @if lines.is_empty() { p.muted { "Nothing yet. Activity appears here when clients open their links." } }
        ol.activity {
            @for l in lines {
                li {
                    span.when { (human_time(l.at_ms)) }
                    span { strong { (l.who) } " " (l.what)
                        @if with_gallery { " in " a href={ "/admin/galleries/" (l.gallery) "/activity" } { (l.gallery_title) } }
                    }
                }
            }
        }
    }
}

/// Views per day as a small bar chart (inline SVG: no script, scales with the page).
fn chart(days: &[usize]) -> Markup {
    let max = days.iter().copied().max().unwrap_or(0).max(1);
    let (w, h) = (days.len() * 10, 60);
    html! {
        figure.chart {
            svg #views-chart viewBox={ "0 0 " (w) " " (h + 2) } width="100%" height="80" preserveAspectRatio="none" role="img" aria-label={ "Views per day, the last " (days.len()) " days" } {
                @for (i, n) in days.iter().enumerate() {
                    @let bh = if *n == 0 { 1 } else { (n * h / max).max(2) };
                    rect x=(i * 10 + 1) y=(h - bh) width="8" height=(bh) rx="1" fill=(if *n == 0 { "#e3ddd3" } else { "#a8562e" }) { title { (n) " views" } }
                }
            }
            figcaption.muted { "Views per day, the last " (days.len()) " days (most " (max) ")" }
        }
    }
}

pub fn activity(
    studio: &str,
    csrf: &str,
    g: &GalleryOut,
    stats: &crate::app::activity::Stats,
    lines: &[crate::app::activity::Line],
) -> Markup {
    layout(
        &Chrome { studio, csrf: Some(csrf) },
        "Activity",
        html! {
            nav.crumbs { a href="/admin" { "Galleries" } span { "/" } a href={ "/admin/galleries/" (g.id) } { (g.title) } }
            div.pagehead { div { p.eyebrow { "Activity" } h1 { "Who did what" } p.muted { "Views, hearts, notes, submissions and downloads, newest first." } } }
            section.card #stats {
                dl.stats {
                    div { dt { "Visitors" } dd #stat-visitors { (stats.visitors) } }
                    div { dt { "Hearts" } dd #stat-hearts { (stats.hearts) } }
                    div { dt { "Downloads" } dd #stat-downloads { (stats.downloads) } }
                    div { dt { "Orders" } dd #stat-orders { (stats.orders) } }
                    @if !stats.sales.is_empty() { div { dt { "Sales (paid)" } dd #stat-sales { (stats.sales.join(" + ")) } } }
                }
                (chart(&stats.views_per_day))
            }
            section.card { (activity_list(lines, false)) }
        },
    )
}
