//! The prices page: currency and tax, products, packages. Each form is one app call and a
//! redirect back to the page.

use maud::Markup;
use poem::{
    Response, handler,
    web::{Data, Path, Query},
};
use serde::Deserialize;

use super::{login::Nothing, see_other, views};
use crate::{
    app::{
        self, App,
        catalog::{NewCoupon, NewPackage, NewProduct, NewShipping},
    },
    domain::{PriceListId, order::Billing},
    web::{extract::AdminForm, session::Admin},
};

/// Which price list a page or form is about: empty for the studio's default.
#[derive(Deserialize, Default)]
pub struct ListForm {
    #[serde(default)]
    list: String,
}

/// The prices page, showing the default list's products and packages or those of `?list=`.
#[handler]
pub async fn page(Data(state): Data<&App>, admin: Admin, Query(q): Query<ListForm>) -> poem::Result<Markup> {
    let c = app::catalog::get(state).await?;
    let list = app::catalog::list_id(&q.list)?;
    if list.is_some() && !c.lists.iter().any(|l| l.id == list) {
        return Err(app::AppError::NotFound("no such price list".into()).into());
    }
    let limited: Vec<_> = c.coupons.iter().filter_map(|k| k.gallery).collect();
    let galleries = app::galleries::titles(state, limited).await?;
    let photo_url = |h| app::media_urls::url(state, app::media_urls::MediaKind::Rendition, &h);
    Ok(views::catalog::page(&state.config().studio_name, &admin.csrf, &c, list, &galleries, &photo_url))
}

/// Back to the prices page, at the list and section the form came from.
fn back_to(list: Option<PriceListId>, section: &str) -> Response {
    match list {
        None => see_other(&format!("/admin/prices#{section}")),
        Some(l) => see_other(&format!("/admin/prices?list={l}#{section}")),
    }
}

#[derive(Deserialize)]
pub struct NewListForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    copy: Option<String>,
}

#[handler]
pub async fn add_list(
    Data(state): Data<&App>,
    AdminForm(_, f): AdminForm<NewListForm>,
) -> poem::Result<Response> {
    let id = app::catalog::add_list(state, &f.name, f.copy.is_some()).await?;
    Ok(back_to(Some(id), "products"))
}

#[handler]
pub async fn remove_list(
    Data(state): Data<&App>,
    Path(id): Path<String>,
    AdminForm(_, _): AdminForm<Nothing>,
) -> poem::Result<Response> {
    let id =
        app::catalog::list_id(&id)?.ok_or_else(|| app::AppError::NotFound("no such price list".into()))?;
    app::catalog::remove_list(state, id).await?;
    Ok(see_other("/admin/prices#lists"))
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
    #[serde(default)]
    list: String,
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
    let list = app::catalog::list_id(&f.list)?;
    app::catalog::add_product(state, list, new).await?;
    Ok(back_to(list, "products"))
}

#[handler]
pub async fn remove_product(
    Data(state): Data<&App>,
    Path(id): Path<String>,
    AdminForm(_, f): AdminForm<ListForm>,
) -> poem::Result<Response> {
    let list = app::catalog::list_id(&f.list)?;
    app::catalog::remove_product(state, list, &id).await?;
    Ok(back_to(list, "products"))
}

/// A product's photo for the pricing guide (multipart: the file, or `remove`).
#[handler]
pub async fn set_product_photo(
    Data(state): Data<&App>,
    Path(id): Path<String>,
    super::studio::StudioForm(f): super::studio::StudioForm,
) -> poem::Result<Response> {
    let list = app::catalog::list_id(f.get("list"))?;
    let image = match (f.get("remove") == "on", f.file) {
        (true, _) => None,
        (false, Some(bytes)) => Some(bytes),
        (false, None) => return Err(app::AppError::Invalid("choose a photo of the product".into()).into()),
    };
    app::catalog::set_product_photo(state, list, &id, image).await?;
    Ok(back_to(list, "products"))
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
    #[serde(default)]
    list: String,
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
    let list = app::catalog::list_id(&f.list)?;
    app::catalog::add_package(state, list, new).await?;
    Ok(back_to(list, "packages"))
}

#[handler]
pub async fn remove_package(
    Data(state): Data<&App>,
    Path(id): Path<String>,
    AdminForm(_, f): AdminForm<ListForm>,
) -> poem::Result<Response> {
    let list = app::catalog::list_id(&f.list)?;
    app::catalog::remove_package(state, list, &id).await?;
    Ok(back_to(list, "packages"))
}

#[derive(Deserialize)]
pub struct ShippingForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    base: String,
    #[serde(default)]
    per_item: String,
    #[serde(default)]
    free_from: String,
}

#[handler]
pub async fn add_shipping(
    Data(state): Data<&App>,
    AdminForm(_, f): AdminForm<ShippingForm>,
) -> poem::Result<Response> {
    let new = NewShipping { name: f.name, base: f.base, per_item: f.per_item, free_from: f.free_from };
    app::catalog::add_shipping(state, new).await?;
    Ok(see_other("/admin/prices#shipping"))
}

#[handler]
pub async fn remove_shipping(
    Data(state): Data<&App>,
    Path(id): Path<String>,
    AdminForm(_, _): AdminForm<Nothing>,
) -> poem::Result<Response> {
    app::catalog::remove_shipping(state, &id).await?;
    Ok(see_other("/admin/prices#shipping"))
}

#[derive(Deserialize)]
pub struct CouponForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    discount: String,
    #[serde(default)]
    min_order: String,
    #[serde(default)]
    until: String,
    #[serde(default)]
    max_uses: String,
    #[serde(default)]
    gallery: String,
}

#[handler]
pub async fn add_coupon(
    Data(state): Data<&App>,
    AdminForm(_, f): AdminForm<CouponForm>,
) -> poem::Result<Response> {
    let new = NewCoupon {
        code: f.code,
        discount: f.discount,
        min_order: f.min_order,
        until: f.until,
        max_uses: f.max_uses,
        gallery: f.gallery,
    };
    app::catalog::add_coupon(state, new).await?;
    Ok(see_other("/admin/prices#coupons"))
}

#[handler]
pub async fn remove_coupon(
    Data(state): Data<&App>,
    Path(code): Path<String>,
    AdminForm(_, _): AdminForm<Nothing>,
) -> poem::Result<Response> {
    app::catalog::remove_coupon(state, &code).await?;
    Ok(see_other("/admin/prices#coupons"))
}

#[derive(Deserialize)]
pub struct BillingForm {
    #[serde(default)]
    address: String,
    #[serde(default)]
    tax_id: String,
    #[serde(default)]
    account_holder: String,
    #[serde(default)]
    iban: String,
    #[serde(default)]
    bic: String,
    #[serde(default)]
    instructions: String,
    #[serde(default)]
    invoice_note: String,
    #[serde(default)]
    due_days: String,
    #[serde(default)]
    delivery_names: String,
    #[serde(default)]
    delivery_creator: String,
    #[serde(default)]
    delivery_copyright: String,
}

#[handler]
pub async fn set_billing(
    Data(state): Data<&App>,
    AdminForm(_, f): AdminForm<BillingForm>,
) -> poem::Result<Response> {
    let due_days = match f.due_days.trim() {
        "" => 14,
        t => t
            .parse()
            .map_err(|_| app::AppError::Invalid(format!("days to pay must be a whole number, not “{t}”")))?,
    };
    let b = Billing {
        address: f.address,
        tax_id: f.tax_id,
        account_holder: f.account_holder,
        iban: f.iban,
        bic: f.bic,
        instructions: f.instructions,
        invoice_note: f.invoice_note,
        due_days,
    };
    let delivery = app::catalog::DeliverySettings {
        names: f.delivery_names,
        creator: f.delivery_creator,
        copyright: f.delivery_copyright,
    };
    app::catalog::set_billing(state, b, delivery).await?;
    Ok(see_other("/admin/prices#billing"))
}
