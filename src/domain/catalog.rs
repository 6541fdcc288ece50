//! What a studio sells: products (digital sizes, prints, wall art, albums, custom items),
//! packages, coupons, tax and shipping. Plain values; `quote.rs` prices a cart with them.

use serde::{Deserialize, Serialize};

use super::{Currency, GalleryId, Money, PackageId, PhotoState, PriceListId, ProductId, ShippingId};

/// What kind of thing a product is: it decides whether it needs a photo, a crop and
/// shipping.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProductKind {
    /// A file to download; `long_edge` in pixels, `None` for full resolution.
    Digital { long_edge: Option<u32> },
    /// A print of `width_mm` × `height_mm` (the crop frame's aspect ratio).
    Print { width_mm: u32, height_mm: u32 },
    /// Canvas, metal, framed: printed and shipped like a print, at its size.
    WallArt { width_mm: u32, height_mm: u32 },
    /// An album of many photos, shipped.
    Album,
    /// Anything else (a session fee, a USB stick); `ships` says whether it is sent.
    Custom { ships: bool },
    /// The whole gallery as one digital product.
    WholeGallery,
}

impl ProductKind {
    /// Whether the product is sent to the client (so shipping applies).
    pub fn ships(&self) -> bool {
        match self {
            ProductKind::Print { .. } | ProductKind::WallArt { .. } | ProductKind::Album => true,
            ProductKind::Custom { ships } => *ships,
            ProductKind::Digital { .. } | ProductKind::WholeGallery => false,
        }
    }

    /// Whether each line names one photo.
    pub fn per_photo(&self) -> bool {
        matches!(self, ProductKind::Digital { .. } | ProductKind::Print { .. } | ProductKind::WallArt { .. })
    }

    /// The print's aspect ratio (width, height) in millimetres, for the crop frame.
    pub fn print_size(&self) -> Option<(u32, u32)> {
        match self {
            ProductKind::Print { width_mm, height_mm } | ProductKind::WallArt { width_mm, height_mm } => {
                Some((*width_mm, *height_mm))
            }
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: ProductId,
    pub name: String,
    pub kind: ProductKind,
    pub price: Money,
    /// What it costs the studio (lab price), for its own margins; never shown to clients.
    #[serde(default)]
    pub cost: Option<Money>,
    /// The photo states it may be ordered for; empty means every state. ("Digitals only for
    /// proofs: finals are free to download.")
    #[serde(default)]
    pub states: Vec<PhotoState>,
    /// The studio's photo of it (a JPEG blob), shown in the pricing guide.
    #[serde(default)]
    pub photo: Option<super::Hash>,
}

impl Product {
    pub fn applies_to(&self, state: PhotoState) -> bool {
        self.states.is_empty() || self.states.contains(&state)
    }
}

/// N digital images and listed products at one price, and a price per image beyond N
/// ("10 digitals + one 16×20 canvas, 450; extra images 35").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    pub id: PackageId,
    pub name: String,
    pub price: Money,
    /// Digital images included.
    pub images: u32,
    /// The digital product the images are delivered as.
    pub digital: ProductId,
    /// Other products included, with quantities (the canvas).
    #[serde(default)]
    pub includes: Vec<(ProductId, u32)>,
    /// Each image beyond `images`.
    pub extra_image: Money,
}

/// The products and packages offered together: the studio's default, or a list of its own
/// that a gallery chooses (and the sets inside it inherit).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceList {
    /// `None` for the studio's default list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<PriceListId>,
    pub name: String,
    pub products: Vec<Product>,
    pub packages: Vec<Package>,
}

impl PriceList {
    pub fn product(&self, id: ProductId) -> Option<&Product> {
        self.products.iter().find(|p| p.id == id)
    }

    pub fn package(&self, id: PackageId) -> Option<&Package> {
        self.packages.iter().find(|p| p.id == id)
    }
}

/// How a coupon takes off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Discount {
    /// Basis points of the subtotal (1500 = 15 %).
    PercentBp(u32),
    Fixed(Money),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coupon {
    /// What the client types; compared without case.
    pub code: String,
    pub discount: Discount,
    /// The subtotal it needs.
    #[serde(default)]
    pub min_order: Money,
    #[serde(default)]
    pub expires_ms: Option<u64>,
    /// How many orders may use it; `used` counts those placed.
    #[serde(default)]
    pub max_uses: Option<u32>,
    #[serde(default)]
    pub used: u32,
    /// One gallery's, or the whole studio's when `None`.
    #[serde(default)]
    pub gallery: Option<GalleryId>,
}

/// The studio's tax: one rate, and whether prices include it (shown to consumers) or not
/// (added on top, for business clients).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tax {
    /// Basis points: 1900 = 19 %.
    pub rate_bp: u32,
    pub inclusive: bool,
}

/// A way to ship or hand over: pickup (all zero), flat (`base`), per item (`per_item`), and
/// free from a threshold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipping {
    pub id: ShippingId,
    pub name: String,
    pub base: Money,
    pub per_item: Money,
    /// Free when the discounted subtotal reaches this.
    #[serde(default)]
    pub free_from: Option<Money>,
}

/// Everything the studio sells and on what terms, kept with the studio's settings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    #[serde(default)]
    pub currency: Currency,
    #[serde(default)]
    pub tax: Tax,
    /// The studio's default list, for every gallery that chooses no other.
    #[serde(default)]
    pub prices: PriceList,
    /// Lists of their own ("Weddings", "School portraits"), chosen per gallery.
    #[serde(default)]
    pub lists: Vec<PriceList>,
    #[serde(default)]
    pub shipping: Vec<Shipping>,
    #[serde(default)]
    pub coupons: Vec<Coupon>,
    /// Invoices and payment: the studio's legal details and bank account.
    #[serde(default)]
    pub billing: Billing,
    /// How delivered files are named (`order::delivery_name`); empty keeps the filename.
    #[serde(default)]
    pub delivery_names: String,
    /// The creator written into delivered JPEGs (EXIF Artist); empty: the studio's name.
    #[serde(default)]
    pub delivery_creator: String,
    /// The copyright notice written into delivered JPEGs; empty: "© <year> <creator>".
    #[serde(default)]
    pub delivery_copyright: String,
}

impl Catalog {
    /// Whether there is anything to sell (the pricing guide and the order steps show then).
    pub fn offers_anything(&self) -> bool {
        !self.prices.products.is_empty() || !self.prices.packages.is_empty()
    }

    /// The list `id` names, or the studio's default when it names none (or one since
    /// removed: its galleries fall back to the default rather than sell nothing).
    pub fn list(&self, id: Option<PriceListId>) -> &PriceList {
        id.and_then(|id| self.lists.iter().find(|l| l.id == Some(id))).unwrap_or(&self.prices)
    }

    /// The list `id` names (the default for `None`), to change it.
    pub fn list_mut(&mut self, id: Option<PriceListId>) -> Option<&mut PriceList> {
        match id {
            None => Some(&mut self.prices),
            Some(id) => self.lists.iter_mut().find(|l| l.id == Some(id)),
        }
    }

    /// The catalog as a gallery with list `id` sees it: that list in place of the default,
    /// so quoting, the guide and the order pages read `prices` alone.
    pub fn with_list(&self, id: Option<PriceListId>) -> Catalog {
        let mut c = self.clone();
        c.prices = self.list(id).clone();
        c
    }

    /// Every product photo of every list (blobs to keep).
    pub fn photos(&self) -> impl Iterator<Item = super::Hash> + '_ {
        std::iter::once(&self.prices)
            .chain(&self.lists)
            .flat_map(|l| l.products.iter().filter_map(|p| p.photo))
    }

    /// A product of any list: an order keeps the ids of the list it was placed from, which
    /// the gallery may since have changed.
    pub fn any_product(&self, id: ProductId) -> Option<&Product> {
        std::iter::once(&self.prices).chain(&self.lists).find_map(|l| l.product(id))
    }
}

impl Package {
    /// "10 digital images + 1 × Canvas 16×20", from the list's product names.
    pub fn contents(&self, list: &PriceList) -> String {
        let mut parts =
            vec![format!("{} digital image{}", self.images, if self.images == 1 { "" } else { "s" })];
        for (id, n) in &self.includes {
            if let Some(p) = list.product(*id) {
                parts.push(format!("{n} × {}", p.name));
            }
        }
        parts.join(" + ")
    }
}

/// What the studio prints on invoices and tells clients about paying.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Billing {
    /// The studio's legal name and address, as invoices must show them.
    #[serde(default)]
    pub address: String,
    /// VAT or tax number.
    #[serde(default)]
    pub tax_id: String,
    /// For bank transfers; with these set, invoices carry an EPC QR code.
    #[serde(default)]
    pub account_holder: String,
    #[serde(default)]
    pub iban: String,
    #[serde(default)]
    pub bic: String,
    /// Other ways to pay ("cash at pickup").
    #[serde(default)]
    pub instructions: String,
    /// Wording the law asks for ("VAT exempt under § 19 UStG").
    #[serde(default)]
    pub invoice_note: String,
    /// Days from issue to due date.
    #[serde(default = "default_due_days")]
    pub due_days: u32,
}

fn default_due_days() -> u32 {
    14
}
