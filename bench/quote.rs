//! How long pricing a cart takes: a 200-line cart (a package of 40 photos, prints, digitals)
//! under a 60-product price list, with a coupon, VAT and shipping, quoted many times.
//! Prints the median and the 99th percentile of batches of quotes. The server quotes a cart
//! on every change and again when the order is placed, so this is per click.
//!
//! Run: `cargo bench --bench quote`

use std::{collections::BTreeMap, hint::black_box, time::Instant};

use proofroom::domain::{
    Money, PackageId, PhotoId, PhotoState, ProductId, ShippingId,
    catalog::{Coupon, Discount, Package, PriceList, Product, ProductKind, Shipping, Tax},
    quote::{Cart, CartLine, PackagePick, PhotoFacts, Terms, quote},
};

fn main() {
    let products: Vec<Product> = (0..60)
        .map(|i| Product {
            id: ProductId::new(),
            name: format!("Product {i}"),
            kind: match i % 3 {
                0 => ProductKind::Digital { long_edge: Some(2048) },
                1 => ProductKind::Print { width_mm: 200 + i, height_mm: 250 + i },
                _ => ProductKind::WallArt { width_mm: 400, height_mm: 500 },
            },
            price: Money(1_000 + i64::from(i) * 150),
            cost: None,
            states: Vec::new(),
            photo: None,
        })
        .collect();
    let package = PackageId::new();
    let prices = PriceList {
        id: None,
        name: "Weddings".into(),
        packages: vec![Package {
            id: package,
            name: "Collection".into(),
            price: Money(45_000),
            images: 30,
            digital: products[0].id,
            includes: vec![(products[2].id, 1)],
            extra_image: Money(3_500),
        }],
        products,
    };
    let photo_ids: Vec<PhotoId> = (0..400).map(|_| PhotoId::new()).collect();
    let photos: BTreeMap<PhotoId, PhotoFacts> = photo_ids
        .iter()
        .map(|id| (*id, PhotoFacts { state: PhotoState::Proof, size: (6000, 4000) }))
        .collect();
    let lines: Vec<CartLine> = (0..199)
        .map(|i| CartLine {
            product: prices.products[i % 60].id,
            photo: Some(photo_ids[i]),
            quantity: 1 + (i as u32 % 3),
            crop: None,
            room: None,
        })
        .collect();
    let post = ShippingId::new();
    let shipping = vec![Shipping {
        id: post,
        name: "Post".into(),
        base: Money(500),
        per_item: Money(100),
        free_from: None,
    }];
    let cart = Cart {
        package: Some(PackagePick { package, photos: photo_ids[200..240].to_vec() }),
        lines,
        coupon: Some("SPRING".into()),
        shipping: Some(post),
    };
    let coupon = Coupon {
        code: "SPRING".into(),
        discount: Discount::PercentBp(1_000),
        min_order: Money::ZERO,
        expires_ms: None,
        max_uses: None,
        used: 0,
        gallery: None,
    };
    let terms = Terms {
        prices: &prices,
        tax: Tax { rate_bp: 1_900, inclusive: true },
        shipping: &shipping,
        coupon: Some(&coupon),
        galleries: &[],
        now_ms: 0,
    };
    let q = quote(&terms, &photos, &cart).expect("the cart prices");
    println!("{} lines, total {:?}", q.lines.len(), q.total);

    const BATCH: u32 = 100;
    let mut per_quote_us: Vec<f64> = (0..200)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..BATCH {
                black_box(quote(black_box(&terms), black_box(&photos), black_box(&cart)).ok());
            }
            start.elapsed().as_secs_f64() * 1e6 / f64::from(BATCH)
        })
        .collect();
    per_quote_us.sort_by(f64::total_cmp);
    let at = |p: f64| per_quote_us[((per_quote_us.len() - 1) as f64 * p) as usize];
    println!("quote of a {}-line cart: median {:.1} µs, p99 {:.1} µs", q.lines.len(), at(0.5), at(0.99));
}
