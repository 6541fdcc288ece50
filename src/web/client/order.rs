//! Ordering, as a client does it: the order page (the cart: a package and its photos,
//! prints and files, a coupon, shipping, the price), adding a photo with a product and a
//! print's crop, checkout, and the placed orders with their invoices. Forms post and
//! redirect back, so every step works without the script.

use maud::Markup;
use poem::{
    IntoResponse, Response, handler,
    web::{Data, Path, Query, Redirect, cookie::CookieJar},
};
use serde::Deserialize;

use super::{gallery::inside, order_views as views};
use crate::{
    app::{
        self, App,
        media_urls::{self, MediaKind},
    },
    web::extract::{ClientDoor, ClientForm, ClientVisit},
};

fn to_order(door: &ClientDoor, anchor: &str) -> Response {
    Redirect::see_other(format!("{}/order{anchor}", door.base())).into_response()
}

/// The model the order pages share: the studio, the gallery, where things are.
fn frame<'a>(state: &'a App, v: &'a app::visit::Visit, door: &ClientDoor) -> views::Frame<'a> {
    views::Frame {
        studio: &state.config().studio_name,
        title: &v.gallery().title,
        base: door.base(),
        csrf: v.csrf(),
    }
}

fn thumbs(state: &App, view: &app::cart::CartView) -> Vec<(String, String)> {
    view.photos
        .values()
        .filter_map(|p| p.thumb.map(|t| (p.id.to_string(), media_urls::url(state, MediaKind::Rendition, &t))))
        .collect()
}

/// The order page: what is in the cart and its price, and the orders placed before.
#[handler]
pub async fn cart_page(Data(state): Data<&App>, jar: &CookieJar, door: ClientDoor) -> poem::Result<Response> {
    let v = match inside(state, jar, &door).await? {
        Ok(v) => v,
        Err(to_cover) => return Ok(to_cover),
    };
    let view = app::cart::view(state, &v).await?;
    let orders = app::orders::of_visit(state, &v).await?;
    let thumbs = thumbs(state, &view);
    Ok(views::cart(&frame(state, &v, &door), &view, &thumbs, &orders).into_response())
}

#[derive(Deserialize)]
pub struct AddQuery {
    photo: String,
}

/// One photo, to order: a product, a quantity, and for prints a crop frame on the preview.
#[handler]
pub async fn add_page(
    Data(state): Data<&App>,
    jar: &CookieJar,
    door: ClientDoor,
    Query(q): Query<AddQuery>,
) -> poem::Result<Response> {
    let v = match inside(state, jar, &door).await? {
        Ok(v) => v,
        Err(to_cover) => return Ok(to_cover),
    };
    let view = app::cart::view(state, &v).await?;
    let photo = q
        .photo
        .parse()
        .ok()
        .and_then(|id| view.photos.get(&id))
        .ok_or_else(|| app::AppError::NotFound("That photo is not in this gallery.".into()))?;
    let preview = photo.preview.map(|(h, w, hh)| (media_urls::url(state, MediaKind::Rendition, &h), w, hh));
    Ok(views::add(&frame(state, &v, &door), &view, photo, preview).into_response())
}

#[derive(Deserialize)]
pub struct LineForm {
    #[serde(default)]
    photo: String,
    product: String,
    #[serde(default = "one")]
    quantity: String,
    #[serde(default)]
    crop: String,
}

fn one() -> String {
    "1".into()
}

#[handler]
pub async fn add_line(
    Data(state): Data<&App>,
    ClientForm(door, v, f): ClientForm<LineForm>,
) -> poem::Result<Response> {
    let new = app::cart::NewLine {
        photo: Some(f.photo),
        product: f.product,
        quantity: f.quantity,
        crop: Some(f.crop),
        room: None,
    };
    app::cart::add_line(state, &v, new).await?;
    Ok(to_order(&door, "#lines"))
}

#[derive(Deserialize)]
pub struct QuantityForm {
    quantity: String,
}

/// A line's quantity; 0 (the "Remove" button) takes it out.
#[handler]
pub async fn set_quantity(
    Data(state): Data<&App>,
    Path((_, line)): Path<(String, usize)>,
    ClientForm(door, v, f): ClientForm<QuantityForm>,
) -> poem::Result<Response> {
    app::cart::set_quantity(state, &v, line, &f.quantity).await?;
    Ok(to_order(&door, "#lines"))
}

#[derive(Deserialize)]
pub struct PackageForm {
    #[serde(default)]
    package: String,
}

#[handler]
pub async fn choose_package(
    Data(state): Data<&App>,
    ClientForm(door, v, f): ClientForm<PackageForm>,
) -> poem::Result<Response> {
    app::cart::choose_package(state, &v, &f.package).await?;
    Ok(to_order(&door, "#package"))
}

/// A form with nothing but its CSRF field.
#[derive(Deserialize)]
pub struct Nothing {}

#[handler]
pub async fn fill_package(
    Data(state): Data<&App>,
    ClientForm(door, v, _): ClientForm<Nothing>,
) -> poem::Result<Response> {
    app::cart::fill_package(state, &v).await?;
    Ok(to_order(&door, "#package"))
}

#[derive(Deserialize)]
pub struct PackagePhotoForm {
    photo: String,
    /// "1" puts it in, anything else takes it out.
    #[serde(default)]
    on: String,
    /// Where to go after: the order page (default) or back to the photo's page.
    #[serde(default)]
    back: String,
}

#[handler]
pub async fn package_photo(
    Data(state): Data<&App>,
    ClientForm(door, v, f): ClientForm<PackagePhotoForm>,
) -> poem::Result<Response> {
    app::cart::package_photo(state, &v, &f.photo, f.on == "1").await?;
    Ok(match f.back.as_str() {
        "photo" => {
            Redirect::see_other(format!("{}/order/add?photo={}", door.base(), f.photo)).into_response()
        }
        _ => to_order(&door, "#package"),
    })
}

#[derive(Deserialize)]
pub struct CouponForm {
    #[serde(default)]
    code: String,
}

#[handler]
pub async fn set_coupon(
    Data(state): Data<&App>,
    ClientForm(door, v, f): ClientForm<CouponForm>,
) -> poem::Result<Response> {
    app::cart::set_coupon(state, &v, &f.code).await?;
    Ok(to_order(&door, "#total"))
}

#[derive(Deserialize)]
pub struct ShippingForm {
    shipping: String,
    /// `checkout` to go back there.
    #[serde(default)]
    back: String,
}

#[handler]
pub async fn set_shipping(
    Data(state): Data<&App>,
    ClientForm(door, v, f): ClientForm<ShippingForm>,
) -> poem::Result<Response> {
    app::cart::set_shipping(state, &v, &f.shipping).await?;
    Ok(match f.back.as_str() {
        "checkout" => Redirect::see_other(format!("{}/checkout", door.base())).into_response(),
        _ => to_order(&door, "#total"),
    })
}

/// Checkout: only what the order needs, with the price once more.
#[handler]
pub async fn checkout_page(
    Data(state): Data<&App>,
    jar: &CookieJar,
    door: ClientDoor,
) -> poem::Result<Response> {
    let v = match inside(state, jar, &door).await? {
        Ok(v) => v,
        Err(to_cover) => return Ok(to_cover),
    };
    let view = app::cart::checkout_view(state, &v).await?;
    if view.cart.package.is_none() && view.cart.lines.is_empty() {
        return Ok(to_order(&door, ""));
    }
    let key = app::auth::new_token();
    let prefill =
        v.visitor().map(|x| (x.name.clone().unwrap_or_default(), x.email.clone().unwrap_or_default()));
    let email = v.share().email.clone();
    let (name, email) = match prefill {
        Some((n, e)) => (n, if e.is_empty() { email.unwrap_or_default() } else { e }),
        None => (String::new(), email.unwrap_or_default()),
    };
    Ok(views::checkout(&frame(state, &v, &door), &view, &key[..32], &name, &email).into_response())
}

#[derive(Deserialize)]
pub struct CheckoutForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    address: String,
    #[serde(default)]
    vat_id: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    shipping: String,
}

#[handler]
pub async fn checkout(
    Data(state): Data<&App>,
    ClientForm(door, v, f): ClientForm<CheckoutForm>,
) -> poem::Result<Response> {
    let c = app::orders::Checkout {
        key: f.key,
        name: f.name,
        email: f.email,
        address: f.address,
        vat_id: f.vat_id,
        note: f.note,
        shipping: f.shipping,
    };
    let base = format!("{}{}", state.config().base_url, door.base());
    let o = app::checkout::place(state, &v, c, &base).await?;
    Ok(Redirect::see_other(format!("{}/orders/{}", door.base(), o.id)).into_response())
}

#[derive(Deserialize)]
pub struct OrderQuery {
    /// `card` on the way back from the card checkout.
    paid: Option<String>,
}

/// A placed order: where it stands, what it holds, how to pay, its invoice.
#[handler]
pub async fn order_page(
    Data(state): Data<&App>,
    ClientVisit(v): ClientVisit,
    door: ClientDoor,
    Path((_, id)): Path<(String, String)>,
    Query(q): Query<OrderQuery>,
) -> poem::Result<Markup> {
    let page = app::checkout::order_page(state, &v, &id).await?;
    let pay = views::Pay { card: page.card, back_from_card: q.paid.as_deref() == Some("card") };
    Ok(views::order(&frame(state, &v, &door), &page.order, &page.catalog, &page.photos, &pay))
}

/// "Pay by card": off to the provider's checkout for what the order still owes.
#[handler]
pub async fn pay_by_card(
    Data(state): Data<&App>,
    Path((_, id)): Path<(String, String)>,
    ClientForm(_, v, _): ClientForm<Nothing>,
) -> poem::Result<Response> {
    let url = app::payments::start(state, &v, &id).await?;
    Ok(Redirect::see_other(url).into_response())
}

#[derive(Deserialize)]
pub struct InvoiceQuery {
    n: Option<u32>,
}

/// An order's invoice, printable.
#[handler]
pub async fn invoice_page(
    Data(state): Data<&App>,
    ClientVisit(v): ClientVisit,
    Path((_, id)): Path<(String, String)>,
    Query(q): Query<InvoiceQuery>,
) -> poem::Result<Markup> {
    let inv = app::orders::invoice_for_visit(state, &v, &id, q.n).await?;
    Ok(crate::web::invoice::page(&inv))
}

/// The delivery: the order's files, each to download, and all of them as one zip.
#[handler]
pub async fn delivery_page(
    Data(state): Data<&App>,
    ClientVisit(v): ClientVisit,
    door: ClientDoor,
    Path((_, id)): Path<(String, String)>,
) -> poem::Result<Markup> {
    let (o, files) = app::delivery::for_visit(state, &v, &id).await?;
    let thumbs: Vec<(String, String)> = files
        .iter()
        .filter_map(|f| {
            f.thumb.map(|t| (f.photo.to_string(), media_urls::url(state, MediaKind::Rendition, &t)))
        })
        .collect();
    Ok(views::delivery(&frame(state, &v, &door), &o, &files, &thumbs))
}

/// One delivered file, under its delivery name.
#[handler]
pub async fn delivery_file(
    Data(state): Data<&App>,
    ClientVisit(v): ClientVisit,
    Path((_, id, photo)): Path<(String, String, String)>,
) -> poem::Result<Response> {
    let (name, blob) = app::delivery::file(state, &v, &id, &photo).await?;
    if let Some(direct) = app::media_urls::direct(state, &blob, &name) {
        return Ok(poem::web::Redirect::see_other(direct).into_response());
    }
    let file = app::media_urls::open_blob(state, blob).await?;
    let body = app::media_urls::stream(state, &file, 0, file.len).await?;
    Ok(Response::builder()
        .content_type(file.content_type)
        .header("content-disposition", crate::domain::attachment::disposition(&name))
        .header("content-length", file.len)
        .header("cache-control", "private, no-store")
        .body(crate::web::stream::body(body)))
}

/// Every ready file of the delivery as one zip.
#[handler]
pub async fn delivery_zip(
    Data(state): Data<&App>,
    ClientVisit(v): ClientVisit,
    Path((_, id)): Path<(String, String)>,
) -> poem::Result<Response> {
    crate::web::zip::response(app::delivery::zip(state, &v, &id).await?).await
}
