//! What the studio sells: its currency and tax, products and packages (kept with the
//! studio's settings), and the pricing guide clients read.

use super::{App, AppError, Result, blocking, clean_text, visit::Visit};
use crate::domain::{
    Currency, GalleryId, Money, PackageId, PhotoState, PriceListId, ProductId, ShippingId,
    catalog::{Catalog, Coupon, Discount, Package, PriceList, Product, ProductKind, Shipping, Tax},
    order::Billing,
};

/// Products and packages a studio may list: more is a mistake, and every client page
/// that shows prices reads them all.
const MAX_ITEMS: usize = 200;
/// The largest price (100,000,000.00 in cents): far above any photographer's, far below
/// overflow.
const MAX_PRICE: Money = Money(10_000_000_000);

pub async fn get(state: &App) -> Result<Catalog> {
    Ok(super::studio::get(state).await?.catalog)
}

/// What a visit's shared gallery sells: the catalog with that gallery's price list. The
/// cart belongs to the shared gallery, so its sets order from the same list.
pub async fn for_visit(state: &App, v: &Visit) -> Result<Catalog> {
    for_gallery(state, v.gallery().id).await
}

/// The catalog with the price list `gallery` orders from: its own choice, else the nearest
/// gallery it is inside that chose one, else the studio's default.
pub async fn for_gallery(state: &App, gallery: GalleryId) -> Result<Catalog> {
    let catalog = get(state).await?;
    let chosen = state
        .with_db(move |db| {
            let mut cur = db.gallery(gallery)?;
            // Bounded: a damaged parent chain cannot loop for ever.
            for _ in 0..100 {
                match cur {
                    Some(g) if g.price_list.is_some() => return Ok(g.price_list),
                    Some(g) => cur = g.parent.map(|p| db.gallery(p)).transpose()?.flatten(),
                    None => break,
                }
            }
            Ok(None)
        })
        .await?;
    Ok(catalog.with_list(chosen))
}

/// A list named in a form: empty for the studio's default.
pub fn list_id(typed: &str) -> Result<Option<PriceListId>> {
    match typed.trim() {
        "" => Ok(None),
        t => t.parse().map(Some).map_err(|_| AppError::NotFound("no such price list".into())),
    }
}

fn no_list() -> AppError {
    AppError::NotFound("no such price list".into())
}

/// A new price list, empty or a copy of the default's products and packages (new ids, so
/// changing one list never changes another).
pub async fn add_list(state: &App, name: &str, copy_default: bool) -> Result<PriceListId> {
    let name = clean_text("the list's name", name, 80)?;
    let id = PriceListId::new();
    super::studio::edit(state, move |s| {
        let c = &mut s.catalog;
        if c.lists.len() >= 50 {
            return Err(AppError::Invalid("a studio keeps at most 50 price lists".into()));
        }
        if c.lists.iter().any(|l| l.name.eq_ignore_ascii_case(&name)) {
            return Err(AppError::Invalid(format!("there is already a list called “{name}”")));
        }
        let mut list = PriceList { id: Some(id), name, ..PriceList::default() };
        if copy_default {
            let mut ids = std::collections::HashMap::new();
            for p in &c.prices.products {
                let new = ProductId::new();
                ids.insert(p.id, new);
                list.products.push(Product { id: new, ..p.clone() });
            }
            for k in &c.prices.packages {
                let map = |id: &ProductId| ids.get(id).copied().unwrap_or(*id);
                list.packages.push(Package {
                    id: PackageId::new(),
                    digital: map(&k.digital),
                    includes: k.includes.iter().map(|(p, n)| (map(p), *n)).collect(),
                    ..k.clone()
                });
            }
        }
        c.lists.push(list);
        Ok(())
    })
    .await?;
    Ok(id)
}

/// Removes a list; the galleries that chose it order from the default again.
pub async fn remove_list(state: &App, id: PriceListId) -> Result<()> {
    super::studio::edit(state, move |s| {
        let before = s.catalog.lists.len();
        s.catalog.lists.retain(|l| l.id != Some(id));
        if s.catalog.lists.len() == before {
            return Err(no_list());
        }
        Ok(())
    })
    .await?;
    Ok(())
}

fn price(currency: &Currency, field: &str, typed: &str) -> Result<Money> {
    match currency.parse(typed) {
        Some(m) if m <= MAX_PRICE => Ok(m),
        Some(_) => Err(AppError::Invalid(format!("{field} is too large"))),
        None => Err(AppError::Invalid(format!(
            "{field} must be an amount such as 25 or 25.50, not “{}”",
            typed.trim()
        ))),
    }
}

/// The currency (ISO code) and tax (a percentage, included in prices or added on top).
pub async fn set_terms(state: &App, currency: &str, tax_percent: &str, inclusive: bool) -> Result<Catalog> {
    let c = Currency::of(currency).ok_or_else(|| {
        AppError::Invalid(format!("“{}” is not a currency code such as EUR or USD", currency.trim()))
    })?;
    // The rate is read like an amount with two decimals: "19" is 1900 basis points.
    let percent = Currency { code: String::new(), minor_digits: 2 };
    let rate = match tax_percent.trim() {
        "" => Money::ZERO,
        t => percent.parse(t.trim_end_matches('%')).filter(|r| r.0 <= 10_000).ok_or_else(|| {
            AppError::Invalid(format!("the tax rate must be a percentage from 0 to 100, not “{t}”"))
        })?,
    };
    let tax = Tax { rate_bp: rate.0 as u32, inclusive };
    let s = super::studio::edit(state, move |s| {
        let old = std::mem::replace(&mut s.catalog.currency, c);
        // Prices keep their minor units; a change of digits would change every price.
        let priced = s.catalog.offers_anything() || s.catalog.lists.iter().any(|l| !l.products.is_empty());
        if old.minor_digits != s.catalog.currency.minor_digits && priced {
            return Err(AppError::Invalid(
                "remove the products first: this currency counts its amounts differently".into(),
            ));
        }
        s.catalog.tax = tax;
        Ok(())
    })
    .await?;
    Ok(s.catalog)
}

/// A product as the form sends it.
pub struct NewProduct {
    pub name: String,
    /// `digital`, `print`, `wall-art`, `album`, `custom`, `gallery`.
    pub kind: String,
    /// Long edge of a digital size (empty: full resolution).
    pub long_edge: String,
    /// A print's size, in centimetres ("20 x 25") or inches ("8x10in").
    pub size: String,
    pub price: String,
    pub cost: String,
    /// Orderable only for proofs (finals are free to download).
    pub proofs_only: bool,
    /// A custom item that is sent.
    pub ships: bool,
}

/// "20 x 25" (cm), "8x10in", "16×20 in": width and height in millimetres.
fn print_size(typed: &str) -> Option<(u32, u32)> {
    let t = typed.trim().to_lowercase().replace('×', "x").replace(' ', "");
    let (t, mm_per) = match t.strip_suffix("in").or_else(|| t.strip_suffix('"')) {
        Some(rest) => (rest.to_string(), 25.4),
        None => (t.strip_suffix("cm").unwrap_or(&t).to_string(), 10.0),
    };
    let (w, h) = t.split_once('x')?;
    let (w, h): (f64, f64) = (w.parse().ok()?, h.parse().ok()?);
    let ok = |v: f64| v.is_finite() && v > 0.0 && v * mm_per <= 10_000.0;
    (ok(w) && ok(h)).then(|| ((w * mm_per).round() as u32, (h * mm_per).round() as u32))
}

pub async fn add_product(state: &App, list: Option<PriceListId>, f: NewProduct) -> Result<Catalog> {
    let name = clean_text("the product's name", &f.name, 120)?;
    let need_size = || {
        print_size(&f.size).ok_or_else(|| {
            AppError::Invalid(format!(
                "a print needs its size, such as 20 x 25 (cm) or 8x10in, not “{}”",
                f.size.trim()
            ))
        })
    };
    let kind = match f.kind.as_str() {
        "digital" => ProductKind::Digital {
            long_edge: match f.long_edge.trim() {
                "" => None,
                t => Some(t.parse::<u32>().ok().filter(|e| (100..=20_000).contains(e)).ok_or_else(|| {
                    AppError::Invalid(format!(
                        "the size must be a long edge in pixels (100 to 20000), not “{t}”"
                    ))
                })?),
            },
        },
        "print" => need_size().map(|(width_mm, height_mm)| ProductKind::Print { width_mm, height_mm })?,
        "wall-art" => {
            need_size().map(|(width_mm, height_mm)| ProductKind::WallArt { width_mm, height_mm })?
        }
        "album" => ProductKind::Album,
        "custom" => ProductKind::Custom { ships: f.ships },
        "gallery" => ProductKind::WholeGallery,
        other => return Err(AppError::Invalid(format!("“{other}” is not a kind of product"))),
    };
    let (price_typed, cost_typed, proofs_only) = (f.price, f.cost, f.proofs_only);
    let s = super::studio::edit(state, move |s| {
        let c = &mut s.catalog;
        let price = price(&c.currency, "the price", &price_typed)?;
        let cost = match cost_typed.trim() {
            "" => None,
            t => Some(self::price(&c.currency, "the cost", t)?),
        };
        let list = c.list_mut(list).ok_or_else(no_list)?;
        if list.products.len() >= MAX_ITEMS {
            return Err(AppError::Invalid(format!("a price list holds at most {MAX_ITEMS} products")));
        }
        let states = if proofs_only { vec![PhotoState::Proof, PhotoState::Undefined] } else { Vec::new() };
        list.products.push(Product { id: ProductId::new(), name, kind, price, cost, states, photo: None });
        Ok(())
    })
    .await?;
    Ok(s.catalog)
}

pub async fn remove_product(state: &App, list: Option<PriceListId>, id: &str) -> Result<Catalog> {
    let id: ProductId = id.parse().map_err(|_| AppError::NotFound("no such product".into()))?;
    let s = super::studio::edit(state, move |s| {
        let list = s.catalog.list_mut(list).ok_or_else(no_list)?;
        if let Some(p) =
            list.packages.iter().find(|p| p.digital == id || p.includes.iter().any(|(i, _)| *i == id))
        {
            return Err(AppError::Invalid(format!(
                "the package “{}” uses this product; remove it first",
                p.name
            )));
        }
        let before = list.products.len();
        list.products.retain(|p| p.id != id);
        if list.products.len() == before {
            return Err(AppError::NotFound("no such product".into()));
        }
        Ok(())
    })
    .await?;
    Ok(s.catalog)
}

/// Sets (`Some` bytes of any photo) or removes a product's photo for the pricing guide.
pub async fn set_product_photo(
    state: &App,
    list: Option<PriceListId>,
    id: &str,
    image: Option<Vec<u8>>,
) -> Result<Catalog> {
    let id: ProductId = id.parse().map_err(|_| AppError::NotFound("no such product".into()))?;
    let photo = match image {
        Some(bytes) => {
            let blobs = state.blobs.clone();
            Some(
                blocking(move || {
                    let jpeg = crate::media::product_photo::product_photo(&bytes).map_err(|e| match e {
                        crate::media::MediaError::Invalid(r) => {
                            AppError::UnsupportedType(format!("This photo cannot be used: {r}"))
                        }
                        crate::media::MediaError::Io(e) => AppError::Internal(e.to_string()),
                    })?;
                    Ok(blobs.put_bytes(&jpeg.bytes)?.hash)
                })
                .await?,
            )
        }
        None => None,
    };
    let s = super::studio::edit(state, move |s| {
        let list = s.catalog.list_mut(list).ok_or_else(no_list)?;
        let p = list
            .products
            .iter_mut()
            .find(|p| p.id == id)
            .ok_or_else(|| AppError::NotFound("no such product".into()))?;
        p.photo = photo;
        Ok(())
    })
    .await?;
    Ok(s.catalog)
}

/// A package as the form sends it.
pub struct NewPackage {
    pub name: String,
    pub price: String,
    pub images: String,
    /// The digital product its images are delivered as.
    pub digital: String,
    /// One other product included once (empty: none).
    pub includes: String,
    pub extra_image: String,
}

pub async fn add_package(state: &App, list: Option<PriceListId>, f: NewPackage) -> Result<Catalog> {
    let name = clean_text("the package's name", &f.name, 120)?;
    let images: u32 = f.images.trim().parse().ok().filter(|n| *n <= 10_000).ok_or_else(|| {
        AppError::Invalid(format!("the number of images must be a whole number, not “{}”", f.images.trim()))
    })?;
    let product = |typed: &str| {
        typed
            .trim()
            .parse::<ProductId>()
            .map_err(|_| AppError::Invalid("choose a product from the list".into()))
    };
    let digital = product(&f.digital)?;
    let includes = match f.includes.trim() {
        "" => None,
        t => Some(product(t)?),
    };
    let s = super::studio::edit(state, move |s| {
        let c = &mut s.catalog;
        let price = price(&c.currency, "the price", &f.price)?;
        let extra_image = match f.extra_image.trim() {
            "" => Money::ZERO,
            t => self::price(&c.currency, "the price per extra image", t)?,
        };
        let list = c.list_mut(list).ok_or_else(no_list)?;
        if !matches!(list.product(digital).map(|p| &p.kind), Some(ProductKind::Digital { .. })) {
            return Err(AppError::Invalid(
                "a package's images are delivered as one of this list's digital products".into(),
            ));
        }
        if includes.is_some_and(|i| list.product(i).is_none()) {
            return Err(AppError::Invalid("choose a product from the list".into()));
        }
        if list.packages.len() >= MAX_ITEMS {
            return Err(AppError::Invalid(format!("a price list holds at most {MAX_ITEMS} packages")));
        }
        let includes = includes.map(|i| vec![(i, 1)]).unwrap_or_default();
        list.packages.push(Package {
            id: PackageId::new(),
            name,
            price,
            images,
            digital,
            includes,
            extra_image,
        });
        Ok(())
    })
    .await?;
    Ok(s.catalog)
}

pub async fn remove_package(state: &App, list: Option<PriceListId>, id: &str) -> Result<Catalog> {
    let id: PackageId = id.parse().map_err(|_| AppError::NotFound("no such package".into()))?;
    let s = super::studio::edit(state, move |s| {
        let list = s.catalog.list_mut(list).ok_or_else(no_list)?;
        let before = list.packages.len();
        list.packages.retain(|p| p.id != id);
        if list.packages.len() == before {
            return Err(AppError::NotFound("no such package".into()));
        }
        Ok(())
    })
    .await?;
    Ok(s.catalog)
}

/// A way of shipping as the form sends it: a name, a flat amount, an amount per item, and
/// the order total from which it is free (all but the name may be empty).
pub struct NewShipping {
    pub name: String,
    pub base: String,
    pub per_item: String,
    pub free_from: String,
}

fn optional_price(c: &Currency, field: &str, typed: &str) -> Result<Option<Money>> {
    match typed.trim() {
        "" => Ok(None),
        t => price(c, field, t).map(Some),
    }
}

pub async fn add_shipping(state: &App, f: NewShipping) -> Result<Catalog> {
    let name = clean_text("the name", &f.name, 80)?;
    let s = super::studio::edit(state, move |s| {
        let c = &mut s.catalog;
        let base = optional_price(&c.currency, "the flat amount", &f.base)?.unwrap_or(Money::ZERO);
        let per_item =
            optional_price(&c.currency, "the amount per item", &f.per_item)?.unwrap_or(Money::ZERO);
        let free_from = optional_price(&c.currency, "the free-from total", &f.free_from)?;
        if c.shipping.len() >= 20 {
            return Err(AppError::Invalid("a studio offers at most 20 ways of shipping".into()));
        }
        c.shipping.push(Shipping { id: ShippingId::new(), name, base, per_item, free_from });
        Ok(())
    })
    .await?;
    Ok(s.catalog)
}

pub async fn remove_shipping(state: &App, id: &str) -> Result<Catalog> {
    let id: ShippingId = id.parse().map_err(|_| AppError::NotFound("no such way of shipping".into()))?;
    let s = super::studio::edit(state, move |s| {
        let before = s.catalog.shipping.len();
        s.catalog.shipping.retain(|w| w.id != id);
        match s.catalog.shipping.len() == before {
            true => Err(AppError::NotFound("no such way of shipping".into())),
            false => Ok(()),
        }
    })
    .await?;
    Ok(s.catalog)
}

/// A coupon as the form sends it.
pub struct NewCoupon {
    pub code: String,
    /// "15%" or an amount ("20").
    pub discount: String,
    pub min_order: String,
    /// The last day it works, `YYYY-MM-DD` (empty: no end).
    pub until: String,
    pub max_uses: String,
    /// The one gallery it works in (empty: every gallery).
    pub gallery: String,
}

pub async fn add_coupon(state: &App, f: NewCoupon) -> Result<Catalog> {
    let code = f.code.trim().to_uppercase();
    if !(3..=32).contains(&code.len()) || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(AppError::Invalid("a coupon code is 3 to 32 letters, digits or dashes".into()));
    }
    let expires_ms = match f.until.trim() {
        "" => None,
        t => {
            let fmt = time::macros::format_description!("[year]-[month]-[day]");
            let day = time::Date::parse(t, &fmt).map_err(|_| {
                AppError::Invalid(format!("the last day must be a date such as 2026-12-31, not “{t}”"))
            })?;
            // The coupon works to the end of that day (UTC).
            let end = day.next_day().unwrap_or(day).midnight().assume_utc().unix_timestamp();
            Some(end.max(0) as u64 * 1000)
        }
    };
    let max_uses = match f.max_uses.trim() {
        "" => None,
        t => Some(t.parse::<u32>().ok().filter(|n| *n > 0).ok_or_else(|| {
            AppError::Invalid(format!("the number of uses must be a whole number above 0, not “{t}”"))
        })?),
    };
    let gallery = match f.gallery.trim() {
        "" => None,
        t => {
            let id: GalleryId =
                t.parse().map_err(|_| AppError::Invalid("choose a gallery from the list".into()))?;
            state
                .with_db(move |db| Ok(db.gallery(id)?))
                .await?
                .ok_or_else(|| AppError::Invalid("choose a gallery from the list".into()))?;
            Some(id)
        }
    };
    let s = super::studio::edit(state, move |s| {
        let c = &mut s.catalog;
        let typed = f.discount.trim();
        let discount = match typed.strip_suffix('%') {
            Some(p) => {
                let percent = Currency { code: String::new(), minor_digits: 2 };
                let bp = percent.parse(p).filter(|m| m.0 > 0 && m.0 <= 10_000).ok_or_else(|| {
                    AppError::Invalid(format!("a percentage must be from 0 to 100, not “{typed}”"))
                })?;
                Discount::PercentBp(bp.0 as u32)
            }
            None => Discount::Fixed(price(&c.currency, "the discount", typed)?),
        };
        let min_order =
            optional_price(&c.currency, "the minimum order", &f.min_order)?.unwrap_or(Money::ZERO);
        if c.coupons.iter().any(|k| k.code.eq_ignore_ascii_case(&code)) {
            return Err(AppError::Invalid(format!("there is a coupon “{code}” already")));
        }
        if c.coupons.len() >= MAX_ITEMS {
            return Err(AppError::Invalid(format!("a studio keeps at most {MAX_ITEMS} coupons")));
        }
        c.coupons.push(Coupon { code, discount, min_order, expires_ms, max_uses, used: 0, gallery });
        Ok(())
    })
    .await?;
    Ok(s.catalog)
}

pub async fn remove_coupon(state: &App, code: &str) -> Result<Catalog> {
    let code = code.trim().to_string();
    let s = super::studio::edit(state, move |s| {
        let before = s.catalog.coupons.len();
        s.catalog.coupons.retain(|c| !c.code.eq_ignore_ascii_case(&code));
        match s.catalog.coupons.len() == before {
            true => Err(AppError::NotFound("no such coupon".into())),
            false => Ok(()),
        }
    })
    .await?;
    Ok(s.catalog)
}

/// How delivered files are named and whom their EXIF credits.
pub struct DeliverySettings {
    pub names: String,
    pub creator: String,
    pub copyright: String,
}

/// The studio's invoice details and how clients pay, and how delivered files are named.
pub async fn set_billing(state: &App, b: Billing, delivery: DeliverySettings) -> Result<Catalog> {
    let optional = |field: &str, v: &str| match v.trim() {
        "" => Ok(String::new()),
        t => clean_text(field, t, 120),
    };
    let names = optional("the file name pattern", &delivery.names)?;
    let creator = optional("the creator", &delivery.creator)?;
    let copyright = optional("the copyright notice", &delivery.copyright)?;
    let field = |name: &str, v: &str, max| match v.trim() {
        "" => Ok(String::new()),
        t => super::proofing::clean_multiline(name, t, max),
    };
    let iban: String = b.iban.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    if !iban.is_empty()
        && (!(15..=34).contains(&iban.len()) || !iban.chars().all(|c| c.is_ascii_alphanumeric()))
    {
        return Err(AppError::Invalid(format!("“{}” is not an IBAN", b.iban.trim())));
    }
    let clean = Billing {
        address: field("the studio's address", &b.address, 500)?,
        tax_id: field("the tax number", &b.tax_id, 60)?,
        account_holder: field("the account holder", &b.account_holder, 70)?.replace('\n', " "),
        iban,
        bic: field("the BIC", &b.bic, 11)?.to_uppercase(),
        instructions: field("how to pay", &b.instructions, 1000)?,
        invoice_note: field("the invoice note", &b.invoice_note, 1000)?,
        due_days: b.due_days.min(365),
    };
    let s = super::studio::edit(state, move |s| {
        s.catalog.billing = clean;
        s.catalog.delivery_names = names;
        s.catalog.delivery_creator = creator;
        s.catalog.delivery_copyright = copyright;
        Ok(())
    })
    .await?;
    Ok(s.catalog)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn print_sizes_read_in_centimetres_or_inches() {
        assert_eq!(print_size("20 x 25"), Some((200, 250)));
        assert_eq!(print_size("8x10in"), Some((203, 254)));
        assert_eq!(print_size("16×20 in"), Some((406, 508)));
        assert_eq!(print_size("30x40cm"), Some((300, 400)));
        for bad in ["", "20", "x", "0x10", "-5x5", "1e9x2", "NaNx2"] {
            assert_eq!(print_size(bad), None, "{bad}");
        }
    }
}
