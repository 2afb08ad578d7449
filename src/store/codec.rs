//! Versioned binary encoding of stored values: one version byte, then postcard.

use serde::{Serialize, de::DeserializeOwned};

use super::error::StoreError;

const VERSION: u8 = 1;

pub fn encode<T: Serialize>(v: &T) -> Vec<u8> {
    let mut out = vec![VERSION];
    // postcard cannot fail on our types (no maps with non-string keys, no unsized data).
    postcard::to_io(v, &mut out).expect("postcard encodes into a Vec");
    out
}

pub fn decode<T: DeserializeOwned>(bytes: &[u8], what: &'static str) -> Result<T, StoreError> {
    match bytes.split_first() {
        Some((&VERSION, rest)) => postcard::from_bytes(rest).map_err(|e| StoreError::Corrupt(format!("{what}: {e}"))),
        Some((v, _)) => Err(StoreError::Corrupt(format!("{what}: unknown encoding version {v}"))),
        None => Err(StoreError::Corrupt(format!("{what}: empty value"))),
    }
}
