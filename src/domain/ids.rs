//! Identifiers: ULIDs for records (sortable by creation time) and blake3 hashes for blobs.

use std::{fmt, str::FromStr, sync::Mutex};

/// One generator for the process, so ids made in the same millisecond still sort in the
/// order they were made: a batch of uploads keeps its order in the grid (ties broken by id)
/// and in a gallery's first photos, which a recount by id must find the same.
static ULIDS: Mutex<ulid::Generator> = Mutex::new(ulid::Generator::new());

/// A new ULID, greater than every one this process made before. Its time is `now_ms`, the
/// clock of every stored time: ranges by id ("orders since a day") then agree with the
/// times shown, also when a test has moved the clock on.
pub fn next_ulid() -> ulid::Ulid {
    let now = std::time::UNIX_EPOCH + std::time::Duration::from_millis(super::now_ms());
    let mut g = ULIDS.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    // Overflow needs 2^80 ids in one millisecond; a fresh random one is still unique.
    g.generate_from_datetime(now).unwrap_or_else(|_| ulid::Ulid::from_datetime(now))
}

macro_rules! ulid_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub ulid::Ulid);

        impl $name {
            pub fn new() -> Self {
                Self(next_ulid())
            }
            /// The key under which redb stores the record.
            pub fn key(self) -> u128 {
                self.0.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = ulid::DecodeError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                ulid::Ulid::from_string(s).map(Self)
            }
        }
    };
}

ulid_id!(
    /// A gallery (client area, client, shoot: they nest).
    GalleryId
);
ulid_id!(
    /// One photo in one gallery; its bytes live in versions.
    PhotoId
);
ulid_id!(
    /// A share link to a gallery.
    ShareId
);
ulid_id!(
    /// Someone who opened a share link (anonymous until they give a name).
    VisitorId
);
ulid_id!(
    /// A comment on a photo.
    CommentId
);
ulid_id!(
    /// An outgoing e-mail.
    MailId
);
ulid_id!(
    /// Something a studio sells: a digital file size, a print size, an album…
    ProductId
);
ulid_id!(
    /// A bundle sold at one price: N digital images and listed products.
    PackageId
);
ulid_id!(
    /// A studio's way to ship (or hand over) what is printed.
    ShippingId
);

ulid_id!(
    /// An order a client placed.
    OrderId
);
ulid_id!(
    /// A price list of its own that galleries may choose instead of the studio's default.
    PriceListId
);

/// The blake3 hash that names a blob.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Hash(pub [u8; 32]);

#[derive(Debug, thiserror::Error)]
#[error("not a blob hash (64 hex digits expected)")]
pub struct HashParseError;

impl Hash {
    pub fn to_hex(self) -> String {
        hex::encode(self.0)
    }
}

impl From<blake3::Hash> for Hash {
    fn from(h: blake3::Hash) -> Self {
        Self(*h.as_bytes())
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

impl FromStr for Hash {
    type Err = HashParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).map_err(|_| HashParseError)?;
        Ok(Self(out))
    }
}

impl serde::Serialize for Hash {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> serde::Deserialize<'de> for Hash {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_made_in_a_burst_sort_in_the_order_they_were_made() {
        // A thousand ids take well under a millisecond each: many share one, where
        // independent random ULIDs would sort by chance.
        let ids: Vec<PhotoId> = (0..1000).map(|_| PhotoId::new()).collect();
        assert!(ids.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn hash_round_trips_through_hex() {
        let h = Hash::from(blake3::hash(b"proofroom"));
        assert_eq!(h.to_hex().parse::<Hash>().unwrap(), h);
        assert!("zz".parse::<Hash>().is_err());
    }

    #[test]
    fn ids_round_trip_through_keys_and_text() {
        let id = PhotoId::new();
        assert_eq!(id.to_string().parse::<PhotoId>().unwrap(), id);
    }
}
