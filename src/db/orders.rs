//! Carts, orders and invoices. Placing an order, issuing an invoice and queueing the mails
//! that tell people happen in one write transaction each, so a crash leaves either all of
//! them or none; invoice numbers are taken from a counter in that same transaction, so they
//! run without gaps.

use redb::{ReadableTable, ReadableTableMetadata};

use super::{Db, Result, codec, jobs, tables::*};
use crate::domain::{
    GalleryId, JobKind, Mail, OrderId, Studio, now_ms,
    order::{Invoice, Order, Owner, PreparedFile},
    quote::Cart,
};

const ORDER_COUNTER: &str = "order-next";
const INVOICE_COUNTER: &str = "invoice-next";
const STUDIO_KEY: &str = "studio";

/// What a change to an order brings with it, written in the same transaction.
#[derive(Default)]
pub struct Effects {
    /// An invoice to issue; its number must be the one the change was given.
    pub invoice: Option<Invoice>,
    pub mails: Vec<Mail>,
}

/// How placing an order went.
pub enum Placed {
    New(Order),
    /// The same checkout was sent before (a double click, a reload): its order.
    Again(Order),
    /// The coupon was used up by another order meanwhile.
    CouponUsedUp,
    /// Another order took the numbers meanwhile: compose it again.
    Moved,
}

fn counter(t: &mut redb::Table<&str, &[u8]>, name: &str) -> Result<u32> {
    Ok(t.get(name)?.and_then(|v| v.value().try_into().ok()).map_or(1, u32::from_le_bytes))
}

fn write_effects(txn: &redb::WriteTransaction, effects: &Effects, next_invoice: u32) -> Result<()> {
    if let Some(inv) = &effects.invoice {
        if inv.number != next_invoice {
            return Err(super::DbError::Corrupt("an invoice number out of sequence".into()));
        }
        txn.open_table(INVOICES)?.insert(inv.number, codec::encode(inv)?.as_slice())?;
        txn.open_table(META)?.insert(INVOICE_COUNTER, (next_invoice + 1).to_le_bytes().as_slice())?;
    }
    for m in &effects.mails {
        txn.open_table(MAILS)?.insert(m.id.key(), codec::encode(m)?.as_slice())?;
        jobs::push(txn, JobKind::SendMail { mail: m.id }, now_ms(), None)?;
    }
    Ok(())
}

/// Keeps the order indexes in step with `order`, in the transaction that writes it.
fn index(txn: &redb::WriteTransaction, order: &Order) -> Result<()> {
    txn.open_table(GALLERY_ORDERS)?.insert((order.gallery.key(), order.id.key()), ())?;
    let mut open = txn.open_table(OPEN_ORDERS)?;
    if order.open() {
        open.insert(order.id.key(), ())?;
    } else {
        open.remove(order.id.key())?;
    }
    Ok(())
}

/// Builds the order indexes of a store written before they existed (schema 2 and older).
pub(super) fn index_all(txn: &redb::WriteTransaction) -> Result<()> {
    let orders = txn.open_table(ORDERS)?;
    for row in orders.iter()? {
        index(txn, &codec::decode(row?.1.value())?)?;
    }
    Ok(())
}

/// The smallest ULID made at `ms` (a ULID's first 48 bits are its milliseconds).
fn first_id_at(ms: u64) -> u128 {
    u128::from(ms) << 80
}

impl Db {
    pub fn cart(&self, owner: Owner, gallery: GalleryId) -> Result<Cart> {
        let txn = self.read()?;
        let t = txn.open_table(CARTS)?;
        Ok(t.get((owner.key(), gallery.key()))?
            .map(|v| codec::decode(v.value()))
            .transpose()?
            .unwrap_or_default())
    }

    /// Every cart (for `gc`: the walls of room views saved in them).
    pub fn carts(&self) -> Result<Vec<Cart>> {
        let txn = self.read()?;
        let mut out = Vec::new();
        for row in txn.open_table(CARTS)?.iter()? {
            out.push(codec::decode(row?.1.value())?);
        }
        Ok(out)
    }

    /// Changes a cart in one transaction (two tabs adding at once both count); `change`
    /// returns `Err` to refuse, and nothing is written then.
    pub fn update_cart<E>(
        &self,
        owner: Owner,
        gallery: GalleryId,
        change: impl FnOnce(&mut Cart) -> std::result::Result<(), E>,
    ) -> Result<std::result::Result<Cart, E>> {
        let txn = self.write()?;
        let result = {
            let mut t = txn.open_table(CARTS)?;
            let key = (owner.key(), gallery.key());
            let mut cart: Cart =
                t.get(key)?.map(|v| codec::decode(v.value())).transpose()?.unwrap_or_default();
            match change(&mut cart) {
                Ok(()) => {
                    match cart == Cart::default() {
                        true => t.remove(key)?,
                        false => t.insert(key, codec::encode(&cart)?.as_slice())?,
                    };
                    Ok(cart)
                }
                Err(e) => Err(e),
            }
        };
        if result.is_ok() {
            txn.commit()?;
        }
        Ok(result)
    }

    /// The numbers the next order and the next invoice will take.
    pub fn next_numbers(&self) -> Result<(u32, u32)> {
        let txn = self.write()?;
        let mut meta = txn.open_table(META)?;
        Ok((counter(&mut meta, ORDER_COUNTER)?, counter(&mut meta, INVOICE_COUNTER)?))
    }

    /// The order a checkout key placed, if any.
    pub fn order_by_key(&self, key: &str) -> Result<Option<Order>> {
        let txn = self.read()?;
        let Some(id) = txn.open_table(ORDER_KEYS)?.get(key)?.map(|v| v.value()) else { return Ok(None) };
        txn.open_table(ORDERS)?.get(id)?.map(|v| codec::decode(v.value())).transpose()
    }

    /// Places an order once per checkout `key`, in one transaction: counts the coupon's
    /// use, takes the order and invoice numbers (`numbers`, which the order and its mails
    /// were written with; if another order took them meanwhile nothing is written and the
    /// answer is `Moved`), stores the order, its invoice and mails, and empties the cart.
    pub fn place_order(
        &self,
        key: &str,
        coupon: Option<&str>,
        numbers: (u32, u32),
        order: Order,
        effects: Effects,
    ) -> Result<Placed> {
        let txn = self.write()?;
        if let Some(id) = txn.open_table(ORDER_KEYS)?.get(key)?.map(|v| v.value())
            && let Some(o) = txn.open_table(ORDERS)?.get(id)?.map(|v| codec::decode(v.value())).transpose()?
        {
            return Ok(Placed::Again(o));
        }
        {
            let mut meta = txn.open_table(META)?;
            if (counter(&mut meta, ORDER_COUNTER)?, counter(&mut meta, INVOICE_COUNTER)?) != numbers
                || order.number != numbers.0
            {
                return Ok(Placed::Moved);
            }
            if let Some(code) = coupon {
                let mut studio: Studio =
                    meta.get(STUDIO_KEY)?.map(|v| codec::decode(v.value())).transpose()?.unwrap_or_default();
                if let Some(c) = studio.catalog.coupons.iter_mut().find(|c| c.code.eq_ignore_ascii_case(code))
                {
                    if c.max_uses.is_some_and(|m| c.used >= m) {
                        return Ok(Placed::CouponUsedUp);
                    }
                    c.used += 1;
                    meta.insert(STUDIO_KEY, codec::encode(&studio)?.as_slice())?;
                }
            }
            meta.insert(ORDER_COUNTER, (numbers.0 + 1).to_le_bytes().as_slice())?;
        }
        txn.open_table(ORDERS)?.insert(order.id.key(), codec::encode(&order)?.as_slice())?;
        txn.open_table(OWNER_ORDERS)?.insert((order.owner.key(), order.id.key()), ())?;
        index(&txn, &order)?;
        txn.open_table(ORDER_KEYS)?.insert(key, order.id.key())?;
        txn.open_table(CARTS)?.remove((order.owner.key(), order.gallery.key()))?;
        write_effects(&txn, &effects, numbers.1)?;
        txn.commit()?;
        Ok(Placed::New(order))
    }

    pub fn order(&self, id: OrderId) -> Result<Option<Order>> {
        let txn = self.read()?;
        let t = txn.open_table(ORDERS)?;
        t.get(id.key())?.map(|v| codec::decode(v.value())).transpose()
    }

    /// An owner's orders, newest first.
    pub fn orders_of(&self, owner: Owner) -> Result<Vec<Order>> {
        let txn = self.read()?;
        let (idx, t) = (txn.open_table(OWNER_ORDERS)?, txn.open_table(ORDERS)?);
        let mut out = Vec::new();
        for row in idx.range((owner.key(), 0)..=(owner.key(), u128::MAX))?.rev() {
            if let Some(v) = t.get(row?.0.value().1)? {
                out.push(codec::decode(v.value())?);
            }
        }
        Ok(out)
    }

    /// Up to `limit` orders placed before the order `before` (or the newest), newest
    /// first (ULIDs sort by time).
    pub fn orders_page(&self, before: Option<OrderId>, limit: usize) -> Result<Vec<Order>> {
        let txn = self.read()?;
        let t = txn.open_table(ORDERS)?;
        let end = before.map_or(u128::MAX, |b| b.key());
        let mut out = Vec::new();
        for row in t.range(..end)?.rev().take(limit) {
            out.push(codec::decode(row?.1.value())?);
        }
        Ok(out)
    }

    /// The orders placed since `ms`, newest first.
    pub fn orders_since(&self, ms: u64) -> Result<Vec<Order>> {
        let txn = self.read()?;
        let mut out = Vec::new();
        for row in txn.open_table(ORDERS)?.range(first_id_at(ms)..)?.rev() {
            out.push(codec::decode(row?.1.value())?);
        }
        Ok(out)
    }

    /// The orders that still need someone (`Order::open`), newest first.
    pub fn open_orders(&self) -> Result<Vec<Order>> {
        let txn = self.read()?;
        let (idx, t) = (txn.open_table(OPEN_ORDERS)?, txn.open_table(ORDERS)?);
        let mut out = Vec::new();
        for row in idx.iter()?.rev() {
            if let Some(v) = t.get(row?.0.value())? {
                out.push(codec::decode(v.value())?);
            }
        }
        Ok(out)
    }

    /// A gallery's orders, newest first.
    pub fn gallery_orders(&self, gallery: GalleryId) -> Result<Vec<Order>> {
        let txn = self.read()?;
        let (idx, t) = (txn.open_table(GALLERY_ORDERS)?, txn.open_table(ORDERS)?);
        let mut out = Vec::new();
        for row in idx.range((gallery.key(), 0)..=(gallery.key(), u128::MAX))?.rev() {
            if let Some(v) = t.get(row?.0.value().1)? {
                out.push(codec::decode(v.value())?);
            }
        }
        Ok(out)
    }

    /// How many orders there are (redb keeps the count; nothing is read).
    pub fn order_count(&self) -> Result<u64> {
        let txn = self.read()?;
        Ok(txn.open_table(ORDERS)?.len()?)
    }

    /// Whether the order indexes agree with the orders (for `check`): one line per
    /// disagreement.
    pub fn check_orders(&self) -> Result<Vec<String>> {
        let txn = self.read()?;
        let (orders, open, by_gallery) =
            (txn.open_table(ORDERS)?, txn.open_table(OPEN_ORDERS)?, txn.open_table(GALLERY_ORDERS)?);
        let (mut out, mut opened) = (Vec::new(), 0);
        for row in orders.iter()? {
            let o: Order = codec::decode(row?.1.value())?;
            opened += u64::from(o.open());
            if open.get(o.id.key())?.is_some() != o.open() {
                out.push(format!("order {} ({}): the open orders index disagrees", o.number, o.id));
            }
            if by_gallery.get((o.gallery.key(), o.id.key()))?.is_none() {
                out.push(format!("order {} ({}): missing from its gallery's orders", o.number, o.id));
            }
        }
        if open.len()? != opened || by_gallery.len()? != orders.len()? {
            out.push("the order indexes name orders that do not exist".into());
        }
        Ok(out)
    }

    /// Calls `each` with every order, one at a time, so a sweep over ten years of them
    /// holds one in memory.
    pub fn each_order(&self, mut each: impl FnMut(Order)) -> Result<()> {
        let txn = self.read()?;
        for row in txn.open_table(ORDERS)?.iter()? {
            each(codec::decode(row?.1.value())?);
        }
        Ok(())
    }

    /// Changes an order in one transaction. `change` gets the order and the number the next
    /// invoice would take; it returns what else to write, or `Err` to refuse (nothing is
    /// written then).
    pub fn update_order<E>(
        &self,
        id: OrderId,
        change: impl FnOnce(&mut Order, u32) -> std::result::Result<Effects, E>,
    ) -> Result<Option<std::result::Result<Order, E>>> {
        let txn = self.write()?;
        let Some(mut order): Option<Order> =
            txn.open_table(ORDERS)?.get(id.key())?.map(|v| codec::decode(v.value())).transpose()?
        else {
            return Ok(None);
        };
        let next_invoice = counter(&mut txn.open_table(META)?, INVOICE_COUNTER)?;
        let effects = match change(&mut order, next_invoice) {
            Ok(e) => e,
            Err(e) => return Ok(Some(Err(e))),
        };
        txn.open_table(ORDERS)?.insert(id.key(), codec::encode(&order)?.as_slice())?;
        index(&txn, &order)?;
        write_effects(&txn, &effects, next_invoice)?;
        txn.commit()?;
        Ok(Some(Ok(order)))
    }

    pub fn invoice(&self, number: u32) -> Result<Option<Invoice>> {
        let txn = self.read()?;
        let t = txn.open_table(INVOICES)?;
        t.get(number)?.map(|v| codec::decode(v.value())).transpose()
    }

    pub fn prepared(&self, key: &[u8; 32]) -> Result<Option<PreparedFile>> {
        let txn = self.read()?;
        let t = txn.open_table(PREPARED)?;
        t.get(key)?.map(|v| codec::decode(v.value())).transpose()
    }

    pub fn put_prepared(&self, key: &[u8; 32], p: &PreparedFile) -> Result<()> {
        let txn = self.write()?;
        txn.open_table(PREPARED)?.insert(key, codec::encode(p)?.as_slice())?;
        txn.commit()?;
        Ok(())
    }

    /// Every prepared file (`gc` keeps those whose source is still a photo's).
    pub fn all_prepared(&self) -> Result<Vec<([u8; 32], PreparedFile)>> {
        let txn = self.read()?;
        let mut out = Vec::new();
        for row in txn.open_table(PREPARED)?.iter()? {
            let (k, v) = row?;
            out.push((*k.value(), codec::decode(v.value())?));
        }
        Ok(out)
    }

    pub fn remove_prepared(&self, keys: &[[u8; 32]]) -> Result<()> {
        let txn = self.write()?;
        {
            let mut t = txn.open_table(PREPARED)?;
            for k in keys {
                t.remove(k)?;
            }
        }
        txn.commit()?;
        Ok(())
    }

    /// Every invoice number issued, in order (the gapless check reads it).
    pub fn invoice_numbers(&self) -> Result<Vec<u32>> {
        let txn = self.read()?;
        let mut out = Vec::new();
        for row in txn.open_table(INVOICES)?.iter()? {
            out.push(row?.0.value());
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{
        Money, PhotoId, ShareId,
        order::{Customer, OrderState},
        quote::Quote,
    };

    fn place(db: &Db, gallery: GalleryId, total: i64, digital: Vec<PhotoId>) -> Order {
        let numbers = db.next_numbers().unwrap();
        let quote = Quote {
            lines: Vec::new(),
            package: None,
            subtotal: Money(total),
            discount: Money::ZERO,
            shipping: Money::ZERO,
            tax: Money::ZERO,
            tax_rate_bp: 0,
            total: Money(total),
            ships: false,
            shipping_unchosen: false,
        };
        let order = Order {
            id: OrderId::new(),
            number: numbers.0,
            gallery,
            share: ShareId::new(),
            owner: Owner::Grant(ShareId::new()),
            customer: Customer::default(),
            currency: Default::default(),
            cart: Cart::default(),
            quote,
            state: OrderState::Placed,
            placed_ms: now_ms(),
            payments: Vec::new(),
            invoices: Vec::new(),
            timeline: Vec::new(),
            client_base: String::new(),
            digital,
            digital_edges: Default::default(),
            delivered_ms: None,
            delivered_all: false,
            discount: None,
        };
        match db.place_order(&order.id.to_string(), None, numbers, order, Effects::default()).unwrap() {
            Placed::New(o) => o,
            _ => panic!("not placed"),
        }
    }

    fn change(db: &Db, o: &Order, f: impl FnOnce(&mut Order)) {
        db.update_order(o.id, |o, _| {
            f(o);
            Ok::<_, ()>(Effects::default())
        })
        .unwrap()
        .unwrap()
        .unwrap();
    }

    fn numbers(orders: Vec<Order>) -> Vec<u32> {
        orders.iter().map(|o| o.number).collect()
    }

    #[test]
    fn the_open_orders_and_a_gallerys_orders_are_kept_by_the_writes_that_change_them() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.redb");
        let (g1, g2) = (GalleryId::new(), GalleryId::new());
        {
            let db = Db::open(&path, 8 << 20).unwrap();
            let _one = place(&db, g1, 100, Vec::new());
            let two = place(&db, g2, 0, vec![PhotoId::new()]);
            let three = place(&db, g1, 100, Vec::new());
            assert_eq!(numbers(db.open_orders().unwrap()), [3, 2, 1]);
            // A free order marked completed still owes its file: open until delivered.
            change(&db, &two, |o| o.state = OrderState::Completed);
            assert_eq!(numbers(db.open_orders().unwrap()), [3, 2, 1]);
            change(&db, &two, |o| o.delivered_ms = Some(now_ms()));
            change(&db, &three, |o| o.state = OrderState::Cancelled);
            assert_eq!(numbers(db.open_orders().unwrap()), [1]);
            assert_eq!(numbers(db.gallery_orders(g1).unwrap()), [3, 1]);
            assert_eq!(numbers(db.gallery_orders(g2).unwrap()), [2]);
            assert_eq!(numbers(db.orders_page(None, 2).unwrap()), [3, 2]);
            assert_eq!(numbers(db.orders_page(Some(two.id), 2).unwrap()), [1]);
            assert_eq!(db.order_count().unwrap(), 3);
            assert_eq!(db.orders_since(0).unwrap().len(), 3);
            assert!(db.orders_since(now_ms() + 1000).unwrap().is_empty());
            assert!(db.check_orders().unwrap().is_empty());

            // What a schema-2 store looks like: orders without their indexes.
            let txn = db.write().unwrap();
            txn.delete_table(GALLERY_ORDERS).unwrap();
            txn.delete_table(OPEN_ORDERS).unwrap();
            txn.open_table(META).unwrap().insert("schema_version", 2u64.to_le_bytes().as_slice()).unwrap();
            txn.commit().unwrap();
        }
        let db = Db::open(&path, 8 << 20).unwrap();
        assert_eq!(numbers(db.open_orders().unwrap()), [1], "indexed when opened");
        assert_eq!(numbers(db.gallery_orders(g1).unwrap()), [3, 1]);
        assert!(db.check_orders().unwrap().is_empty());
        // `check` notices an index that went wrong.
        let txn = db.write().unwrap();
        txn.open_table(OPEN_ORDERS).unwrap().insert(GalleryId::new().key(), ()).unwrap();
        txn.commit().unwrap();
        assert_eq!(db.check_orders().unwrap().len(), 1);
    }
}
