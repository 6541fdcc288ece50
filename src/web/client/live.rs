//! The client's side of a live session: the gallery's link, and the code the photographer
//! gives (typed once, or in the link they send).

use maud::{Markup, html};
use poem::{
    IntoResponse, Response, handler,
    web::{Data, Query, cookie::CookieJar},
};
use serde::Deserialize;

use super::{gallery::inside, views};
use crate::{
    app::{self, App},
    domain::live::{Action, Side},
    web::{
        extract::{ClientDoor, ClientForm, ClientJson, ClientScript, ClientVisit, JsonAnswer, WallPhoto},
        live::{self, LivePage, LivePhoto},
        models::PhotoOut,
    },
};

#[derive(Deserialize)]
pub struct CodeQuery {
    #[serde(default)]
    code: String,
}

/// With a code: joins and shows the session. Without: asks for the code.
#[handler]
pub async fn page(
    Data(state): Data<&App>,
    jar: &CookieJar,
    door: ClientDoor,
    Query(q): Query<CodeQuery>,
) -> poem::Result<Response> {
    let v = match inside(state, jar, &door).await? {
        Ok(v) => v,
        Err(to_cover) => return Ok(to_cover),
    };
    let base = door.base();
    let studio = &state.config().studio_name;
    if q.code.trim().is_empty() {
        return Ok(code_form(studio, &v.gallery().title, &format!("{base}/live"), None).into_response());
    }
    let live = match app::live::join(state, &v, &q.code).await {
        Ok(l) => l,
        Err(e @ (app::AppError::Forbidden(_) | app::AppError::NotFound(_))) => {
            let form = code_form(studio, &v.gallery().title, &format!("{base}/live"), Some(&e.to_string()));
            return Ok(form.with_status(poem::http::StatusCode::FORBIDDEN).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let photos = app::client::grid(state, &v)
        .await?
        .iter()
        .map(|t| {
            let p = PhotoOut::new(state, &t.photo);
            LivePhoto {
                id: p.id,
                name: p.filename,
                thumb: p.thumb_url,
                preview: p.preview_url,
                w: p.width.unwrap_or(3),
                h: p.height.unwrap_or(2),
            }
        })
        .collect();
    let code = live.code.clone();
    let catalog = app::catalog::for_visit(state, &v).await?;
    Ok(live::page(&LivePage {
        studio,
        title: &v.gallery().title,
        side: Side::Client,
        csrf: v.csrf(),
        code: &code,
        photos,
        sizes: live::sizes_of(app::live::print_sizes(&catalog)),
        packages: live::packages_of(&catalog),
        events_url: format!("{base}/live/events?code={code}"),
        act_url: format!("{base}/live/act?code={code}"),
        cart_url: format!("{base}/live/cart?code={code}"),
        wall_url: format!("{base}/live/wall?code={code}"),
        heart_url: Some(format!("{base}/favourite")),
        back_href: format!("{base}/photos"),
        end_action: None,
        order_action: Some(format!("{base}/live/order?code={code}")),
    })
    .into_response())
}

fn code_form(studio: &str, title: &str, action: &str, problem: Option<&str>) -> Markup {
    views::entry_card(
        studio,
        title,
        html! {
            h1 { "Join the session" }
            p.lead { "Enter the code your photographer gives you, and your screen follows theirs." }
            @if let Some(p) = problem { p.error role="alert" { (p) } }
            form method="get" action=(action) {
                label for="live-code-input" { "Session code" }
                input #live-code-input type="text" name="code" required maxlength="12" autocomplete="off" autocapitalize="characters" inputmode="text";
                button.button.primary type="submit" { "Join" }
            }
        },
    )
}

#[handler]
pub async fn events(
    Data(state): Data<&App>,
    ClientVisit(v): ClientVisit,
    Query(q): Query<CodeQuery>,
) -> poem::Result<poem::web::sse::SSE> {
    Ok(live::events(app::live::watch_client(state, &v, &q.code)?))
}

#[handler]
pub async fn act(
    Data(state): Data<&App>,
    Query(q): Query<CodeQuery>,
    ClientJson(v, action): ClientJson<Action>,
) -> JsonAnswer<serde_json::Value> {
    JsonAnswer(
        async {
            Ok(serde_json::json!({ "seq": app::live::act_client(state, &v, &q.code, action).await?.seq }))
        }
        .await,
    )
}

/// The client's cart, changed from the session (both screens show it).
#[handler]
pub async fn cart(
    Data(state): Data<&App>,
    Query(q): Query<CodeQuery>,
    ClientJson(v, op): ClientJson<app::live::CartOp>,
) -> JsonAnswer<serde_json::Value> {
    JsonAnswer(
        async {
            app::live::cart_client(state, &v, &q.code, op).await?;
            Ok(serde_json::json!({ "ok": true }))
        }
        .await,
    )
}

/// A photo of the client's own wall, for the room view.
#[handler]
pub async fn wall(
    Data(state): Data<&App>,
    Query(q): Query<CodeQuery>,
    ClientScript(v): ClientScript,
    WallPhoto(bytes): WallPhoto,
) -> JsonAnswer<serde_json::Value> {
    JsonAnswer(
        async {
            let hash = app::live::add_wall_client(state, &v, &q.code, bytes).await?;
            Ok(serde_json::json!({ "wall": hash }))
        }
        .await,
    )
}

/// The kept photos into the client's package, then to the order page to finish together.
#[handler]
pub async fn order(
    Data(state): Data<&App>,
    Query(q): Query<CodeQuery>,
    ClientForm(door, v, _): ClientForm<std::collections::HashMap<String, String>>,
) -> poem::Result<Response> {
    app::live::order_kept(state, &v, &q.code).await?;
    Ok(poem::web::Redirect::see_other(format!("{}/order", door.base())).into_response())
}
