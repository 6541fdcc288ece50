//! Stored records: arbitrary bytes decoded as every record type the database keeps. A
//! damaged record must be an error (`DbError::Corrupt`), never a panic; a record that
//! decodes must encode again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use proofroom::{db::codec, domain};

fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned>(data: &[u8]) {
    if let Ok(v) = codec::decode::<T>(data) {
        codec::encode(&v).expect("a decoded record encodes again");
    }
}

fuzz_target!(|data: &[u8]| {
    round_trip::<domain::Gallery>(data);
    round_trip::<domain::Photo>(data);
    round_trip::<domain::ShareLink>(data);
    round_trip::<domain::Visitor>(data);
    round_trip::<domain::Selection>(data);
    round_trip::<domain::Comment>(data);
    round_trip::<domain::Job>(data);
    round_trip::<domain::Mail>(data);
    round_trip::<domain::Studio>(data);
    round_trip::<domain::MediaInfo>(data);
});
