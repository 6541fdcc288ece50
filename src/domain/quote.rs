//! The price of a cart: a pure function of the price list, the studio's tax and shipping,
//! the coupon and the cart. The server computes it on every change and again when the
//! order is placed; nothing a browser sends is a price.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use super::{
    GalleryId, Money, PackageId, PhotoId, PhotoState, ProductId, ShippingId,
    catalog::{Coupon, Discount, PriceList, Shipping, Tax},
};

/// Most of one item a line may ask for, and most lines a cart may hold.
pub const MAX_QUANTITY: u32 = 100;
pub const MAX_LINES: usize = 500;

/// The part of a photo a print shows, in ten-thousandths of the photo's width and height
/// from its top-left corner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Crop {
    pub x: u32,
    pub y: u32,
    pub w: u32,
    pub h: u32,
}

/// The whole of a photo, in `Crop` units.
pub const WHOLE: u32 = 10_000;

impl Crop {
    /// Whether the crop lies inside the photo and has the print's aspect ratio (either way
    /// round) within 2 %, for a photo of `photo` pixels.
    pub fn fits(&self, photo: (u32, u32), print: (u32, u32)) -> bool {
        let inside = self.w > 0 && self.h > 0 && self.x + self.w <= WHOLE && self.y + self.h <= WHOLE;
        if !inside || photo.0 == 0 || photo.1 == 0 || print.0 == 0 || print.1 == 0 {
            return false;
        }
        let crop = (self.w as f64 * photo.0 as f64) / (self.h as f64 * photo.1 as f64);
        let want = print.0 as f64 / print.1 as f64;
        [want, 1.0 / want].iter().any(|r| (crop / r - 1.0).abs() <= 0.02)
    }
}

/// What a cart holds: at most one package filled with photos, lines of products, a coupon
/// code and the chosen way of shipping.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cart {
    #[serde(default)]
    pub package: Option<PackagePick>,
    #[serde(default)]
    pub lines: Vec<CartLine>,
    #[serde(default)]
    pub coupon: Option<String>,
    #[serde(default)]
    pub shipping: Option<ShippingId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackagePick {
    pub package: PackageId,
    pub photos: Vec<PhotoId>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CartLine {
    pub product: ProductId,
    #[serde(default)]
    pub photo: Option<PhotoId>,
    pub quantity: u32,
    #[serde(default)]
    pub crop: Option<Crop>,
    /// The room view the client saw this print in, saved with the line (shown in the
    /// order's mails and pages).
    #[serde(default)]
    pub room: Option<super::live::Room>,
}

/// What the quote needs to know of a photo.
#[derive(Clone, Copy, Debug)]
pub struct PhotoFacts {
    pub state: PhotoState,
    /// Displayed size in pixels.
    pub size: (u32, u32),
}

/// The studio's terms a cart is priced under.
pub struct Terms<'a> {
    pub prices: &'a PriceList,
    pub tax: Tax,
    pub shipping: &'a [Shipping],
    /// The coupon the cart's code names, found by the caller (`None`: no such code).
    pub coupon: Option<&'a Coupon>,
    /// The gallery ordered from and every gallery it is inside: a coupon made for one of
    /// them works here.
    pub galleries: &'a [GalleryId],
    pub now_ms: u64,
}

/// One priced line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteLine {
    pub label: String,
    /// The photo a product line is for.
    #[serde(default)]
    pub photo: Option<PhotoId>,
    pub quantity: u32,
    pub unit: Money,
    pub amount: Money,
}

/// The package counter: included images, chosen ones, and those beyond at their price.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PackageCount {
    pub included: u32,
    pub chosen: u32,
    pub extra: u32,
    pub extra_each: Money,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    pub lines: Vec<QuoteLine>,
    pub package: Option<PackageCount>,
    /// The lines' sum.
    pub subtotal: Money,
    /// What the coupon takes off (never more than the subtotal).
    pub discount: Money,
    pub shipping: Money,
    /// The tax in the total (inclusive prices) or added to it (exclusive).
    pub tax: Money,
    pub tax_rate_bp: u32,
    pub total: Money,
    /// Whether anything is sent (so checkout asks for an address).
    pub ships: bool,
    /// Something ships but no way of shipping is chosen yet: the cart shows the price
    /// without shipping, and checkout asks for the choice.
    #[serde(default)]
    pub shipping_unchosen: bool,
}

/// Why a cart cannot be priced, in words a client can act on.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuoteError {
    #[error("that product is not offered here")]
    UnknownProduct,
    #[error("that package is not offered here")]
    UnknownPackage,
    #[error("that photo is not in this gallery")]
    UnknownPhoto,
    #[error("“{0}” cannot be ordered for this photo")]
    NotForThisPhoto(String),
    #[error("“{0}” needs a photo")]
    NeedsPhoto(String),
    #[error("the quantity must be between 1 and {MAX_QUANTITY}")]
    Quantity,
    #[error("a cart holds at most {MAX_LINES} lines")]
    TooManyLines,
    #[error("a photo is in the package twice")]
    PhotoTwice,
    #[error("the crop must lie inside the photo and have the print's shape")]
    Crop,
    #[error("there is no coupon with that code")]
    CouponUnknown,
    #[error("this coupon has expired")]
    CouponExpired,
    #[error("this coupon has been used up")]
    CouponUsedUp,
    #[error("this coupon is for another gallery")]
    CouponElsewhere,
    #[error("this coupon needs an order of at least {0:?}")]
    CouponMinimum(Money),
    #[error("that way of shipping is not offered")]
    UnknownShipping,
}

/// Prices `cart` under `terms`. Every amount is recomputed from the price list.
pub fn quote(
    terms: &Terms,
    photos: &BTreeMap<PhotoId, PhotoFacts>,
    cart: &Cart,
) -> Result<Quote, QuoteError> {
    if cart.lines.len() > MAX_LINES {
        return Err(QuoteError::TooManyLines);
    }
    let prices = terms.prices;
    let fact = |id: &PhotoId| photos.get(id).ok_or(QuoteError::UnknownPhoto);
    let mut lines = Vec::new();
    let mut counter = None;
    let mut shipped_items = 0u32;
    if let Some(pick) = &cart.package {
        let pkg = prices.package(pick.package).ok_or(QuoteError::UnknownPackage)?;
        let digital = prices.product(pkg.digital).ok_or(QuoteError::UnknownProduct)?;
        let mut seen = HashSet::new();
        for id in &pick.photos {
            if !seen.insert(id) {
                return Err(QuoteError::PhotoTwice);
            }
            if !digital.applies_to(fact(id)?.state) {
                return Err(QuoteError::NotForThisPhoto(digital.name.clone()));
            }
        }
        let chosen = pick.photos.len() as u32;
        let extra = chosen.saturating_sub(pkg.images);
        lines.push(QuoteLine {
            label: pkg.name.clone(),
            photo: None,
            quantity: 1,
            unit: pkg.price,
            amount: pkg.price,
        });
        for (id, n) in &pkg.includes {
            let p = prices.product(*id).ok_or(QuoteError::UnknownProduct)?;
            if p.kind.ships() {
                shipped_items += n;
            }
            lines.push(QuoteLine {
                label: format!("{} (included)", p.name),
                photo: None,
                quantity: *n,
                unit: Money::ZERO,
                amount: Money::ZERO,
            });
        }
        if extra > 0 {
            let amount = pkg.extra_image.times(extra);
            lines.push(QuoteLine {
                label: "Extra images".into(),
                photo: None,
                quantity: extra,
                unit: pkg.extra_image,
                amount,
            });
        }
        counter = Some(PackageCount { included: pkg.images, chosen, extra, extra_each: pkg.extra_image });
    }
    for line in &cart.lines {
        let p = prices.product(line.product).ok_or(QuoteError::UnknownProduct)?;
        if line.quantity == 0 || line.quantity > MAX_QUANTITY {
            return Err(QuoteError::Quantity);
        }
        match (p.kind.per_photo(), &line.photo) {
            (true, None) => return Err(QuoteError::NeedsPhoto(p.name.clone())),
            (true, Some(id)) => {
                let f = fact(id)?;
                if !p.applies_to(f.state) {
                    return Err(QuoteError::NotForThisPhoto(p.name.clone()));
                }
                if let (Some(print), Some(crop)) = (p.kind.print_size(), &line.crop)
                    && !crop.fits(f.size, print)
                {
                    return Err(QuoteError::Crop);
                }
            }
            (false, _) => {}
        }
        if p.kind.ships() {
            shipped_items += line.quantity;
        }
        let amount = p.price.times(line.quantity);
        lines.push(QuoteLine {
            label: p.name.clone(),
            photo: line.photo,
            quantity: line.quantity,
            unit: p.price,
            amount,
        });
    }
    let subtotal: Money = lines.iter().map(|l| l.amount).sum();
    let discount = match &cart.coupon {
        None => Money::ZERO,
        Some(_) => discount(terms, subtotal)?,
    };
    let after_discount = subtotal - discount;
    let ships = shipped_items > 0;
    let shipping_unchosen = ships && cart.shipping.is_none();
    let shipping = match cart.shipping.filter(|_| ships) {
        Some(id) => {
            let way = terms.shipping.iter().find(|s| s.id == id).ok_or(QuoteError::UnknownShipping)?;
            match way.free_from {
                Some(from) if after_discount >= from => Money::ZERO,
                _ => way.base + way.per_item.times(shipped_items),
            }
        }
        None => Money::ZERO,
    };
    let gross = after_discount + shipping;
    let rate = terms.tax.rate_bp;
    let (tax, total) = if terms.tax.inclusive {
        (gross.ratio(i64::from(rate), 10_000 + i64::from(rate)), gross)
    } else {
        let tax = gross.percent_bp(rate);
        (tax, gross + tax)
    };
    Ok(Quote {
        lines,
        package: counter,
        subtotal,
        discount,
        shipping,
        tax,
        tax_rate_bp: rate,
        total,
        ships,
        shipping_unchosen,
    })
}

/// What the cart's coupon takes off `subtotal`, after checking it may be used.
fn discount(terms: &Terms, subtotal: Money) -> Result<Money, QuoteError> {
    let c = terms.coupon.ok_or(QuoteError::CouponUnknown)?;
    if c.expires_ms.is_some_and(|e| e <= terms.now_ms) {
        return Err(QuoteError::CouponExpired);
    }
    if c.max_uses.is_some_and(|m| c.used >= m) {
        return Err(QuoteError::CouponUsedUp);
    }
    if c.gallery.is_some_and(|g| !terms.galleries.contains(&g)) {
        return Err(QuoteError::CouponElsewhere);
    }
    if subtotal < c.min_order {
        return Err(QuoteError::CouponMinimum(c.min_order));
    }
    let off = match c.discount {
        Discount::PercentBp(bp) => subtotal.percent_bp(bp.min(10_000)),
        Discount::Fixed(m) => m.max(Money::ZERO),
    };
    Ok(off.min(subtotal))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::{Package, Product, ProductKind};

    /// A price list worked by hand: digitals 25.00 (proofs only), a 16×20 print 40.00, a
    /// canvas, and "10 digitals + one canvas for 450.00, extra images 35.00".
    struct World {
        prices: PriceList,
        shipping: Vec<Shipping>,
        photos: BTreeMap<PhotoId, PhotoFacts>,
        ids: Vec<PhotoId>,
        digital: ProductId,
        print: ProductId,
        canvas: ProductId,
        package: PackageId,
        post: ShippingId,
        gallery: GalleryId,
    }

    fn world() -> World {
        let (digital, print, canvas) = (ProductId::new(), ProductId::new(), ProductId::new());
        let product = |id, name: &str, kind, price| Product {
            id,
            name: name.into(),
            kind,
            price: Money(price),
            cost: None,
            states: Vec::new(),
            photo: None,
        };
        let mut d = product(digital, "Digital, full size", ProductKind::Digital { long_edge: None }, 2500);
        d.states = vec![PhotoState::Proof, PhotoState::Undefined];
        let package = PackageId::new();
        let prices = PriceList {
            id: None,
            name: "Weddings".into(),
            products: vec![
                d,
                product(print, "Print 16×20", ProductKind::Print { width_mm: 406, height_mm: 508 }, 4000),
                product(
                    canvas,
                    "Canvas 16×20",
                    ProductKind::WallArt { width_mm: 406, height_mm: 508 },
                    18000,
                ),
            ],
            packages: vec![Package {
                id: package,
                name: "Collection".into(),
                price: Money(45000),
                images: 10,
                digital,
                includes: vec![(canvas, 1)],
                extra_image: Money(3500),
            }],
        };
        let post = ShippingId::new();
        let shipping = vec![Shipping {
            id: post,
            name: "Post".into(),
            base: Money(500),
            per_item: Money(100),
            free_from: Some(Money(60000)),
        }];
        let ids: Vec<PhotoId> = (0..20).map(|_| PhotoId::new()).collect();
        let photos = ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let state = if i == 19 { PhotoState::Final } else { PhotoState::Proof };
                (*id, PhotoFacts { state, size: (6000, 4000) })
            })
            .collect();
        World {
            prices,
            shipping,
            photos,
            ids,
            digital,
            print,
            canvas,
            package,
            post,
            gallery: GalleryId::new(),
        }
    }

    impl World {
        fn terms<'a>(&'a self, tax: Tax, coupon: Option<&'a Coupon>) -> Terms<'a> {
            Terms {
                prices: &self.prices,
                tax,
                shipping: &self.shipping,
                coupon,
                galleries: std::slice::from_ref(&self.gallery),
                now_ms: 1_000,
            }
        }
        fn quote(&self, tax: Tax, coupon: Option<&Coupon>, cart: &Cart) -> Result<Quote, QuoteError> {
            quote(&self.terms(tax, coupon), &self.photos, cart)
        }
        fn package_of(&self, n: usize) -> Option<PackagePick> {
            Some(PackagePick { package: self.package, photos: self.ids[..n].to_vec() })
        }
        fn line(&self, product: ProductId, photo: usize, quantity: u32) -> CartLine {
            CartLine { product, photo: Some(self.ids[photo]), quantity, crop: None, room: None }
        }
    }

    const NO_TAX: Tax = Tax { rate_bp: 0, inclusive: true };
    const VAT_INCL: Tax = Tax { rate_bp: 1900, inclusive: true };
    const VAT_EXCL: Tax = Tax { rate_bp: 1900, inclusive: false };

    fn coupon(discount: Discount) -> Coupon {
        Coupon {
            code: "SPRING".into(),
            discount,
            min_order: Money::ZERO,
            expires_ms: None,
            max_uses: None,
            used: 0,
            gallery: None,
        }
    }

    #[test]
    fn a_package_with_two_extra_images_and_a_print_worked_by_hand() {
        let w = world();
        let cart = Cart {
            package: w.package_of(12),
            lines: vec![w.line(w.print, 0, 2)],
            coupon: None,
            shipping: Some(w.post),
        };
        let q = w.quote(NO_TAX, None, &cart).unwrap();
        // 450.00 + 2 × 35.00 extra + 2 × 40.00 prints = 600.00; free shipping from 600.00.
        assert_eq!(q.subtotal, Money(60000));
        assert_eq!(
            q.package,
            Some(PackageCount { included: 10, chosen: 12, extra: 2, extra_each: Money(3500) })
        );
        assert_eq!(q.shipping, Money::ZERO, "free from 600.00");
        assert_eq!(q.total, Money(60000));
        assert!(q.ships, "the canvas and prints are sent");
        let labels: Vec<_> = q.lines.iter().map(|l| (l.label.as_str(), l.quantity, l.amount.0)).collect();
        assert_eq!(
            labels,
            [
                ("Collection", 1, 45000),
                ("Canvas 16×20 (included)", 1, 0),
                ("Extra images", 2, 7000),
                ("Print 16×20", 2, 8000)
            ]
        );
    }

    #[test]
    fn coupons_tax_and_shipping_worked_by_hand() {
        let w = world();
        // One print, 40.00: post is 5.00 + 1.00 per item.
        let one_print =
            Cart { lines: vec![w.line(w.print, 0, 1)], shipping: Some(w.post), ..Cart::default() };
        let percent = coupon(Discount::PercentBp(1500));
        let fixed = coupon(Discount::Fixed(Money(5000)));
        let cases: Vec<(&str, Tax, Option<&Coupon>, [i64; 4])> = vec![
            // (case, tax, coupon, [discount, shipping, tax, total])
            ("plain", NO_TAX, None, [0, 600, 0, 4600]),
            ("15 % off 40.00", NO_TAX, Some(&percent), [600, 600, 0, 4000]),
            ("50.00 off 40.00 takes 40.00", NO_TAX, Some(&fixed), [4000, 600, 0, 600]),
            // 46.00 gross includes 19 %: 46.00 × 19 / 119 = 7.344… → 7.34.
            ("VAT included", VAT_INCL, None, [0, 600, 734, 4600]),
            // 46.00 net + 19 % = 8.74 → 54.74.
            ("VAT added", VAT_EXCL, None, [0, 600, 874, 5474]),
            // 40.00 − 6.00 + 6.00 = 40.00 net; + 7.60.
            ("coupon then VAT added", VAT_EXCL, Some(&percent), [600, 600, 760, 4760]),
        ];
        for (case, tax, c, [discount, shipping, tax_amount, total]) in cases {
            let mut cart = one_print.clone();
            cart.coupon = c.map(|c| c.code.clone());
            let q = w.quote(tax, c, &cart).unwrap_or_else(|e| panic!("{case}: {e}"));
            assert_eq!(
                [q.discount.0, q.shipping.0, q.tax.0, q.total.0],
                [discount, shipping, tax_amount, total],
                "{case}"
            );
        }
        // Half a cent rounds up: 0.05 × 50 % = 0.025 → 0.03.
        assert_eq!(Money(5).percent_bp(5000), Money(3));
    }

    #[test]
    fn coupons_refuse_what_they_do_not_allow() {
        let w = world();
        let cart =
            Cart { lines: vec![w.line(w.digital, 0, 1)], coupon: Some("SPRING".into()), ..Cart::default() };
        let mut c = coupon(Discount::PercentBp(1000));
        assert_eq!(w.quote(NO_TAX, None, &cart), Err(QuoteError::CouponUnknown));
        c.expires_ms = Some(1_000);
        assert_eq!(w.quote(NO_TAX, Some(&c), &cart), Err(QuoteError::CouponExpired));
        c.expires_ms = None;
        (c.max_uses, c.used) = (Some(3), 3);
        assert_eq!(w.quote(NO_TAX, Some(&c), &cart), Err(QuoteError::CouponUsedUp));
        c.used = 2;
        c.gallery = Some(GalleryId::new());
        assert_eq!(w.quote(NO_TAX, Some(&c), &cart), Err(QuoteError::CouponElsewhere));
        c.gallery = Some(w.gallery);
        c.min_order = Money(2501);
        assert_eq!(w.quote(NO_TAX, Some(&c), &cart), Err(QuoteError::CouponMinimum(Money(2501))));
        c.min_order = Money(2500);
        assert_eq!(w.quote(NO_TAX, Some(&c), &cart).unwrap().discount, Money(250));
    }

    #[test]
    fn bad_carts_are_refused_with_the_reason() {
        let w = world();
        let q = |cart: Cart| w.quote(NO_TAX, None, &cart);
        let with = |line: CartLine| Cart { lines: vec![line], shipping: Some(w.post), ..Cart::default() };
        assert_eq!(
            q(with(CartLine { product: ProductId::new(), photo: None, quantity: 1, crop: None, room: None })),
            Err(QuoteError::UnknownProduct)
        );
        assert_eq!(q(with(w.line(w.print, 0, 0))), Err(QuoteError::Quantity));
        assert_eq!(q(with(w.line(w.print, 0, MAX_QUANTITY + 1))), Err(QuoteError::Quantity));
        assert_eq!(
            q(with(CartLine { product: w.print, photo: None, quantity: 1, crop: None, room: None })),
            Err(QuoteError::NeedsPhoto("Print 16×20".into()))
        );
        assert_eq!(
            q(with(CartLine {
                product: w.print,
                photo: Some(PhotoId::new()),
                quantity: 1,
                crop: None,
                room: None
            })),
            Err(QuoteError::UnknownPhoto)
        );
        // Digitals are for proofs; photo 19 is a final (free to download).
        assert_eq!(
            q(with(w.line(w.digital, 19, 1))),
            Err(QuoteError::NotForThisPhoto("Digital, full size".into()))
        );
        let mut twice = w.package_of(2).unwrap();
        twice.photos.push(w.ids[0]);
        assert_eq!(q(Cart { package: Some(twice), ..Cart::default() }), Err(QuoteError::PhotoTwice));
        let mut no_way = with(w.line(w.canvas, 0, 1));
        no_way.shipping = None;
        let unchosen = q(no_way.clone()).unwrap();
        assert!(unchosen.ships && unchosen.shipping_unchosen && unchosen.shipping == Money::ZERO);
        no_way.shipping = Some(ShippingId::new());
        assert_eq!(q(no_way), Err(QuoteError::UnknownShipping));
        // A digital needs no shipping.
        assert!(q(Cart { lines: vec![w.line(w.digital, 0, 1)], ..Cart::default() }).is_ok());
    }

    #[test]
    fn a_print_crop_must_lie_inside_and_have_the_prints_shape() {
        let w = world();
        // A 6000×4000 photo, a 16×20 (4:5) print: a portrait crop 2400×3000 px.
        let good = Crop { x: 1000, y: 1000, w: 4000, h: 7500 };
        assert!(good.fits((6000, 4000), (406, 508)));
        assert!(!Crop { x: 7000, ..good }.fits((6000, 4000), (406, 508)), "past the right edge");
        assert!(!Crop { w: 0, ..good }.fits((6000, 4000), (406, 508)));
        assert!(!Crop { h: 5000, ..good }.fits((6000, 4000), (406, 508)), "the wrong shape");
        // Landscape 5:4 is the same print turned.
        assert!(Crop { x: 0, y: 0, w: 6250, h: 7500 }.fits((6000, 4000), (406, 508)));
        let mut line = w.line(w.print, 0, 1);
        line.crop = Some(Crop { x: 9000, ..good });
        let cart = Cart { lines: vec![line], shipping: Some(w.post), ..Cart::default() };
        assert_eq!(w.quote(NO_TAX, None, &cart), Err(QuoteError::Crop));
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::domain::catalog::{Package, Product, ProductKind};

    /// A random price list, photos and a cart that uses them (valid, so it prices).
    fn priced()
    -> impl Strategy<Value = (PriceList, Vec<Shipping>, BTreeMap<PhotoId, PhotoFacts>, Cart, Coupon, Tax)>
    {
        (
            prop::collection::vec(0i64..1_000_000, 3),
            0i64..500_000,
            0u32..20,
            0i64..10_000,
            prop::collection::vec((0usize..3, 0usize..30, 1u32..=MAX_QUANTITY), 0..40),
            0usize..30,
            prop_oneof![
                (0u32..=10_000).prop_map(Discount::PercentBp),
                (0i64..2_000_000).prop_map(|m| Discount::Fixed(Money(m)))
            ],
            (0u32..3_000, any::<bool>()),
            (0i64..2_000, 0i64..500, prop::option::of(0i64..2_000_000)),
        )
            .prop_map(
                |(
                    product_prices,
                    package_price,
                    images,
                    extra,
                    picks,
                    package_n,
                    discount,
                    (rate_bp, inclusive),
                    (base, per_item, free_from),
                )| {
                    let ids: Vec<ProductId> = (0..3).map(|_| ProductId::new()).collect();
                    let kinds = [
                        ProductKind::Digital { long_edge: Some(2048) },
                        ProductKind::Print { width_mm: 203, height_mm: 254 },
                        ProductKind::Album,
                    ];
                    let products = ids
                        .iter()
                        .zip(kinds)
                        .zip(&product_prices)
                        .map(|((id, kind), price)| Product {
                            id: *id,
                            name: "p".into(),
                            kind,
                            price: Money(*price),
                            cost: None,
                            states: Vec::new(),
                            photo: None,
                        })
                        .collect();
                    let package = PackageId::new();
                    let prices = PriceList {
                        id: None,
                        name: "l".into(),
                        products,
                        packages: vec![Package {
                            id: package,
                            name: "k".into(),
                            price: Money(package_price),
                            images,
                            digital: ids[0],
                            includes: vec![(ids[2], 1)],
                            extra_image: Money(extra),
                        }],
                    };
                    let photo_ids: Vec<PhotoId> = (0..30).map(|_| PhotoId::new()).collect();
                    let photos = photo_ids
                        .iter()
                        .map(|id| (*id, PhotoFacts { state: PhotoState::Proof, size: (4000, 5000) }))
                        .collect();
                    let way = ShippingId::new();
                    let shipping = vec![Shipping {
                        id: way,
                        name: "s".into(),
                        base: Money(base),
                        per_item: Money(per_item),
                        free_from: free_from.map(Money),
                    }];
                    let lines = picks
                        .into_iter()
                        .map(|(p, photo, quantity)| CartLine {
                            product: ids[p],
                            photo: (p < 2).then_some(photo_ids[photo]),
                            quantity,
                            crop: None,
                            room: None,
                        })
                        .collect();
                    let cart = Cart {
                        package: (package_n > 0)
                            .then(|| PackagePick { package, photos: photo_ids[..package_n].to_vec() }),
                        lines,
                        coupon: Some("C".into()),
                        shipping: Some(way),
                    };
                    let coupon = Coupon {
                        code: "C".into(),
                        discount,
                        min_order: Money::ZERO,
                        expires_ms: None,
                        max_uses: None,
                        used: 0,
                        gallery: None,
                    };
                    (prices, shipping, photos, cart, coupon, Tax { rate_bp, inclusive })
                },
            )
    }

    proptest! {
        #[test]
        fn totals_hold_together((prices, shipping, photos, cart, coupon, tax) in priced()) {
            let terms = Terms { prices: &prices, tax, shipping: &shipping, coupon: Some(&coupon), galleries: &[], now_ms: 0 };
            let q = quote(&terms, &photos, &cart).unwrap();
            prop_assert!(q.total >= Money::ZERO, "total {:?}", q.total);
            prop_assert!(q.discount >= Money::ZERO && q.discount <= q.subtotal, "discount {:?} of {:?}", q.discount, q.subtotal);
            prop_assert_eq!(q.lines.iter().map(|l| l.amount).sum::<Money>(), q.subtotal);
            prop_assert!(q.lines.iter().all(|l| l.amount == l.unit.times(l.quantity)));
            prop_assert!(q.tax >= Money::ZERO && q.tax <= q.total);
            let expected = q.subtotal - q.discount + q.shipping + if tax.inclusive { Money::ZERO } else { q.tax };
            prop_assert_eq!(q.total, expected);
            prop_assert_eq!(quote(&terms, &photos, &cart).unwrap(), q, "the same cart, the same quote");
        }
    }
}
