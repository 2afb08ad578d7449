//! WeChat / WeCom message encryption ("safe mode"): AES-256-CBC with the key
//! Base64(EncodingAESKey + "="), IV = the key's first 16 bytes, PKCS#7 padding
//! to 32-byte blocks; the plaintext is 16 random bytes ‖ 4-byte big-endian
//! length ‖ message ‖ receiver id (AppID or CorpID).

use aes::Aes256;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use base64::engine::{GeneralPurpose, GeneralPurposeConfig};
use cbc::cipher::block_padding::NoPadding;
use cbc::cipher::{BlockDecryptMut, BlockEncryptMut, KeyIvInit};

const BLOCK: usize = 32;

fn key_of(encoding_aes_key: &str) -> Result<[u8; 32], String> {
    // Keys as WeChat issues them (its documented example too) end in non-zero
    // trailing bits, which a strict decoder refuses.
    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
    );
    let key = LENIENT.decode(format!("{encoding_aes_key}=")).map_err(|_| "EncodingAESKey is not Base64".to_string())?;
    key.try_into().map_err(|_| "EncodingAESKey does not decode to 32 bytes".to_string())
}

/// Decrypts an `Encrypt` value; returns the message and the receiver id it names.
pub fn decrypt(encoding_aes_key: &str, encrypted: &str) -> Result<(Vec<u8>, String), String> {
    let key = key_of(encoding_aes_key)?;
    let mut buf = B64.decode(encrypted.trim()).map_err(|_| "Encrypt is not Base64".to_string())?;
    if buf.is_empty() || buf.len() % 16 != 0 {
        return Err("Encrypt is not a whole number of AES blocks".into());
    }
    let dec = cbc::Decryptor::<Aes256>::new(&key.into(), key[..16].into());
    let plain = dec.decrypt_padded_mut::<NoPadding>(&mut buf).map_err(|_| "AES decryption failed".to_string())?;
    let pad = *plain.last().unwrap_or(&0) as usize;
    if pad == 0 || pad > BLOCK || pad > plain.len() {
        return Err("bad padding (wrong EncodingAESKey?)".into());
    }
    let plain = &plain[..plain.len() - pad];
    if plain.len() < 20 {
        return Err("decrypted text is too short".into());
    }
    let len = u32::from_be_bytes(plain[16..20].try_into().expect("4 bytes")) as usize;
    if 20 + len > plain.len() {
        return Err("decrypted length is out of range (wrong EncodingAESKey?)".into());
    }
    let msg = plain[20..20 + len].to_vec();
    let receiver = String::from_utf8_lossy(&plain[20 + len..]).into_owned();
    Ok((msg, receiver))
}

/// Encrypts `msg` for `receiver` (used for WeCom's answers and by tests playing WeChat).
pub fn encrypt(encoding_aes_key: &str, msg: &[u8], receiver: &str, random16: [u8; 16]) -> Result<String, String> {
    let key = key_of(encoding_aes_key)?;
    let mut plain = Vec::with_capacity(20 + msg.len() + receiver.len() + BLOCK);
    plain.extend_from_slice(&random16);
    plain.extend_from_slice(&(msg.len() as u32).to_be_bytes());
    plain.extend_from_slice(msg);
    plain.extend_from_slice(receiver.as_bytes());
    let pad = BLOCK - plain.len() % BLOCK;
    plain.extend(std::iter::repeat_n(pad as u8, pad));
    let len = plain.len();
    let enc = cbc::Encryptor::<Aes256>::new(&key.into(), key[..16].into());
    let out = enc.encrypt_padded_mut::<NoPadding>(&mut plain, len).map_err(|_| "AES encryption failed".to_string())?;
    Ok(B64.encode(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";

    #[test]
    fn a_round_trip_gives_back_the_message_and_receiver() {
        let xml = "<xml><Content><![CDATA[你好]]></Content></xml>";
        let enc = encrypt(KEY, xml.as_bytes(), "wx5823bf96d3bd56c7", [7; 16]).unwrap();
        let (msg, rid) = decrypt(KEY, &enc).unwrap();
        assert_eq!(std::str::from_utf8(&msg).unwrap(), xml);
        assert_eq!(rid, "wx5823bf96d3bd56c7");
        let other = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
        assert!(decrypt(other, &enc).is_err());
        assert!(decrypt(KEY, "not base64 at all").is_err());
    }
}
