//! The stored form of a conversation's event index, `Vec<(seq, fingerprint)>`:
//! one byte string of, per event, the zigzag varint of its seq minus the one
//! before, then its fingerprint as 4 little-endian bytes.
//!
//! A conversation's events are close together in the global sequence, so
//! the differences mostly take one or two bytes, where postcard's own
//! encoding of the pairs took about nine (a 4-byte seq, a 5-byte varint of a
//! random fingerprint). At 1M conversations that is about 45 MB less to store
//! and to rewrite at each durable commit of an import.

use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserializer, Serializer};

pub fn serialize<S: Serializer>(events: &[(u64, u32)], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_bytes(&encode(events))
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(u64, u32)>, D::Error> {
    d.deserialize_bytes(IndexVisitor)
}

pub fn encode(events: &[(u64, u32)]) -> Vec<u8> {
    let mut out = Vec::with_capacity(events.len() * 6);
    let mut prev = 0u64;
    for &(seq, fp) in events {
        // Wrapping difference, zigzagged: small either way, exact for any u64.
        let d = seq.wrapping_sub(prev) as i64;
        let mut z = ((d << 1) ^ (d >> 63)) as u64;
        while z >= 0x80 {
            out.push(z as u8 | 0x80);
            z >>= 7;
        }
        out.push(z as u8);
        out.extend_from_slice(&fp.to_le_bytes());
        prev = seq;
    }
    out
}

pub fn decode(mut bytes: &[u8]) -> Result<Vec<(u64, u32)>, &'static str> {
    let mut out = Vec::with_capacity(bytes.len() / 5);
    let mut prev = 0u64;
    while !bytes.is_empty() {
        let mut z = 0u64;
        let mut shift = 0;
        loop {
            let (&b, rest) = bytes.split_first().ok_or("event index: a varint runs past the end")?;
            bytes = rest;
            // The tenth byte holds the last bit of a u64 and nothing more.
            if shift > 63 || (shift == 63 && b > 1) {
                return Err("event index: a varint overflows 64 bits");
            }
            z |= ((b & 0x7f) as u64) << shift;
            shift += 7;
            if b < 0x80 {
                break;
            }
        }
        let d = ((z >> 1) as i64) ^ -((z & 1) as i64);
        let seq = prev.wrapping_add(d as u64);
        let (fp, rest) = bytes.split_first_chunk::<4>().ok_or("event index: a fingerprint runs past the end")?;
        bytes = rest;
        out.push((seq, u32::from_le_bytes(*fp)));
        prev = seq;
    }
    Ok(out)
}

struct IndexVisitor;

impl<'de> Visitor<'de> for IndexVisitor {
    type Value = Vec<(u64, u32)>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an encoded event index")
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Self::Value, E> {
        decode(v).map_err(E::custom)
    }

    // Self-describing formats (JSON) hand the bytes over as a sequence.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut bytes = Vec::new();
        while let Some(b) = seq.next_element::<u8>()? {
            bytes.push(b);
        }
        decode(&bytes).map_err(de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_index_round_trips() {
        let cases: Vec<Vec<(u64, u32)>> = vec![
            vec![],
            vec![(1, 0)],
            vec![(5, 7), (6, u32::MAX), (900, 1), (901_234_567, 42)],
            // Out of order and at the extremes: the differences wrap, and still round-trip.
            vec![(u64::MAX, 1), (0, 2), (u64::MAX / 2, 3), (3, 4), (2, 5)],
        ];
        for events in cases {
            assert_eq!(decode(&encode(&events)).unwrap(), events);
        }
    }

    #[test]
    fn neighbours_in_the_sequence_take_a_few_bytes_each() {
        // Events of one conversation among thousands of others: gaps of tens to thousands.
        let mut seq = 12_000_000u64;
        let events: Vec<(u64, u32)> = (0..100u32)
            .map(|i| {
                seq += [3, 70, 900, 5_000][i as usize % 4];
                (seq, i.wrapping_mul(2_654_435_761))
            })
            .collect();
        let compact = encode(&events).len();
        let before = postcard::to_allocvec(&events).unwrap().len();
        assert!(compact <= 100 * 4 + 100 * 2 + 3, "{compact} bytes");
        assert!(compact * 10 < before * 8, "{compact} against postcard's {before}");
    }

    #[test]
    fn a_damaged_index_is_an_error_not_a_panic() {
        let bytes = encode(&[(10, 1), (20, 2)]);
        assert!(decode(&bytes[..bytes.len() - 1]).is_err());
        assert!(decode(&[0xff; 11]).is_err());
        // Ten varint bytes whose last carries more than the one bit a u64 has left.
        let mut overflowing = vec![0x80; 9];
        overflowing.extend([0x02, 0, 0, 0, 0]);
        assert!(decode(&overflowing).is_err());
        let mut largest = vec![0xff; 9];
        largest.extend([0x01, 0, 0, 0, 0]);
        assert_eq!(decode(&largest).unwrap().len(), 1);
    }

    #[test]
    fn it_round_trips_through_json_too() {
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct W {
            #[serde(with = "super")]
            e: Vec<(u64, u32)>,
        }
        let w = W { e: vec![(3, 9), (40, 1)] };
        assert_eq!(serde_json::from_str::<W>(&serde_json::to_string(&w).unwrap()).unwrap(), w);
        assert_eq!(postcard::from_bytes::<W>(&postcard::to_allocvec(&w).unwrap()).unwrap(), w);
    }
}
