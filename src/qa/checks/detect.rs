//! Detectors over one message's text: what an agent must not send (a way to
//! reach it off the platform, sensitive data) and the phrases a conversation
//! should hold. Pure functions; the rules (`rules.rs`) decide when they apply.

use std::sync::OnceLock;

use regex::Regex;

fn re(cell: &'static OnceLock<Regex>, pattern: &str) -> &'static Regex {
    cell.get_or_init(|| Regex::new(pattern).expect("a valid built-in pattern"))
}

/// What was found, and where in the text (byte offsets).
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub kind: &'static str,
    pub start: usize,
    pub end: usize,
}

/// Words that make a number an order, tracking or invoice number, not a phone.
const NOT_A_PHONE: &[&str] =
    &["订单", "单号", "运单", "快递", "物流", "发票", "编号", "order", "tracking", "invoice", "ref", "#"];

fn preceded_by(text: &str, at: usize, words: &[&str]) -> bool {
    let before: String = text[..at].chars().rev().take(12).collect::<Vec<_>>().into_iter().rev().collect();
    let lower = before.to_lowercase();
    words.iter().any(|w| lower.contains(w))
}

/// Personal contact details an agent gives a customer: a phone number, a
/// WeChat id, a WhatsApp link, a private e-mail address, a QR or contact card.
pub fn off_platform(text: &str, company_domains: &[String]) -> Vec<Hit> {
    static PHONE: OnceLock<Regex> = OnceLock::new();
    static WECHAT: OnceLock<Regex> = OnceLock::new();
    static WA: OnceLock<Regex> = OnceLock::new();
    static EMAIL: OnceLock<Regex> = OnceLock::new();
    static CARD: OnceLock<Regex> = OnceLock::new();
    let mut out = Vec::new();
    // A Chinese mobile (1[3-9] and 9 digits) or an international number, with separators; not inside a longer number.
    let phone =
        re(&PHONE, r"(?:\+\d{1,3}[\s-]?)?(?:1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}|\(?\d{2,4}\)?[\s-]\d{3,4}[\s-]\d{4})");
    for m in phone.find_iter(text) {
        let digit_before = text[..m.start()].chars().last().is_some_and(|c| c.is_ascii_digit());
        let digit_after = text[m.end()..].chars().next().is_some_and(|c| c.is_ascii_digit());
        // Digit groups running on past the match (a card or account number written in groups) are no phone.
        let run = |s: &str| {
            s.chars().take_while(|c| c.is_ascii_digit() || *c == ' ' || *c == '-').filter(char::is_ascii_digit).count()
        };
        let around = run(&text[m.end()..])
            + text[..m.start()]
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_digit() || *c == ' ' || *c == '-')
                .filter(char::is_ascii_digit)
                .count();
        if !digit_before && !digit_after && around == 0 && !preceded_by(text, m.start(), NOT_A_PHONE) {
            out.push(Hit { kind: "phone", start: m.start(), end: m.end() });
        }
    }
    let wechat = re(
        &WECHAT,
        r"(?i)(?:微信号?|weixin|wechat|vx|v信|wx)\s*(?:号|id)?\s*[:：是为]?\s*([a-zA-Z][-_a-zA-Z0-9]{5,19})",
    );
    for c in wechat.captures_iter(text) {
        let m = c.get(1).expect("group 1");
        out.push(Hit { kind: "wechat_id", start: m.start(), end: m.end() });
    }
    let wa = re(
        &WA,
        r"(?i)(?:https?://)?(?:wa\.me/\+?\d+|api\.whatsapp\.com/send\?phone=\+?\d+|chat\.whatsapp\.com/[A-Za-z0-9]+)",
    );
    for m in wa.find_iter(text) {
        out.push(Hit { kind: "whatsapp_link", start: m.start(), end: m.end() });
    }
    let email = re(&EMAIL, r"[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)");
    for c in email.captures_iter(text) {
        let domain = c.get(1).expect("group 1").as_str().to_ascii_lowercase();
        if !company_domains.iter().any(|d| domain == *d || domain.ends_with(&format!(".{d}"))) {
            let m = c.get(0).expect("group 0");
            out.push(Hit { kind: "private_email", start: m.start(), end: m.end() });
        }
    }
    let card = re(&CARD, r"(?i)(?:二维码|扫码|扫一扫|加我|名片|qr\s?code|scan (?:my|this) code|add me on)");
    for m in card.find_iter(text) {
        out.push(Hit { kind: "contact_card", start: m.start(), end: m.end() });
    }
    out.sort_by_key(|h| h.start);
    out
}

/// The Luhn check of a card number's digits.
pub fn luhn(digits: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, d) in digits.iter().rev().enumerate() {
        let mut v = *d as u32;
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    !digits.is_empty() && sum.is_multiple_of(10)
}

/// The check character of a Chinese resident ID (GB 11643, ISO 7064 MOD 11-2).
pub fn china_id_valid(id: &str) -> bool {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let b = id.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = b[..17].iter().zip(W).map(|(d, w)| (d - b'0') as u32 * w).sum();
    let (y, m, d) = (&id[6..10], &id[10..12], &id[12..14]);
    let date_ok = chrono::NaiveDate::parse_from_str(&format!("{y}-{m}-{d}"), "%Y-%m-%d").is_ok();
    date_ok && b[17].to_ascii_uppercase() == CHECK[(sum % 11) as usize]
}

/// Sensitive data: card numbers (Luhn), Chinese resident IDs (checksum), passwords.
pub fn sensitive(text: &str) -> Vec<Hit> {
    static CARD: OnceLock<Regex> = OnceLock::new();
    static ID: OnceLock<Regex> = OnceLock::new();
    static PW: OnceLock<Regex> = OnceLock::new();
    let mut out = Vec::new();
    for m in re(&CARD, r"\b\d(?:[ -]?\d){12,18}\b").find_iter(text) {
        let digits: Vec<u8> = m.as_str().bytes().filter(u8::is_ascii_digit).map(|b| b - b'0').collect();
        if (13..=19).contains(&digits.len()) && luhn(&digits) {
            out.push(Hit { kind: "card_number", start: m.start(), end: m.end() });
        }
    }
    for m in re(&ID, r"\b\d{17}[\dXx]\b").find_iter(text) {
        if china_id_valid(m.as_str()) {
            out.push(Hit { kind: "china_id", start: m.start(), end: m.end() });
        }
    }
    for c in re(&PW, r"(?i)(?:密码|口令|password|passwd|pwd)\s*(?:是|为|is)?\s*[:：=]?\s*([^\s，。,;；]{4,})")
        .captures_iter(text)
    {
        let m = c.get(1).expect("group 1");
        out.push(Hit { kind: "password", start: m.start(), end: m.end() });
    }
    out.sort_by_key(|h| h.start);
    out
}

/// A greeting, in Chinese or English.
pub fn greets(text: &str) -> bool {
    static G: OnceLock<Regex> = OnceLock::new();
    re(&G, r"(?i)(您好|你好|欢迎|早上好|下午好|晚上好|\bhello\b|\bhi\b|\bhey\b|good (?:morning|afternoon|evening)|thanks? (?:you )?for (?:contacting|reaching)|\bolá\b|\bbom dia\b|\boa tarde\b)").is_match(text)
}

/// A closing, in Chinese or English.
pub fn closes(text: &str) -> bool {
    static C: OnceLock<Regex> = OnceLock::new();
    re(&C, r"(?i)(感谢|谢谢|祝您|再见|还有(?:什么|其他)|有问题随时|\bthank(?:s| you)\b|have a (?:nice|great|good)|anything else|\bbye\b|\bobrigad[oa]\b|\bat[eé] logo\b)").is_match(text)
}

/// Forbidden and abusive words, in Chinese or English.
pub fn abusive(text: &str) -> Vec<Hit> {
    static A: OnceLock<Regex> = OnceLock::new();
    re(&A, r"(?i)(滚蛋|滚开|滚出去|给我滚|傻[逼屄b]|白痴|去死|他妈的?|你妈|废物|神经病|\bstupid\b|\bidiot\b|shut up|\bdamn\b|\bf+u+c+k\w*|\bmoron\b|\bdumb\b)")
        .find_iter(text)
        .map(|m| Hit { kind: "abusive", start: m.start(), end: m.end() })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(h: &[Hit]) -> Vec<&'static str> {
        h.iter().map(|h| h.kind).collect()
    }

    #[test]
    fn personal_contact_details_are_found_in_chinese_and_english() {
        let company = vec!["shop.example.com".to_string()];
        assert_eq!(kinds(&off_platform("加我微信：zhang_san88 私聊", &company)), ["contact_card", "wechat_id"]);
        assert!(off_platform("card 4111 1111 1111 1111", &company).is_empty(), "a card number is not a phone");
        assert_eq!(kinds(&off_platform("我的手机 138 0013 8000，直接打给我", &company)), ["phone"]);
        assert_eq!(kinds(&off_platform("Call me on +44 20 7946 0958 after work", &company)), ["phone"]);
        assert_eq!(kinds(&off_platform("message me at wa.me/5511912345678", &company)), ["whatsapp_link"]);
        assert_eq!(kinds(&off_platform("write to ana.personal@gmail.com", &company)), ["private_email"]);
        assert_eq!(kinds(&off_platform("扫一扫这个二维码", &company)), ["contact_card", "contact_card"]);
        // Tricky: an order number holding a mobile-looking run, a tracking number, the company's own address.
        assert!(off_platform("您的订单号 2026113800138000123 已发货", &company).is_empty());
        assert!(off_platform("订单 13800138000 已取消", &company).is_empty(), "a number named as an order");
        assert!(off_platform("tracking 13912345678", &company).is_empty());
        assert!(off_platform("please write to support@shop.example.com", &company).is_empty());
        assert!(off_platform("您好，请问有什么可以帮您？", &company).is_empty());
    }

    #[test]
    fn card_numbers_need_luhn_and_ids_their_checksum() {
        assert_eq!(kinds(&sensitive("card 4111 1111 1111 1111 exp 12/29")), ["card_number"]);
        assert!(sensitive("card 4111 1111 1111 1112").is_empty(), "fails Luhn");
        assert!(sensitive("订单号 20261105123456789").is_empty(), "17 digits, no Luhn, no ID");
        // 11010519491231002X is the standard's worked example.
        assert_eq!(kinds(&sensitive("身份证 11010519491231002X")), ["china_id"]);
        assert!(sensitive("身份证 110105194912310021").is_empty(), "wrong check digit");
        assert!(sensitive("身份证 110105194913310029").is_empty(), "month 13");
        assert_eq!(kinds(&sensitive("你的密码是：Abc12345")), ["password"]);
        assert_eq!(kinds(&sensitive("temporary password: hunter22")), ["password"]);
        assert!(sensitive("please reset your password in the app").is_empty());
        assert!(luhn(&[4, 0, 1, 2, 8, 8, 8, 8, 8, 8, 8, 8, 1, 8, 8, 1]));
    }

    #[test]
    fn greetings_closings_and_abuse() {
        assert!(greets("您好，这里是客服小王") && greets("Hi Ana, thanks for waiting") && greets("Olá, bom dia"));
        assert!(!greets("订单已发货") && !greets("this is shipping info"));
        assert!(closes("感谢您的耐心，祝您生活愉快") && closes("Anything else I can help with?"));
        assert!(!closes("请提供订单号"));
        assert_eq!(kinds(&abusive("你是白痴吗")), ["abusive"]);
        assert_eq!(kinds(&abusive("Don't be stupid")), ["abusive"]);
        assert!(abusive("This is a stupendous offer").is_empty());
        assert!(abusive("滚动页面到底部").is_empty(), "滚 inside 滚动 is not abuse");
        assert_eq!(kinds(&abusive("你给我滚")), ["abusive"]);
    }
}
