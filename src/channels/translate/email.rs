//! E-mail (RFC 5322 / MIME, channels.md §8), parsed with mail-parser.
//!
//! Thread key: the first id of `References`, else `In-Reply-To`, else the
//! message's own `Message-ID` (else a hash of the raw message). A message
//! from the instance's own address (`account_id`) is the business's own
//! (sent from another mail client); any other is the customer's. Quoted
//! history is cut from the text and kept in the event as `quoted`.

use mail_parser::{HeaderValue, MessageParser, MimeHeaders};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::{Ctx, From, Msg, Out, attachment};

pub fn translate(ctx: &Ctx, raw: &[u8], out: &mut Out) -> Result<(), String> {
    let msg = MessageParser::default().parse(raw).ok_or("not an e-mail message")?;
    if msg.headers().is_empty() {
        return Err("not an e-mail message (no headers)".into());
    }
    if let Some(a) = msg.header_raw("Auto-Submitted").map(str::trim).filter(|a| !a.eq_ignore_ascii_case("no")) {
        out.ignore(format!("automatic message (Auto-Submitted: {a})"));
        return Ok(());
    }
    if msg.content_type().is_some_and(|c| {
        c.ctype().eq_ignore_ascii_case("multipart") && c.subtype().is_some_and(|s| s.eq_ignore_ascii_case("report"))
    }) {
        out.ignore("a delivery or read report");
        return Ok(());
    }
    let own_id = msg.message_id().map(str::to_string);
    let message_id = own_id.clone().unwrap_or_else(|| format!("sha256:{}", hex::encode(Sha256::digest(raw))));
    let references = ids(msg.references());
    let in_reply_to = ids(msg.in_reply_to());
    let thread = references.first().or(in_reply_to.first()).cloned().unwrap_or_else(|| message_id.clone());
    let ts = msg.date().map(|d| d.to_timestamp() * 1000).unwrap_or(ctx.received);

    let from = msg.from().and_then(|a| a.first());
    // A From without an address ("From: foo") still names someone.
    let address = from.and_then(|a| a.address().or(a.name())).unwrap_or("").trim().to_ascii_lowercase();
    let name = decoded_header(raw, "From")
        .map(|f| display_name(&f))
        .or_else(|| from.and_then(|a| a.name()).map(str::to_string));
    let subject = decoded_header(raw, "Subject").or_else(|| msg.subject().map(str::to_string));

    let body = msg.body_text(0).map(|b| b.replace("\r\n", "\n")).unwrap_or_default();
    let (text, quoted) = split_quoted(&body);
    let attachments: Vec<Value> = msg
        .attachments()
        .map(|p| {
            let mime = p.content_type().map(|c| match c.subtype() {
                Some(s) => format!("{}/{s}", c.ctype()),
                None => c.ctype().to_string(),
            });
            attachment(Some(p.attachment_name().unwrap_or("attachment")), mime.as_deref(), Some(p.len() as u64), None)
        })
        .collect();

    let mut email = Map::new();
    email.insert("message_id".into(), message_id.clone().into());
    email.insert("from".into(), address.clone().into());
    let to: Vec<Value> =
        msg.to().into_iter().flat_map(|a| a.iter()).filter_map(|a| a.address()).map(Value::from).collect();
    email.insert("to".into(), to.into());
    if !references.is_empty() {
        email.insert("references".into(), references.clone().into());
    }
    if let Some(r) = in_reply_to.first() {
        email.insert("in_reply_to".into(), r.clone().into());
    }
    let mut extra = Map::new();
    if let Some(s) = subject.filter(|s| !s.is_empty()) {
        extra.insert("subject".into(), s.into());
    }
    if let Some(q) = quoted {
        extra.insert("quoted".into(), q.into());
    }
    extra.insert("email".into(), Value::Object(email));

    let ours = ctx
        .cfg
        .account_id
        .as_deref()
        .is_some_and(|own| own.split(',').any(|o| o.trim().eq_ignore_ascii_case(&address)));
    let contact = if address.is_empty() { String::new() } else { format!("email:{address}") };
    let from = if ours {
        From::Business
    } else {
        if !address.is_empty() {
            out.contact(ctx, &contact, name.as_deref(), &address);
        }
        From::Customer { contact: &contact }
    };
    out.message(ctx, Msg { conv: &thread, id: &message_id, ts, from, text: Some(text), attachments, extra });
    Ok(())
}

/// Message ids of a header, without angle brackets.
fn ids(v: &HeaderValue) -> Vec<String> {
    let list: Vec<&str> = match v {
        HeaderValue::Text(t) => vec![t.as_ref()],
        HeaderValue::TextList(l) => l.iter().map(|s| s.as_ref()).collect(),
        _ => vec![],
    };
    list.iter()
        .flat_map(|s| s.split_whitespace())
        .map(|s| s.trim_matches(|c| c == '<' || c == '>' || c == ',').to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A header whose raw value is 8-bit but not UTF-8 (mail that breaks RFC 2047,
/// like the Tencent notice in the fixtures), decoded in the message's own
/// charset, else GB18030. `None` when the header is ASCII or UTF-8: then
/// mail-parser's decoding (RFC 2047 and all) is the right one.
fn decoded_header(raw: &[u8], name: &str) -> Option<String> {
    let head_end = find(raw, b"\r\n\r\n").or_else(|| find(raw, b"\n\n")).unwrap_or(raw.len());
    let head = &raw[..head_end];
    let mut value: Option<Vec<u8>> = None;
    for line in head.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        match &mut value {
            Some(v) if line.first().is_some_and(|b| *b == b' ' || *b == b'\t') => {
                v.push(b' ');
                v.extend_from_slice(line.trim_ascii());
            }
            Some(_) => break,
            None => {
                if line.len() > name.len()
                    && line[..name.len()].eq_ignore_ascii_case(name.as_bytes())
                    && line[name.len()] == b':'
                {
                    value = Some(line[name.len() + 1..].trim_ascii().to_vec());
                }
            }
        }
    }
    let value = value?;
    if std::str::from_utf8(&value).is_ok() {
        return None;
    }
    let label = charset_of(head).unwrap_or_else(|| "gb18030".into());
    let enc = encoding_rs::Encoding::for_label(label.as_bytes()).unwrap_or(encoding_rs::GB18030);
    // gb2312 labels map to GBK in encoding_rs; GB18030 is its superset and decodes more.
    let enc = if enc == encoding_rs::GBK { encoding_rs::GB18030 } else { enc };
    Some(enc.decode(&value).0.into_owned())
}

fn charset_of(head: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(head).to_ascii_lowercase();
    let at = text.find("charset=")? + "charset=".len();
    let rest = text[at..].trim_start_matches('"');
    Some(rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect())
}

fn find(h: &[u8], n: &[u8]) -> Option<usize> {
    h.windows(n.len()).position(|w| w == n)
}

/// `"Name" <addr>` → `Name`.
fn display_name(from: &str) -> String {
    let name = from.split('<').next().unwrap_or(from).trim().trim_matches('"').trim();
    if name.is_empty() { from.trim().to_string() } else { name.to_string() }
}

/// Splits a reply into what the sender wrote and the history it quotes: from
/// the first attribution line ("On … wrote:", "在 … 写道："), original-message
/// separator, or `>`-quoted line on.
pub fn split_quoted(body: &str) -> (String, Option<String>) {
    let lines: Vec<&str> = body.lines().collect();
    let cut = lines.iter().position(|l| {
        let t = l.trim();
        t.starts_with('>')
            || (t.starts_with("On ") && t.ends_with("wrote:"))
            || ((t.starts_with('在') || t.starts_with("于")) && (t.ends_with("写道：") || t.ends_with("写道:")))
            || t.starts_with("-----Original Message-----")
            || t.starts_with("-----原始邮件-----")
            || t.starts_with("------------------ 原始邮件 ------------------")
    });
    match cut {
        Some(i) if i > 0 || lines.len() > 1 => {
            let own = lines[..i].join("\n").trim_end().to_string();
            let quoted = lines[i..].join("\n").trim().to_string();
            if own.is_empty() {
                // All quote (a bare forward): keep it as the text.
                (body.trim().to_string(), None)
            } else {
                (own, Some(quoted).filter(|q| !q.is_empty()))
            }
        }
        _ => (body.trim().to_string(), None),
    }
}

/// Splits an mbox file into messages: a `From ` line starts one only at the
/// start or after a blank line, and only when a header follows it (mboxes in
/// the wild leave "From " unescaped in bodies).
pub fn split_mbox(data: &[u8]) -> Vec<&[u8]> {
    let mut starts = Vec::new();
    let mut pos = 0;
    let mut prev_blank = true;
    while pos < data.len() {
        let end = data[pos..].iter().position(|&b| b == b'\n').map_or(data.len(), |i| pos + i + 1);
        let line = &data[pos..end];
        if prev_blank && line.starts_with(b"From ") && looks_like_header(&data[end..]) {
            starts.push((pos, end));
        }
        prev_blank = line.trim_ascii().is_empty();
        pos = end;
    }
    let mut out = Vec::new();
    for (i, &(_, body_start)) in starts.iter().enumerate() {
        let stop = starts.get(i + 1).map_or(data.len(), |s| s.0);
        let mut m = &data[body_start..stop];
        while let Some(rest) = m.strip_suffix(b"\n") {
            m = rest.strip_suffix(b"\r").unwrap_or(rest);
        }
        out.push(m);
    }
    out
}

fn looks_like_header(rest: &[u8]) -> bool {
    let line = rest.split(|&b| b == b'\n').next().unwrap_or(b"");
    match line.iter().position(|&b| b == b':') {
        Some(i) if i > 0 => line[..i].iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-'),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_history_is_split_off_in_english_and_chinese() {
        let (own, q) = split_quoted("Thanks, that works.\n\nOn Tue, 3 Nov 2026, Ana wrote:\n> Try again\n");
        assert_eq!(own, "Thanks, that works.");
        assert!(q.unwrap().starts_with("On Tue"));
        let (own, q) = split_quoted("好的，谢谢\n\n在 2026年11月3日 周二 10:00，客服 写道：\n> 请重试\n");
        assert_eq!(own, "好的，谢谢");
        assert!(q.unwrap().contains("请重试"));
        assert_eq!(split_quoted("no quote here").0, "no quote here");
    }

    #[test]
    fn an_unescaped_from_in_a_body_does_not_start_a_message() {
        let mbox = b"From a@b Sun Aug  7 11:40:37 2022\nFrom: a\nSubject: one\n\nHello\n\nFrom time to time\n\nFrom b@c Mon Aug  8 10:00:00 2022\nFrom: b\nSubject: two\n\nBye\n";
        let msgs = split_mbox(mbox);
        assert_eq!(msgs.len(), 2);
        assert!(msgs[0].ends_with(b"From time to time"));
        assert!(msgs[1].starts_with(b"From: b"));
    }
}
