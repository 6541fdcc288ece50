//! How records become bytes: one version byte, then JSON. JSON keeps stored records legible
//! (`proofroom check` can print them) and lets new optional fields be added with
//! `#[serde(default)]` without a migration. A bad record is an error, never a panic.

use serde::{Serialize, de::DeserializeOwned};

use super::DbError;

/// The current record format. Bump it, and teach `decode` the old one, when a layout changes.
const VERSION: u8 = 1;

pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, DbError> {
    let mut out = vec![VERSION];
    serde_json::to_writer(&mut out, value).map_err(|e| DbError::Corrupt(e.to_string()))?;
    Ok(out)
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DbError> {
    match bytes.split_first() {
        Some((&VERSION, rest)) => serde_json::from_slice(rest).map_err(|e| DbError::Corrupt(e.to_string())),
        Some((v, _)) => Err(DbError::Corrupt(format!("unknown record version {v}"))),
        None => Err(DbError::Corrupt("empty record".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_and_bad_bytes_are_errors() {
        let bytes = encode(&vec![1u32, 2, 3]).unwrap();
        assert_eq!(decode::<Vec<u32>>(&bytes).unwrap(), vec![1, 2, 3]);
        assert!(decode::<Vec<u32>>(&[]).is_err());
        assert!(decode::<Vec<u32>>(&[9, b'[', b']']).is_err());
        assert!(decode::<Vec<u32>>(&[1, b'{']).is_err());
    }
}
