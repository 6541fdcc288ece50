//! Carts, orders and invoices. Placing an order, issuing an invoice and queueing the mails
//! that tell people happen in one write transaction each, so a crash leaves either all of
//! them or none; invoice numbers are taken from a counter in that same transaction, so they
//! run without gaps.

use redb::ReadableTable;

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

    /// Every order, newest first (ULIDs sort by time).
    pub fn orders(&self) -> Result<Vec<Order>> {
        let txn = self.read()?;
        let mut out = Vec::new();
        for row in txn.open_table(ORDERS)?.iter()?.rev() {
            out.push(codec::decode(row?.1.value())?);
        }
        Ok(out)
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
