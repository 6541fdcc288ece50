//! The only module that imports poem: routes, extractors, views, assets, the JSON API and
//! the mapping of errors to HTTP. One folder per audience (`admin/`, `client/`, `api/`),
//! each with its handlers and views; handlers extract (`extract.rs`), call `app`, and render.

mod admin;
mod api;
mod assets;
mod client;
mod client_ip;
mod compress;
mod error;
mod extract;
mod headers;
mod invoice;
mod limits;
mod live;
mod media;
mod metrics;
mod models;
mod server;
mod session;
mod stream;
mod upload;
mod views;
mod zip;

use poem::{
    EndpointExt, IntoEndpoint, Route, get, handler,
    middleware::CookieJarManager,
    post,
    web::{Data, Redirect},
};
use poem_openapi::OpenApiService;

use crate::{app, app::App};

/// Every route, in one place, so the access tests can walk them.
pub fn routes(state: App) -> impl poem::Endpoint {
    let api = OpenApiService::new(api::Api, "proofroom", env!("CARGO_PKG_VERSION"))
        .description("Galleries, photos and uploads of a proofroom server.")
        .server("/api");
    let spec = api.spec_endpoint();
    let docs = api.swagger_ui();
    Route::new()
        .at("/", get(home))
        .at("/healthz", get(healthz))
        .at("/metrics", get(metrics::metrics))
        .at("/assets/:name", get(assets::serve))
        .at("/media/:kind/:hash/:exp/:sig", get(media::serve).head(media::serve))
        .at("/admin", get(admin::dashboard))
        .at("/admin/login", get(admin::login_form).post(admin::login_submit))
        .at("/admin/setup/:token", get(admin::setup_form).post(admin::setup_submit))
        .at("/admin/logout", post(admin::logout))
        .at("/admin/galleries", post(admin::create_gallery))
        .at("/admin/pick", get(admin::pick))
        .at("/admin/galleries/:id", get(admin::gallery_page))
        .at("/admin/galleries/:id/edit", post(admin::edit_gallery))
        .at("/admin/galleries/:id/delete", get(admin::delete_form).post(admin::delete_gallery))
        .at("/admin/galleries/:id/photos", post(admin::upload_photos))
        .at("/admin/galleries/:id/photos.json", get(admin::photos_json))
        .at("/admin/galleries/:id/order", post(admin::reorder))
        .at("/admin/galleries/:id/live", get(admin::live_page).post(admin::start_live))
        .at("/admin/galleries/:id/live/events", get(admin::live_events))
        .at("/admin/galleries/:id/live/act", post(admin::live_act))
        .at("/admin/galleries/:id/live/end", post(admin::end_live))
        .at("/admin/galleries/:id/live/cart", post(admin::live_cart))
        .at("/admin/galleries/:id/live/wall", post(admin::live_wall))
        .at("/admin/photos/:id", get(admin::photo_page))
        .at("/admin/photos/:id/state", post(admin::set_state))
        .at("/admin/photos/:id/cover", post(admin::set_cover))
        .at("/admin/galleries/:id/shares", post(admin::create_share))
        .at("/admin/shares/:id/revoke", post(admin::revoke_share))
        .at("/admin/galleries/:id/proofing", post(admin::set_rules))
        .at("/admin/galleries/:id/selections", get(admin::selections))
        .at("/admin/galleries/:id/selections.csv", get(admin::selections_csv))
        .at("/admin/galleries/:id/selections/:visitor/reopen", post(admin::reopen))
        .at("/admin/galleries/:id/comments", post(admin::reply))
        .at("/admin/outbox", get(admin::outbox))
        .at("/admin/galleries/:id/journey", get(admin::journey_page).post(admin::set_journey))
        .at("/admin/galleries/:id/lifecycle", post(admin::set_lifecycle))
        .at("/admin/galleries/:id/settings", post(admin::apply_settings))
        .at("/admin/galleries/:id/settings.json", get(admin::settings_json))
        .at("/admin/galleries/:id/preset", post(admin::save_preset))
        .at("/admin/presets/delete", post(admin::remove_preset))
        .at("/admin/galleries/:id/reopen", post(admin::reopen_gallery))
        .at("/admin/messages", get(admin::messages_page))
        .at("/admin/messages/defaults", post(admin::set_message_defaults))
        .at("/admin/messages/:name", get(admin::message_page).post(admin::set_message))
        .at("/unsubscribe/:token", get(client::unsubscribe_page).post(client::unsubscribe_now))
        .at("/unsubscribe/:token/again", post(client::resubscribe))
        .at("/admin/studio", get(admin::studio_page))
        .at("/admin/studio/logo", post(admin::set_logo))
        .at("/admin/studio/logo.png", get(admin::logo))
        .at("/admin/studio/watermark", post(admin::set_watermark))
        .at("/admin/studio/brand", post(admin::set_brand))
        .at("/brand.css", get(assets::brand_css))
        .at("/admin/studio/sample.jpg", get(admin::sample))
        .at("/admin/galleries/:id/activity", get(admin::activity))
        .at("/admin/galleries/:id/zip", get(admin::zip))
        .at("/admin/prices", get(admin::prices_page))
        .at("/admin/prices/terms", post(admin::set_price_terms))
        .at("/admin/prices/lists", post(admin::add_price_list))
        .at("/admin/prices/lists/:id/delete", post(admin::remove_price_list))
        .at("/admin/prices/products", post(admin::add_product))
        .at("/admin/prices/products/:id/delete", post(admin::remove_product))
        .at("/admin/prices/products/:id/photo", post(admin::set_product_photo))
        .at("/admin/prices/packages", post(admin::add_package))
        .at("/admin/prices/packages/:id/delete", post(admin::remove_package))
        .at("/admin/prices/shipping", post(admin::add_shipping))
        .at("/admin/prices/shipping/:id/delete", post(admin::remove_shipping))
        .at("/admin/prices/coupons", post(admin::add_coupon))
        .at("/admin/prices/coupons/:code/delete", post(admin::remove_coupon))
        .at("/admin/prices/billing", post(admin::set_billing))
        .at("/admin/orders", get(admin::orders_page))
        .at("/admin/orders/:id", get(admin::order_page))
        .at("/admin/orders/:id/payments", post(admin::record_payment))
        .at("/admin/orders/:id/state", post(admin::move_order))
        .at("/admin/orders/:id/invoice", get(admin::order_invoice))
        .at("/admin/orders/:id/deliver", post(admin::deliver_order))
        .at("/admin/orders/:id/lab.zip", get(admin::lab_zip))
        .at("/admin/orders/:id/lines", post(admin::add_order_line))
        .at("/admin/orders/:id/lines/:n/delete", post(admin::remove_order_line))
        .at("/admin/orders/:id/discount", post(admin::order_discount))
        .at("/admin/tokens", get(admin::tokens_page).post(admin::create_token))
        .at("/admin/tokens/:id/revoke", post(admin::revoke_token))
        .at("/g/:token", get(client::cover))
        .at("/g/:token/unlock", post(client::unlock))
        .at("/g/:token/reopen", post(client::ask_to_reopen))
        .at("/g/:token/identify", post(client::identify))
        .at("/g/:token/sign-in", post(client::sign_in))
        .at("/g/:token/enter/:code", get(client::enter_page).post(client::enter))
        .at("/access", get(client::access_page).post(client::access_request))
        .at("/g/:token/photos", get(client::photos_page))
        .at("/g/:token/prices", get(client::prices_page))
        .at("/g/:token/live", get(client::live_page))
        .at("/g/:token/live/events", get(client::live_events))
        .at("/g/:token/live/act", post(client::live_act))
        .at("/g/:token/live/order", post(client::live_order))
        .at("/g/:token/live/cart", post(client::live_cart))
        .at("/g/:token/live/wall", post(client::live_wall))
        .at("/g/:token/order", get(client::cart_page))
        .at("/g/:token/order/add", get(client::order_add_page))
        .at("/g/:token/order/lines", post(client::add_line))
        .at("/g/:token/order/lines/:n", post(client::set_quantity))
        .at("/g/:token/order/package", post(client::choose_package))
        .at("/g/:token/order/package/fill", post(client::fill_package))
        .at("/g/:token/order/package/photo", post(client::package_photo))
        .at("/g/:token/order/coupon", post(client::set_coupon))
        .at("/g/:token/order/shipping", post(client::set_shipping))
        .at("/g/:token/checkout", get(client::checkout_page).post(client::checkout))
        .at("/g/:token/orders/:id", get(client::order_page))
        .at("/g/:token/orders/:id/invoice", get(client::invoice_page))
        .at("/g/:token/orders/:id/files", get(client::delivery_page))
        .at("/g/:token/orders/:id/files/:photo", get(client::delivery_file))
        .at("/g/:token/orders/:id/zip", get(client::delivery_zip))
        .at("/g/:token/orders/:id/pay", post(client::pay_by_card))
        .at("/webhooks/stripe", post(stripe_webhook))
        .at("/g/:token/favourite", post(client::favourite))
        .at("/g/:token/submit", post(client::submit))
        .at("/g/:token/comments", get(client::comments_json).post(client::add_comment))
        .at("/g/:token/download/:photo", get(client::download))
        .at("/g/:token/zip", get(client::zip))
        .nest("/api/openapi.json", spec)
        .nest("/api/docs", docs)
        .nest("/api", api.into_endpoint().catch_all_error(error::api_catch_all))
        .around(error::branded)
        .around(compress::text)
        .around(limits::cap_bodies)
        .with(CookieJarManager::new())
        .around(headers::secure)
        .around(metrics::observe)
        .data(state)
        .data(std::sync::Arc::new(client::TileCache::new()))
        .into_endpoint()
}

/// The app, from the request's data (set once in `routes`), for extractors.
pub fn app_of(req: &poem::Request) -> Result<&App, app::AppError> {
    req.data::<App>().ok_or_else(|| app::AppError::Internal("app state missing from request".into()))
}

#[handler]
fn home() -> Redirect {
    Redirect::see_other("/admin")
}

/// Stripe's notices: the raw body and its `Stripe-Signature`, checked before anything is
/// read. 200 once handled (or ignored), 400 when the signature does not check, so Stripe
/// shows the failure; 503 asks it to send again later.
#[handler]
async fn stripe_webhook(
    Data(state): Data<&App>,
    req: &poem::Request,
    body: poem::Body,
) -> poem::Result<&'static str> {
    let signature = req.header("stripe-signature").unwrap_or_default().to_string();
    let bytes = body
        .into_bytes_limit(256 * 1024)
        .await
        .map_err(|e| app::AppError::Invalid(format!("the notice could not be read ({e})")))?;
    app::payments::notice(state, &bytes, &signature).await.map_err(error::json)?;
    Ok("ok")
}

/// 200 "ok" while the server can store what it is given; 503 while the database or the
/// disk refuses writes, so Docker (or another supervisor) can see it.
#[handler]
async fn healthz(Data(state): Data<&App>) -> poem::Response {
    use poem::IntoResponse;
    match app::maintenance::healthy(state).await {
        true => "ok".into_response(),
        false => {
            "storage is not writable".with_status(poem::http::StatusCode::SERVICE_UNAVAILABLE).into_response()
        }
    }
}

/// Starts the workers, prints how to sign in, and serves until Ctrl-C or SIGTERM.
pub async fn serve(state: App) -> anyhow::Result<()> {
    state.start_workers()?;
    // `proofroom backup` (and other local commands) reach the running server here.
    crate::control::listen(state.clone(), &state.config().data_dir).await?;
    // Live sessions running at the last stop go on; changes are written as they come.
    app::live::restore(&state).await;
    tokio::spawn(app::live::keep_saving(state.clone()));
    // The journey's messages go out when due, checked every minute.
    tokio::spawn(app::journey::keep_sending(state.clone()));
    // Orders paid (or finals uploaded) just before a crash are delivered now.
    let s = state.clone();
    tokio::spawn(async move { app::delivery::check_quietly(&s).await });
    let listener = tokio::net::TcpListener::bind(state.config().listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", state.config().listen))?;
    let local = listener.local_addr()?;
    println!("proofroom listening on http://{local}");
    println!("data directory: {}", state.config().data_dir.display());
    match app::auth::setup_link(&state).await? {
        Some(link) => {
            println!("\nFirst start: open this one-time link to choose the admin password:\n\n    {link}\n")
        }
        None => println!("Sign in at {}/admin/login", state.config().base_url),
    }
    let cap = server::connection_cap(state.config().max_connections);
    server::run(listener, routes(state.clone()), cap, shutdown_signal()).await?;
    app::live::save_changed(&state).await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => return ctrl_c.await.unwrap_or_default(),
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    ctrl_c.await.unwrap_or_default();
}
