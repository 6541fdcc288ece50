//! The prices page: currency and tax, products, packages. Each form is one app call and a
//! redirect back to the page.

use maud::Markup;
use poem::{
    Response, handler,
    web::{Data, Path},
};
use serde::Deserialize;

use super::{login::Nothing, see_other, views};
use crate::{
    app::{self, App, catalog::NewPackage, catalog::NewProduct},
    web::{extract::AdminForm, session::Admin},
};

#[handler]
pub async fn page(Data(state): Data<&App>, admin: Admin) -> poem::Result<Markup> {
    let c = app::catalog::get(state).await?;
    Ok(views::catalog::page(&state.config().studio_name, &admin.csrf, &c))
}

#[derive(Deserialize)]
pub struct TermsForm {
    #[serde(default)]
    currency: String,
    #[serde(default)]
    tax: String,
    #[serde(default)]
    inclusive: Option<String>,
}

#[handler]
pub async fn set_terms(
    Data(state): Data<&App>,
    AdminForm(_, f): AdminForm<TermsForm>,
) -> poem::Result<Response> {
    app::catalog::set_terms(state, &f.currency, &f.tax, f.inclusive.is_some()).await?;
    Ok(see_other("/admin/prices"))
}

#[derive(Deserialize)]
pub struct ProductForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    long_edge: String,
    #[serde(default)]
    size: String,
    #[serde(default)]
    price: String,
    #[serde(default)]
    cost: String,
    #[serde(default)]
    proofs_only: Option<String>,
    #[serde(default)]
    ships: Option<String>,
}

#[handler]
pub async fn add_product(
    Data(state): Data<&App>,
    AdminForm(_, f): AdminForm<ProductForm>,
) -> poem::Result<Response> {
    let new = NewProduct {
        name: f.name,
        kind: f.kind,
        long_edge: f.long_edge,
        size: f.size,
        price: f.price,
        cost: f.cost,
        proofs_only: f.proofs_only.is_some(),
        ships: f.ships.is_some(),
    };
    app::catalog::add_product(state, new).await?;
    Ok(see_other("/admin/prices#products"))
}

#[handler]
pub async fn remove_product(
    Data(state): Data<&App>,
    Path(id): Path<String>,
    AdminForm(_, _): AdminForm<Nothing>,
) -> poem::Result<Response> {
    app::catalog::remove_product(state, &id).await?;
    Ok(see_other("/admin/prices#products"))
}

#[derive(Deserialize)]
pub struct PackageForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    price: String,
    #[serde(default)]
    images: String,
    #[serde(default)]
    digital: String,
    #[serde(default)]
    includes: String,
    #[serde(default)]
    extra_image: String,
}

#[handler]
pub async fn add_package(
    Data(state): Data<&App>,
    AdminForm(_, f): AdminForm<PackageForm>,
) -> poem::Result<Response> {
    let new = NewPackage {
        name: f.name,
        price: f.price,
        images: f.images,
        digital: f.digital,
        includes: f.includes,
        extra_image: f.extra_image,
    };
    app::catalog::add_package(state, new).await?;
    Ok(see_other("/admin/prices#packages"))
}

#[handler]
pub async fn remove_package(
    Data(state): Data<&App>,
    Path(id): Path<String>,
    AdminForm(_, _): AdminForm<Nothing>,
) -> poem::Result<Response> {
    app::catalog::remove_package(state, &id).await?;
    Ok(see_other("/admin/prices#packages"))
}
