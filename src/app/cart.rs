//! The client's cart in a gallery: a package filled with photos, product lines (a photo, a
//! product, a quantity, a print's crop), a coupon and a way of shipping. It is kept per
//! owner (an e-mail grant on every device, else the browser's visitor) and priced on the
//! server after every change; a change the price list refuses is not kept.

use std::collections::BTreeMap;

use super::{App, AppError, Result, visit::Visit};
use crate::domain::{
    GalleryId, Hash, PhotoId, PhotoView, ShippingId, Size,
    catalog::Catalog,
    now_ms,
    order::Owner,
    quote::{self, Cart, CartLine, Crop, MAX_QUANTITY, PackagePick, PhotoFacts, Quote, QuoteError, Terms},
};

/// A photo as the cart shows it.
#[derive(Clone, Debug)]
pub struct CartPhoto {
    pub id: PhotoId,
    pub filename: String,
    pub thumb: Option<Hash>,
    /// The preview this visitor may see (watermarked where the set is), for the crop frame.
    pub preview: Option<(Hash, u32, u32)>,
    pub size: (u32, u32),
    pub state: crate::domain::PhotoState,
}

/// Everything the cart page needs.
pub struct CartView {
    pub cart: Cart,
    /// The price, or why the cart cannot be priced as it is.
    pub quote: std::result::Result<Quote, QuoteError>,
    /// Why the coupon does not apply (the quote is then without it).
    pub coupon_problem: Option<String>,
    pub catalog: Catalog,
    pub photos: BTreeMap<PhotoId, CartPhoto>,
    /// The visitor's hearted photos in every set, in order (to fill a package from).
    pub favourites: Vec<PhotoId>,
    /// The shared gallery and every gallery it is inside: a gallery's coupon works in them.
    pub galleries: Vec<GalleryId>,
}

/// `gallery` and the galleries it is inside, for a coupon made for one of them.
pub(super) async fn coupon_galleries(app: &App, gallery: GalleryId) -> Result<Vec<GalleryId>> {
    Ok(super::galleries::breadcrumbs(app, gallery).await?.iter().map(|g| g.id).collect())
}

/// The owner of this visit's cart and orders, once there is a visitor.
pub fn owner_of(v: &Visit) -> Option<Owner> {
    match (v.share().email.is_some(), v.visitor()) {
        (true, _) => Some(Owner::Grant(v.share().id)),
        (false, Some(visitor)) => Some(Owner::Visitor(visitor.id)),
        (false, None) => None,
    }
}

/// The owner about to change something, making the visitor on a first action.
async fn acting_owner(app: &App, v: &Visit) -> Result<Owner> {
    let visitor = v.actor(app).await?;
    Ok(owner_of(v).unwrap_or(Owner::Visitor(visitor.id)))
}

/// Refuses ordering where the studio sells nothing.
fn sells(c: &Catalog) -> Result<()> {
    match c.offers_anything() {
        true => Ok(()),
        false => Err(AppError::NotFound("Nothing can be ordered here yet.".into())),
    }
}

/// The photos of every set the visitor sees, as they may see them.
pub async fn photos(app: &App, v: &Visit) -> Result<BTreeMap<PhotoId, CartPhoto>> {
    let mut out = BTreeMap::new();
    for set in v.sets(app).await? {
        let views: Vec<PhotoView> = app.photos(set.id).await?;
        for p in super::studio::for_clients(app, &set, views).await? {
            let (Some(size), Some(_)) = (p.size, p.thumb.as_ref()) else { continue };
            if !v.may_see(p.photo.state, Size::Thumb) {
                continue;
            }
            out.insert(
                p.photo.id,
                CartPhoto {
                    id: p.photo.id,
                    filename: p.photo.filename.clone(),
                    thumb: p.thumb.as_ref().map(|r| r.blob),
                    preview: p.preview.as_ref().map(|r| (r.blob, r.width, r.height)),
                    size,
                    state: p.photo.state,
                },
            );
        }
    }
    Ok(out)
}

/// Prices `cart`. A coupon that no longer applies (expired, used up, below its minimum)
/// does not hide the rest: the quote is given without it and the reason beside it.
pub(super) fn price(
    catalog: &Catalog,
    photos: &BTreeMap<PhotoId, CartPhoto>,
    galleries: &[GalleryId],
    cart: &Cart,
) -> (std::result::Result<Quote, QuoteError>, Option<String>) {
    let facts: BTreeMap<PhotoId, PhotoFacts> =
        photos.iter().map(|(id, p)| (*id, PhotoFacts { state: p.state, size: p.size })).collect();
    let coupon = cart
        .coupon
        .as_deref()
        .and_then(|code| catalog.coupons.iter().find(|c| c.code.eq_ignore_ascii_case(code)));
    let terms = Terms {
        prices: &catalog.prices,
        tax: catalog.tax,
        shipping: &catalog.shipping,
        coupon,
        galleries,
        now_ms: now_ms(),
    };
    match quote::quote(&terms, &facts, cart) {
        Err(e) if is_coupon(&e) => {
            let without = Cart { coupon: None, ..cart.clone() };
            (quote::quote(&terms, &facts, &without), Some(e.to_string()))
        }
        q => (q, None),
    }
}

fn is_coupon(e: &QuoteError) -> bool {
    matches!(
        e,
        QuoteError::CouponUnknown
            | QuoteError::CouponExpired
            | QuoteError::CouponUsedUp
            | QuoteError::CouponElsewhere
            | QuoteError::CouponMinimum(_)
    )
}

/// The visitor's hearts across the sets, in set order.
async fn favourites(app: &App, v: &Visit) -> Result<Vec<PhotoId>> {
    let Some(visitor) = v.visitor().map(|x| x.id) else { return Ok(Vec::new()) };
    let sets: Vec<_> = v.sets(app).await?.into_iter().map(|g| g.id).collect();
    app.with_db(move |db| {
        let mut out = Vec::new();
        for s in sets {
            out.extend(db.selection(visitor, s)?.photos);
        }
        Ok(out)
    })
    .await
}

pub async fn view(app: &App, v: &Visit) -> Result<CartView> {
    let catalog = super::catalog::for_visit(app, v).await?;
    let gallery = v.gallery().id;
    let cart = match owner_of(v) {
        Some(o) => app.with_db(move |db| Ok(db.cart(o, gallery)?)).await?,
        None => Cart::default(),
    };
    let photos = photos(app, v).await?;
    let galleries = coupon_galleries(app, gallery).await?;
    let (quote, coupon_problem) = price(&catalog, &photos, &galleries, &cart);
    let mut favourites = favourites(app, v).await?;
    favourites.retain(|id| photos.contains_key(id));
    Ok(CartView { cart, quote, coupon_problem, catalog, photos, favourites, galleries })
}

/// The cart as checkout shows it: when something ships and no way is chosen yet, the
/// first of the studio's ways, so the total shown is the total placed.
pub async fn checkout_view(app: &App, v: &Visit) -> Result<CartView> {
    let mut view = view(app, v).await?;
    let unchosen = view.quote.as_ref().is_ok_and(|q| q.shipping_unchosen);
    if let (true, Some(first)) = (unchosen, view.catalog.shipping.first()) {
        view.cart.shipping = Some(first.id);
        let (quote, problem) = price(&view.catalog, &view.photos, &view.galleries, &view.cart);
        (view.quote, view.coupon_problem) = (quote, problem);
    }
    Ok(view)
}

/// Applies `change` to the visitor's cart and keeps it only if the result can be priced
/// (a coupon that does not apply is refused when it is entered, and kept otherwise).
async fn change(
    app: &App,
    v: &Visit,
    change: impl FnOnce(&mut Cart, &CartView) -> Result<()> + Send + 'static,
) -> Result<Cart> {
    let now = view(app, v).await?;
    sells(&now.catalog)?;
    let owner = acting_owner(app, v).await?;
    let gallery = v.gallery().id;
    let (catalog, photos, galleries) = (now.catalog.clone(), now.photos.clone(), now.galleries.clone());
    let coupon_before = now.cart.coupon.clone();
    app.with_db(move |db| {
        Ok(db.update_cart(owner, gallery, |cart| {
            change(cart, &now)?;
            let (q, coupon_problem) = price(&catalog, &photos, &galleries, cart);
            q.map_err(|e| AppError::Invalid(e.to_string()))?;
            match coupon_problem {
                Some(p) if cart.coupon != coupon_before => Err(AppError::Invalid(p)),
                _ => Ok(()),
            }
        })?)
    })
    .await?
}

fn photo_in(view: &CartView, id: &str) -> Result<PhotoId> {
    id.parse()
        .ok()
        .filter(|p| view.photos.contains_key(p))
        .ok_or_else(|| AppError::NotFound("That photo is not in this gallery.".into()))
}

/// Chooses a package (its id), or none (empty).
pub async fn choose_package(app: &App, v: &Visit, package: &str) -> Result<Cart> {
    let package = package.trim().to_string();
    change(app, v, move |cart, view| {
        if package.is_empty() {
            cart.package = None;
            return Ok(());
        }
        let id = package
            .parse()
            .ok()
            .filter(|id| view.catalog.prices.package(*id).is_some())
            .ok_or_else(|| AppError::NotFound("That package is not offered here.".into()))?;
        let photos = cart.package.take().map(|p| p.photos).unwrap_or_default();
        cart.package = Some(PackagePick { package: id, photos });
        Ok(())
    })
    .await
}

/// Puts the hearted photos into the package (after those already in it), in one tap.
pub async fn fill_package(app: &App, v: &Visit) -> Result<Cart> {
    change(app, v, |cart, view| {
        let Some(pick) = cart.package.as_mut() else {
            return Err(AppError::Invalid("Choose a package first.".into()));
        };
        if view.favourites.is_empty() {
            return Err(AppError::Invalid(
                "Heart some photos first: the package fills from your favourites.".into(),
            ));
        }
        for id in &view.favourites {
            if !pick.photos.contains(id) {
                pick.photos.push(*id);
            }
        }
        Ok(())
    })
    .await
}

/// Puts `photos` (the photos kept in a live session) into the package, choosing the
/// gallery's first package when none is chosen yet.
pub async fn fill_package_with(app: &App, v: &Visit, photos: Vec<PhotoId>) -> Result<Cart> {
    change(app, v, move |cart, view| {
        if photos.is_empty() {
            return Err(AppError::Invalid("Keep some photos first: the package fills from them.".into()));
        }
        if cart.package.is_none() {
            let first = view.catalog.prices.packages.first().ok_or_else(|| {
                AppError::Invalid("This gallery offers no package: add the photos one by one.".into())
            })?;
            cart.package = Some(PackagePick { package: first.id, photos: Vec::new() });
        }
        if let Some(pick) = cart.package.as_mut() {
            for id in photos.iter().filter(|id| view.photos.contains_key(id)) {
                if !pick.photos.contains(id) {
                    pick.photos.push(*id);
                }
            }
        }
        Ok(())
    })
    .await
}

/// Puts a photo into the package (`on`) or takes it out.
pub async fn package_photo(app: &App, v: &Visit, photo: &str, on: bool) -> Result<Cart> {
    let photo = photo.to_string();
    change(app, v, move |cart, view| {
        let id = photo_in(view, &photo)?;
        let Some(pick) = cart.package.as_mut() else {
            return Err(AppError::Invalid("Choose a package first.".into()));
        };
        pick.photos.retain(|p| *p != id);
        if on {
            pick.photos.push(id);
        }
        Ok(())
    })
    .await
}

/// What a client asks to add: a product for a photo (or none), how many, a print's crop.
pub struct NewLine {
    pub photo: Option<String>,
    pub product: String,
    pub quantity: String,
    pub crop: Option<String>,
    /// The room view it was chosen in (a live session's wall), kept with the line.
    pub room: Option<crate::domain::live::Room>,
}

/// "x,y,w,h" in ten-thousandths of the photo.
fn parse_crop(s: &str) -> Result<Crop> {
    let bad = || AppError::Invalid("The crop must lie inside the photo and have the print's shape.".into());
    let n: Vec<u32> = s.split(',').map(|p| p.trim().parse().map_err(|_| bad())).collect::<Result<_>>()?;
    match n[..] {
        [x, y, w, h] => Ok(Crop { x, y, w, h }),
        _ => Err(bad()),
    }
}

fn quantity(s: &str) -> Result<u32> {
    s.trim()
        .parse::<u32>()
        .ok()
        .filter(|q| (1..=MAX_QUANTITY).contains(q))
        .ok_or_else(|| AppError::Invalid(format!("The quantity must be a number from 1 to {MAX_QUANTITY}.")))
}

pub async fn add_line(app: &App, v: &Visit, new: NewLine) -> Result<Cart> {
    change(app, v, move |cart, view| {
        let product = new
            .product
            .parse()
            .ok()
            .and_then(|id| view.catalog.prices.product(id))
            .ok_or_else(|| AppError::NotFound("That product is not offered here.".into()))?;
        let photo = match new.photo.as_deref().filter(|p| !p.is_empty()) {
            Some(p) => Some(photo_in(view, p)?),
            None => None,
        };
        let crop = match (product.kind.print_size(), new.crop.as_deref().filter(|c| !c.is_empty())) {
            (Some(_), Some(c)) => Some(parse_crop(c)?),
            _ => None,
        };
        let quantity = quantity(&new.quantity)?;
        let room = new.room.filter(|_| product.kind.print_size().is_some());
        // The same photo and product again (and no crop or room view to keep apart) adds
        // to that line.
        let same = |l: &&mut CartLine| {
            l.product == product.id && l.photo == photo && l.crop == crop && l.room == room
        };
        match cart.lines.iter_mut().find(same) {
            Some(l) => l.quantity = (l.quantity + quantity).min(MAX_QUANTITY),
            None => cart.lines.push(CartLine { product: product.id, photo, quantity, crop, room }),
        }
        Ok(())
    })
    .await
}

/// Sets a line's quantity; 0 removes it.
pub async fn set_quantity(app: &App, v: &Visit, line: usize, typed: &str) -> Result<Cart> {
    let typed = typed.to_string();
    change(app, v, move |cart, _| {
        if line >= cart.lines.len() {
            return Err(AppError::NotFound("That line is no longer in your order.".into()));
        }
        match typed.trim() {
            "0" => {
                cart.lines.remove(line);
            }
            t => cart.lines[line].quantity = quantity(t)?,
        }
        Ok(())
    })
    .await
}

/// Enters a coupon code (empty removes it).
pub async fn set_coupon(app: &App, v: &Visit, code: &str) -> Result<Cart> {
    let code = code.trim().to_string();
    if code.len() > 64 {
        return Err(AppError::Invalid("There is no coupon with that code.".into()));
    }
    change(app, v, move |cart, _| {
        cart.coupon = (!code.is_empty()).then_some(code);
        Ok(())
    })
    .await
}

/// Chooses how prints reach the client.
pub async fn set_shipping(app: &App, v: &Visit, id: &str) -> Result<Cart> {
    let id = id.trim().to_string();
    change(app, v, move |cart, view| {
        let way: ShippingId = id
            .parse()
            .ok()
            .filter(|s| view.catalog.shipping.iter().any(|w| w.id == *s))
            .ok_or_else(|| AppError::NotFound("That way of shipping is not offered.".into()))?;
        cart.shipping = Some(way);
        Ok(())
    })
    .await
}

/// How many things are in the visitor's cart (for the badge on the gallery's bar).
pub async fn count(app: &App, v: &Visit) -> Result<usize> {
    let Some(owner) = owner_of(v) else { return Ok(0) };
    let gallery = v.gallery().id;
    let cart = app.with_db(move |db| Ok(db.cart(owner, gallery)?)).await?;
    Ok(cart.package.map_or(0, |_| 1) + cart.lines.len())
}
