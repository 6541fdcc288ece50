//! Embedded CSS, JS and icons. URLs carry a content hash (`?v=`), so a page always loads the
//! assets it was rendered with and browsers may cache them for a year.

use poem::{
    IntoResponse, Request, Response, handler,
    http::{StatusCode, header},
    web::Path,
};
use rust_embed::RustEmbed;

#[derive(RustEmbed)]
#[folder = "assets"]
// The watermark font is compiled into the media layer, not served.
#[exclude = "fonts/*"]
struct Assets;

fn etag_of(file: &rust_embed::EmbeddedFile) -> String {
    hex::encode(&file.metadata.sha256_hash()[..8])
}

/// The versioned URL of an asset, for views.
pub fn url(name: &str) -> String {
    match Assets::get(name) {
        Some(f) => format!("/assets/{name}?v={}", etag_of(&f)),
        None => format!("/assets/{name}"),
    }
}

#[handler]
pub fn serve(Path(name): Path<String>, req: &Request) -> poem::Result<Response> {
    // Unknown names fall to the router's not-found page.
    let Some(file) = Assets::get(&name) else { return Err(poem::error::NotFoundError.into()) };
    let etag = format!("\"{}\"", etag_of(&file));
    if req.header(header::IF_NONE_MATCH).is_some_and(|v| v == etag) {
        return Ok(StatusCode::NOT_MODIFIED.into_response());
    }
    let mime = mime_guess::from_path(&name).first_or_octet_stream();
    Ok(Response::builder()
        .header(header::CONTENT_TYPE, mime.as_ref())
        .header(header::ETAG, etag)
        .header(header::CACHE_CONTROL, "public, max-age=31536000, immutable")
        .body(file.data.into_owned()))
}

/// The studio's branding for client pages: its accent and type pairing (with the embedded
/// fonts' faces). Its words change when the photographer saves the branding, so browsers
/// ask again each time (a 304 when nothing changed).
#[poem::handler]
pub async fn brand_css(
    poem::web::Data(state): poem::web::Data<&crate::app::App>,
    req: &Request,
) -> poem::Result<Response> {
    let studio = crate::app::studio::get(state).await?;
    let css = studio.brand.css(&url);
    let etag = format!("\"{}\"", &blake3::hash(css.as_bytes()).to_hex()[..16]);
    let resp = Response::builder()
        .header(header::CONTENT_TYPE, "text/css; charset=utf-8")
        .header(header::CACHE_CONTROL, "no-cache")
        .header(header::ETAG, etag.as_str());
    if req.header(header::IF_NONE_MATCH).is_some_and(|v| v == etag) {
        return Ok(resp.status(poem::http::StatusCode::NOT_MODIFIED).finish());
    }
    Ok(resp.body(css))
}
