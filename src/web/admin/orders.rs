//! The photographer's orders: the list (what needs doing first), one order with its
//! timeline, payments and moves, and its invoices.

use maud::Markup;
use poem::{
    Response, handler,
    web::{Data, Path, Query},
};
use serde::Deserialize;

use super::{see_other, views};
use crate::{
    app::{self, App},
    web::{extract::AdminForm, session::Admin},
};

#[derive(Deserialize)]
pub struct ListQuery {
    /// The order the page starts after (older ones follow).
    #[serde(default)]
    before: Option<String>,
}

#[handler]
pub async fn list(Data(state): Data<&App>, admin: Admin, Query(q): Query<ListQuery>) -> poem::Result<Markup> {
    let overview = app::orders::overview(state, q.before.as_deref()).await?;
    Ok(views::orders::list(&state.config().studio_name, &admin.csrf, &overview))
}

#[handler]
pub async fn page(Data(state): Data<&App>, admin: Admin, Path(id): Path<String>) -> poem::Result<Markup> {
    let o = app::orders::get(state, &id).await?;
    let names = app::orders::filenames(state, &o).await?;
    let choices = app::orders::add_choices(state, &o).await?;
    Ok(views::orders::page(&state.config().studio_name, &admin.csrf, &o, &names, &choices))
}

#[derive(Deserialize)]
pub struct PaymentForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    method: String,
}

#[handler]
pub async fn record_payment(
    Data(state): Data<&App>,
    Path(id): Path<String>,
    AdminForm(_, f): AdminForm<PaymentForm>,
) -> poem::Result<Response> {
    let o = app::checkout::pay(state, &id, &f.amount, &f.method).await?;
    Ok(see_other(&format!("/admin/orders/{}", o.id)))
}

#[derive(Deserialize)]
pub struct StateForm {
    #[serde(default)]
    state: String,
}

#[handler]
pub async fn move_to(
    Data(state): Data<&App>,
    Path(id): Path<String>,
    AdminForm(_, f): AdminForm<StateForm>,
) -> poem::Result<Response> {
    let o = app::checkout::move_to(state, &id, &f.state).await?;
    Ok(see_other(&format!("/admin/orders/{}", o.id)))
}

#[derive(Deserialize)]
pub struct InvoiceQuery {
    n: Option<u32>,
}

#[handler]
pub async fn invoice(
    Data(state): Data<&App>,
    _admin: Admin,
    Path(id): Path<String>,
    Query(q): Query<InvoiceQuery>,
) -> poem::Result<Markup> {
    Ok(crate::web::invoice::page(&app::orders::invoice(state, &id, q.n).await?))
}

#[handler]
pub async fn deliver(
    Data(state): Data<&App>,
    Path(id): Path<String>,
    AdminForm(_, _): AdminForm<super::login::Nothing>,
) -> poem::Result<Response> {
    let o = app::delivery::deliver_now(state, &id).await?;
    Ok(see_other(&format!("/admin/orders/{}", o.id)))
}

/// The order's prints as a lab-ready zip (files at 300 ppi and a CSV order sheet).
#[handler]
pub async fn lab_zip(
    Data(state): Data<&App>,
    _admin: Admin,
    Path(id): Path<String>,
) -> poem::Result<Response> {
    crate::web::zip::response(app::lab::zip(state, &id).await?).await
}

/// Takes a line out of an order before it is paid.
#[handler]
pub async fn remove_line(
    Data(state): Data<&App>,
    Path((id, n)): Path<(String, usize)>,
    AdminForm(_, _): AdminForm<super::login::Nothing>,
) -> poem::Result<Response> {
    let o = app::orders::edit(state, &id, app::orders::Edit::RemoveLine(n)).await?;
    Ok(see_other(&format!("/admin/orders/{}", o.id)))
}

#[derive(Deserialize)]
pub struct DiscountForm {
    #[serde(default)]
    discount: String,
}

/// Gives (or changes, or with 0 takes away) a discount before the order is paid.
#[handler]
pub async fn discount(
    Data(state): Data<&App>,
    Path(id): Path<String>,
    AdminForm(_, f): AdminForm<DiscountForm>,
) -> poem::Result<Response> {
    let o = app::orders::edit(state, &id, app::orders::Edit::Discount(f.discount)).await?;
    Ok(see_other(&format!("/admin/orders/{}", o.id)))
}

#[derive(Deserialize)]
pub struct LineForm {
    #[serde(default)]
    product: String,
    #[serde(default)]
    photo: String,
    #[serde(default)]
    quantity: String,
}

/// Adds a line of the gallery's price list to an order before it is paid.
#[handler]
pub async fn add_line(
    Data(state): Data<&App>,
    Path(id): Path<String>,
    AdminForm(_, f): AdminForm<LineForm>,
) -> poem::Result<Response> {
    let edit = app::orders::Edit::AddLine { product: f.product, photo: f.photo, quantity: f.quantity };
    let o = app::orders::edit(state, &id, edit).await?;
    Ok(see_other(&format!("/admin/orders/{}#lines", o.id)))
}
