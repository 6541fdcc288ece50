//! The journey's one-click unsubscribe (RFC 8058): a mail app POSTs
//! `List-Unsubscribe=One-Click` to the address in the header; a person following the link
//! gets a page with one button, so a mail scanner fetching links unsubscribes nobody.

use maud::{Markup, html};
use poem::{Request, handler, web::Data};

use super::views::entry_card;
use crate::app::{self, App};

fn token(req: &Request) -> &str {
    req.raw_path_param("token").unwrap_or_default()
}

fn page(studio: &str, action: &str, email: &str, off: bool) -> Markup {
    entry_card(
        studio,
        if off { "You are unsubscribed" } else { "Unsubscribe" },
        html! {
            @if off {
                p.notice #unsubscribed role="status" { strong { (email) } " gets no more reminders or news from " (studio) ". Sign-in links and messages about your orders still arrive." }
                form method="post" action={ (action) "/again" } {
                    button.button.wide type="submit" { "Subscribe again" }
                }
            } @else {
                p.muted { "Stop the reminders and news " (studio) " sends to " strong { (email) } " about your galleries?" }
                form method="post" action=(action) {
                    button.button.primary.wide #unsubscribe type="submit" { "Unsubscribe" }
                }
            }
        },
    )
}

#[handler]
pub async fn unsubscribe_page(Data(state): Data<&App>, req: &Request) -> poem::Result<Markup> {
    let (email, off) = app::journey::unsubscribed(state, token(req)).await?;
    Ok(page(&state.config().studio_name, req.uri().path(), &email, off))
}

/// The one click: from the mail app (its body is `List-Unsubscribe=One-Click`) or the page.
#[handler]
pub async fn unsubscribe_now(Data(state): Data<&App>, req: &Request) -> poem::Result<Markup> {
    let email = app::journey::unsubscribe(state, token(req), false).await?;
    Ok(page(&state.config().studio_name, req.uri().path(), &email, true))
}

#[handler]
pub async fn resubscribe(Data(state): Data<&App>, req: &Request) -> poem::Result<Markup> {
    let t = token(req);
    let email = app::journey::unsubscribe(state, t, true).await?;
    Ok(page(&state.config().studio_name, &format!("/unsubscribe/{t}"), &email, false))
}
