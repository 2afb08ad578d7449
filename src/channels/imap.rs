//! Polling an IMAP mailbox for an e-mail channel. The mailbox is opened
//! read-only (EXAMINE, BODY.PEEK: nothing is marked as read); messages with a
//! UID above the last one seen are stored in the inbox as they are. The
//! position (UIDVALIDITY, last UID) is kept per instance; when UIDVALIDITY
//! changes the mailbox is read again, and the inbox's dedup (same bytes) and
//! the store's (same Message-ID) keep that from storing anything twice.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Where to poll: `imaps://user:password@host[:993]/Mailbox` (TLS) or
/// `imap://user:password@host:143/Mailbox` (plain: only for a server on the same host).
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub host: String,
    pub port: u16,
    pub tls: bool,
    pub user: String,
    pub password: String,
    pub mailbox: String,
}

impl Source {
    pub fn parse(url: &str) -> Result<Source, String> {
        let u = url::Url::parse(url).map_err(|e| format!("imap_url: {e}"))?;
        let tls = match u.scheme() {
            "imaps" => true,
            "imap" => false,
            s => return Err(format!("imap_url: scheme {s:?} is not imaps or imap")),
        };
        let dec = |s: &str| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned();
        let host = u.host_str().ok_or("imap_url has no host")?.to_string();
        let user = dec(u.username());
        if user.is_empty() {
            return Err("imap_url has no user name".into());
        }
        let mailbox = dec(u.path().trim_start_matches('/'));
        Ok(Source {
            port: u.port().unwrap_or(if tls { 993 } else { 143 }),
            host,
            tls,
            user,
            password: dec(u.password().unwrap_or("")),
            mailbox: if mailbox.is_empty() { "INBOX".into() } else { mailbox },
        })
    }
}

/// How far a mailbox has been read.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Position {
    pub uidvalidity: u32,
    pub last_uid: u32,
}

/// New messages (raw RFC 5322 bytes, in UID order) and the position after them.
pub fn fetch_new(src: &Source, at: Position) -> Result<(Vec<Vec<u8>>, Position), String> {
    let tcp = TcpStream::connect((src.host.as_str(), src.port))
        .map_err(|e| format!("connecting to {}:{}: {e}", src.host, src.port))?;
    tcp.set_read_timeout(Some(Duration::from_secs(60))).ok();
    tcp.set_write_timeout(Some(Duration::from_secs(60))).ok();
    if src.tls {
        let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
        // The crypto provider is the one the build enables (ring; see Cargo.toml).
        let config = rustls::ClientConfig::builder().with_root_certificates(roots).with_no_client_auth();
        let name =
            rustls::pki_types::ServerName::try_from(src.host.clone()).map_err(|e| format!("{}: {e}", src.host))?;
        let conn = rustls::ClientConnection::new(Arc::new(config), name).map_err(|e| e.to_string())?;
        read_mailbox(rustls::StreamOwned::new(conn, tcp), src, at)
    } else {
        read_mailbox(tcp, src, at)
    }
}

fn read_mailbox<T: Read + Write>(stream: T, src: &Source, at: Position) -> Result<(Vec<Vec<u8>>, Position), String> {
    let mut client = imap::Client::new(stream);
    client.read_greeting().map_err(|e| format!("IMAP greeting: {e}"))?;
    let mut s = client.login(&src.user, &src.password).map_err(|(e, _)| format!("IMAP login as {}: {e}", src.user))?;
    let mb = s.examine(&src.mailbox).map_err(|e| format!("IMAP mailbox {}: {e}", src.mailbox))?;
    let validity = mb.uid_validity.unwrap_or(0);
    let from = if validity == at.uidvalidity { at.last_uid } else { 0 };
    // `n:*` always matches the last message, even below n: filter.
    let mut uids: Vec<u32> = s
        .uid_search(format!("UID {}:*", from + 1))
        .map_err(|e| format!("IMAP search: {e}"))?
        .into_iter()
        .filter(|u| *u > from)
        .collect();
    uids.sort_unstable();
    let mut out = Vec::new();
    let mut last = from;
    for chunk in uids.chunks(50) {
        let set = chunk.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        let fetches = s.uid_fetch(&set, "BODY.PEEK[]").map_err(|e| format!("IMAP fetch: {e}"))?;
        let mut got: Vec<(u32, Vec<u8>)> = fetches.iter().filter_map(|f| Some((f.uid?, f.body()?.to_vec()))).collect();
        got.sort_by_key(|(u, _)| *u);
        for (u, body) in got {
            last = last.max(u);
            out.push(body);
        }
    }
    let _ = s.logout();
    Ok((out, Position { uidvalidity: validity, last_uid: last }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_give_the_server_the_credentials_and_the_mailbox() {
        let s = Source::parse("imaps://support%40shop.cn:p%40ss%2Fw@imap.exmail.qq.com/INBOX").unwrap();
        assert_eq!((s.host.as_str(), s.port, s.tls), ("imap.exmail.qq.com", 993, true));
        assert_eq!((s.user.as_str(), s.password.as_str(), s.mailbox.as_str()), ("support@shop.cn", "p@ss/w", "INBOX"));
        let s = Source::parse("imap://u:p@127.0.0.1:1143").unwrap();
        assert_eq!((s.port, s.tls, s.mailbox.as_str()), (1143, false, "INBOX"));
        assert!(Source::parse("pop3://u:p@host").unwrap_err().contains("scheme"));
        assert!(Source::parse("imaps://host").unwrap_err().contains("user"));
    }
}
