//! The client journey's pages: a gallery's dates and messages, the studio's messages, and
//! one message's words with its preview.

use maud::{Markup, html};

use super::{Chrome, layout};
use crate::{
    app::journey::{Overview, Preview},
    domain::{
        day_of,
        journey::{self, Automation, Lifecycle, Stage, StudioJourney, Template, Timings},
    },
    web::views::{human_date, human_time},
};

/// The table of messages with their on/off boxes and days, for a form.
fn timings_table(t: &Timings, disabled: bool) -> Markup {
    html! {
        table.journey-timings {
            thead { tr { th { "Message" } th { "On" } th { "Days" } th { "When" } } }
            tbody {
                @for a in Automation::ALL {
                    @let tm = t.get(a);
                    tr {
                        td { a href={ "/admin/messages/" (a.as_str()) } { (a.label()) } }
                        td { input type="checkbox" name={ "on-" (a.as_str()) } value="on" checked[tm.on] disabled[disabled] aria-label={ (a.label()) " on" }; }
                        td { input.days type="number" min="0" max=(journey::MAX_DAYS) name={ "days-" (a.as_str()) } value=(tm.days) disabled[disabled] aria-label={ (a.label()) ": days" }; }
                        td.muted { (a.when(tm.days)) }
                    }
                }
            }
        }
    }
}

pub fn gallery(studio: &str, csrf: &str, o: &Overview) -> Markup {
    let g = &o.gallery;
    layout(
        &Chrome { studio, csrf: Some(csrf) },
        &format!("Client journey · {}", g.title),
        html! {
            nav.crumbs aria-label="Breadcrumb" {
                a href="/admin" { "Galleries" }
                span aria-hidden="true" { "/" }
                a href={ "/admin/galleries/" (g.id) } { (g.title) }
            }
            div.pagehead {
                div { p.eyebrow { "Lifecycle and client journey" } h1 { (g.title) } }
                a.button href="/admin/messages" { "Words of the messages →" }
            }
            (lifecycle(csrf, g))
            section.card {
                h2 { "Messages" }
                @if o.clients.is_empty() {
                    p.notice #no-clients { "Nobody gets these messages yet: they go to the clients you share this gallery with by e-mail (Share → “Only this e-mail address opens it”)." }
                } @else {
                    p.muted #clients {
                        "These messages go to: "
                        @for (i, (email, off)) in o.clients.iter().enumerate() {
                            @if i > 0 { ", " }
                            strong { (email) } @if *off { " " span.tag { "unsubscribed" } }
                        }
                    }
                }
                form method="post" action={ "/admin/galleries/" (g.id) "/journey" } {
                    input type="hidden" name="csrf" value=(csrf);
                    div.row2 {
                        div {
                            label for="go-live" { "Goes live on (the invitation goes out that morning)" }
                            input #go-live type="date" name="go_live" value=[g.journey.go_live_ms.map(day_of)];
                        }
                        div {
                            label for="deadline" { "Selection deadline" }
                            input #deadline type="date" name="deadline" value=[g.journey.deadline_ms.map(day_of)];
                        }
                    }
                    fieldset {
                        legend { "Timings" }
                        label.check { input type="radio" name="follow" value="studio" checked[!o.own_timings]; span { "The studio's (" a href="/admin/messages" { "change them" } ")" } }
                        label.check { input #own-timings type="radio" name="follow" value="own" checked[o.own_timings]; span { "This gallery's own, below" } }
                    }
                    (timings_table(&Timings(o.lines.iter().map(|l| (l.automation, l.timing)).collect()), false))
                    button.button.primary type="submit" { "Save" }
                }
            }
            section.card #journey-log {
                h2 { "Sent and coming" }
                table {
                    thead { tr { th { "Message" } th { "Sent" } th { "Next" } } }
                    tbody {
                        @for l in &o.lines {
                            tr data-automation=(l.automation.as_str()) {
                                td { (l.automation.label()) @if !l.timing.on { " " span.tag.plain { "off" } } }
                                td { @for (to, at) in &l.sent { div.sent { (to) " · " (human_time(*at)) } } }
                                td.muted { @if l.timing.on { @for (to, at) in &l.next { div { (to) " · " (human_date(*at)) } } } }
                            }
                        }
                    }
                }
            }
        },
    )
}

/// Where the gallery stands, the one-click reopen, and the stage and closing day.
fn lifecycle(csrf: &str, g: &crate::domain::Gallery) -> Markup {
    let j = &g.journey;
    let now = crate::domain::now_ms();
    let state = j.lifecycle(now);
    let words = match state {
        Lifecycle::Draft => "Draft: no client can open it, and no message goes.".to_string(),
        Lifecycle::Scheduled(at) => format!("Scheduled: it opens to clients on {}.", human_date(at)),
        Lifecycle::Live => match j.expires_ms {
            Some(at) => format!("Live until {}.", human_date(at)),
            None => "Live.".to_string(),
        },
        Lifecycle::Expired(at) => {
            format!("Expired on {}: clients see a page to ask you to reopen it.", human_date(at))
        }
        Lifecycle::Archived { finals: true } => {
            "Archived: clients can still download the finals, nothing else.".into()
        }
        Lifecycle::Archived { finals: false } => "Archived: closed to clients.".into(),
    };
    html! {
        section.card #lifecycle {
            h2 { "Lifecycle" }
            p #lifecycle-state data-state=(state.name()) {
                // Green while clients can come in, red when they cannot.
                @match state {
                    Lifecycle::Live | Lifecycle::Scheduled(_) => span.tag.ok { (state.name()) },
                    Lifecycle::Draft | Lifecycle::Archived { .. } => span.tag.plain { (state.name()) },
                    Lifecycle::Expired(_) => span.tag { (state.name()) },
                }
                " " (words)
            }
            @if matches!(state, Lifecycle::Expired(_) | Lifecycle::Archived { .. }) {
                form method="post" action={ "/admin/galleries/" (g.id) "/reopen" } {
                    input type="hidden" name="csrf" value=(csrf);
                    button.button.primary #reopen type="submit" { "Reopen for " (crate::app::journey::REOPEN_DAYS) " days" }
                }
            }
            form method="post" action={ "/admin/galleries/" (g.id) "/lifecycle" } {
                input type="hidden" name="csrf" value=(csrf);
                div.row2 {
                    div {
                        label for="stage" { "Stage" }
                        select #stage name="stage" {
                            option value="draft" selected[j.stage == Stage::Draft] { "Draft (being prepared)" }
                            option value="live" selected[j.stage == Stage::Live] { "Live (from its go-live day)" }
                            option value="archived" selected[j.stage == Stage::Archived] { "Archived" }
                        }
                    }
                    div {
                        label for="expires" { "Closes after (empty: never)" }
                        input #expires type="date" name="expires" value=[j.expires_ms.map(day_of)];
                    }
                }
                label.check { input #archive-finals type="checkbox" name="archive_finals" value="on" checked[j.archive_finals]; span { "When archived, clients with access can still download the finals" } }
                button.button type="submit" { "Save" }
            }
        }
    }
}

pub fn messages(studio: &str, csrf: &str, j: &StudioJourney) -> Markup {
    layout(
        &Chrome { studio, csrf: Some(csrf) },
        "Messages",
        html! {
            div.pagehead {
                div { p.eyebrow { "Settings" } h1 { "Client journey" } }
                a.button href="/admin/outbox" { "Outbox →" }
            }
            section.card {
                p.muted { "The messages each gallery sends its clients by itself, at these times, through your own mail server. Each gallery can have its own timings (its page → Client journey). Every message carries a one-click unsubscribe; sign-in links, invitations you send by hand and order mails are not affected by it." }
                form method="post" action="/admin/messages/defaults" {
                    input type="hidden" name="csrf" value=(csrf);
                    (timings_table(&j.timings, false))
                    label for="review-url" { "Review or referral link (the thank-you names it as {review})" }
                    input #review-url type="url" name="review_url" maxlength="500" value=[j.review_url.as_deref()] placeholder="https://g.page/your-studio/review";
                    button.button.primary type="submit" { "Save" }
                }
            }
            section.card {
                h2 { "Words" }
                ul.plain {
                    @for a in Automation::ALL {
                        li { a href={ "/admin/messages/" (a.as_str()) } { (a.label()) } @if j.templates.contains_key(&a) { " " span.tag.plain { "your words" } } }
                    }
                }
            }
        },
    )
}

/// One message's page.
pub struct Message<'a> {
    pub studio: &'a str,
    pub csrf: &'a str,
    pub automation: Automation,
    pub template: Template,
    /// Whether these are the studio's own words (else the built-in ones).
    pub own: bool,
    /// (id, title) of every gallery, for the preview's choice.
    /// Whether the studio has a gallery to preview the message with.
    pub has_galleries: bool,
    pub preview: Option<&'a Preview>,
    pub error: Option<&'a str>,
}

pub fn message(m: &Message) -> Markup {
    let a = m.automation;
    layout(
        &Chrome { studio: m.studio, csrf: Some(m.csrf) },
        a.label(),
        html! {
            nav.crumbs aria-label="Breadcrumb" { a href="/admin/messages" { "Client journey" } }
            div.pagehead { div { p.eyebrow { "Message" } h1 { (a.label()) } p.muted { "Sent " (a.when(a.default_timing().days)) " (by default)." } } }
            div.studio-grid {
                section.card #words {
                    @if let Some(e) = m.error { p.alert role="alert" #template-error { (e) } }
                    form method="post" action={ "/admin/messages/" (a.as_str()) } {
                        input type="hidden" name="csrf" value=(m.csrf);
                        label for="subject" { "Subject" }
                        input #subject type="text" name="subject" maxlength="200" value=(m.template.subject) required;
                        label for="body" { "Message (a blank line starts a new paragraph; a button to the gallery follows it)" }
                        textarea #body name="body" rows="12" maxlength="10000" required { (m.template.body) }
                        p.muted { "Placeholders: "
                            @for (i, name) in journey::allowed(a).into_iter().enumerate() {
                                @if i > 0 { " · " }
                                code { "{" (name) "}" } " "
                                (journey::COMMON_PLACEHOLDERS.iter().find(|(n, _)| *n == name).map_or(journey::placeholder_meaning(name), |(_, d)| *d))
                            }
                        }
                        div.row {
                            button.button.primary type="submit" { "Save" }
                            @if m.own { button.button type="submit" name="reset" value="on" formnovalidate { "Back to the built-in words" } }
                        }
                    }
                }
                section.card #preview {
                    h2 { "Preview" }
                    @if !m.has_galleries {
                        p.muted { "Make a gallery to see this message with its real names." }
                    } @else {
                        form method="get" action={ "/admin/messages/" (a.as_str()) } {
                            @let (id, title) = m.preview.map(|p| (p.gallery.id.to_string(), p.gallery.title.clone())).unwrap_or_default();
                            (super::picker(&super::Picker { id: "preview-gallery", name: "gallery", purpose: "gallery", label: "As sent for", value: &id, words: &title, shown: true, ..Default::default() }))
                            button.button type="submit" { "Show" }
                        }
                    }
                    @if let Some(p) = m.preview {
                        p.muted { "To " strong #preview-to { (p.to) } }
                        p #preview-subject { strong { (p.subject) } }
                        // The HTML part in a sandbox: it runs nothing and reaches nothing.
                        iframe.mail-preview sandbox="" title="The message as HTML" srcdoc=(p.html.replace("src=\"cid:logo\"", "src=\"/admin/studio/logo.png\"")) {}
                        details { summary { "Plain-text part" } pre #preview-text { (p.text) } }
                    }
                }
            }
        },
    )
}
