//! Message texts: phrasebooks per language, and the slots (order numbers, products,
//! amounts, tracking numbers...) that make each rendered sentence look like a real case.
//!
//! The phrasebooks themselves live in `text_zh.rs`, `text_en.rs` and `text_pt.rs`; they
//! deliberately contain the words managers search for (退款, 发票, 投诉, 地址, refund,
//! invoice, complaint, address, reembolso...) and some mixed Chinese/English.

use rand::Rng;

use super::random::pick;

/// The customer's language: Chinese, English or Portuguese.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Lang {
    Zh,
    En,
    Pt,
}

/// Why the customer got in touch. Decides the team (support or sales) and the phrases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Intent {
    Refund,
    Shipping,
    Invoice,
    Complaint,
    Address,
    Defect,
    Account,
    Presales,
    Quote,
}

impl Intent {
    pub const COUNT: usize = 9;

    /// The conversation tag an agent puts on this kind of case.
    pub fn tag(self) -> &'static str {
        match self {
            Intent::Refund => "refund",
            Intent::Shipping => "shipping",
            Intent::Invoice => "invoice",
            Intent::Complaint => "complaint",
            Intent::Address => "address-change",
            Intent::Defect => "warranty",
            Intent::Account => "payment",
            Intent::Presales => "presales",
            Intent::Quote => "quote",
        }
    }

    /// Sales cases go to a sales team; everything else to support.
    pub fn is_sales(self) -> bool {
        matches!(self, Intent::Presales | Intent::Quote)
    }
}

/// The phrases of one intent, in conversation order.
pub struct Script {
    /// The customer's opening message.
    pub open: &'static [&'static str],
    /// A second customer message right after the opening one (details, order number).
    pub detail: &'static [&'static str],
    /// The agent's first answer.
    pub first: &'static [&'static str],
    /// Customer follow-up questions.
    pub ask: &'static [&'static str],
    /// Agent answers to those.
    pub answer: &'static [&'static str],
    /// The agent's closing message.
    pub close: &'static [&'static str],
    /// Internal notes about such a case.
    pub note: &'static [&'static str],
}

/// Everything one language needs to tell a conversation.
pub struct Phrasebook {
    /// Indexed by `Intent as usize`.
    pub scripts: [Script; Intent::COUNT],
    /// Automatic replies (bot) in chat channels.
    pub bot: &'static [&'static str],
    /// The e-mail auto-acknowledgement.
    pub bot_email: &'static [&'static str],
    /// The customer pinging an unanswered conversation.
    pub nudge: &'static [&'static str],
    pub thanks: &'static [&'static str],
    /// The customer coming back after a resolve.
    pub reopen: &'static [&'static str],
    pub reopen_answer: &'static [&'static str],
    /// The agent's update when it reopens a case itself.
    pub reopen_update: &'static [&'static str],
    /// Sales follow-ups, sent a day or more after the customer went silent.
    pub follow_up: &'static [&'static str],
    pub follow_up_reply: &'static [&'static str],
    /// The agent who received a transfer introduces itself.
    pub handover: &'static [&'static str],
    /// Transfer reasons: triage by ops, escalation, cross-team, shift handover.
    pub reasons: [&'static [&'static str]; 4],
    /// Notes ops agents write while routing.
    pub ops_note: &'static [&'static str],
    /// CSAT comments for scores 1-2, 3 and 4-5.
    pub csat: [&'static [&'static str]; 3],
    /// (sent, corrected) pairs for agent edits; the sent one has a typo slot.
    pub agent_fix: &'static [(&'static str, &'static str)],
    /// (sent, corrected) pairs for customer edits.
    pub customer_fix: &'static [(&'static str, &'static str)],
    /// Customer messages sent by mistake and recalled (撤回).
    pub recall: &'static [&'static str],
    /// Agent messages meant for another conversation, then deleted...
    pub wrong: &'static [&'static str],
    /// ...and the apology that follows.
    pub sorry: &'static [&'static str],
}

/// The phrasebook of a language.
pub fn book(lang: Lang) -> &'static Phrasebook {
    match lang {
        Lang::Zh => &super::text_zh::BOOK,
        Lang::En => &super::text_en::BOOK,
        Lang::Pt => &super::text_pt::BOOK,
    }
}

/// (Chinese, English, Portuguese) product names and a list price in US dollars.
const PRODUCTS: &[(&str, &str, &str, u32)] = &[
    ("无线降噪耳机 X2", "X2 noise-cancelling earbuds", "fone sem fio X2", 129),
    ("智能手表 S3", "S3 smartwatch", "relógio inteligente S3", 199),
    ("空气净化器 P1", "P1 air purifier", "purificador de ar P1", 239),
    ("扫地机器人 R5", "R5 robot vacuum", "aspirador robô R5", 349),
    ("蓝牙音箱 Mini", "Mini Bluetooth speaker", "caixa de som Mini", 59),
    ("充电宝 20000mAh", "20000mAh power bank", "carregador portátil 20000mAh", 39),
    ("电动牙刷 T7", "T7 electric toothbrush", "escova elétrica T7", 49),
    ("智能门锁 L9", "L9 smart lock", "fechadura inteligente L9", 289),
];

const ADDRESSES_ZH: &[&str] = &[
    "上海市浦东新区张江路 88 号 3 栋 1202",
    "北京市朝阳区建国路 99 号 B 座 808",
    "广州市天河区体育西路 123 号 1506",
    "深圳市南山区科技园南区 7 栋 301",
    "杭州市西湖区文三路 256 号 2 单元 702",
    "成都市武侯区天府大道中段 500 号",
];
const ADDRESSES_EN: &[&str] = &[
    "12 Orchard Road, #08-21, Singapore 238826",
    "221 Baker Street, Flat 4, London NW1 6XE",
    "500 Market St, Apt 12B, San Francisco, CA 94105",
    "48 George Street, Level 3, Sydney NSW 2000",
    "77 Atlantic Ave, Brooklyn, NY 11201",
];
const ADDRESSES_PT: &[&str] = &[
    "Rua Augusta, 1500, apto 82, São Paulo - SP",
    "Av. Paulista, 1000, conj. 41, São Paulo - SP",
    "Rua das Flores, 45, Curitiba - PR",
    "Av. Atlântica, 2200, Rio de Janeiro - RJ",
    "Rua da Prata, 120, 3.º Esq., Lisboa",
];

/// The values that fill a template's `{slots}` for one conversation.
pub struct Slots {
    pub order: String,
    /// The order number with two digits swapped: what an edit corrects.
    pub order_typo: String,
    pub product: &'static str,
    pub amount: String,
    pub amount_typo: String,
    pub tracking: String,
    pub address: &'static str,
    pub ticket: String,
    pub qty: u32,
    pub discount: u32,
    /// The customer's first name (or full name for Chinese customers).
    pub customer: String,
    /// The name of the agent currently speaking; set before each agent message.
    pub agent: String,
}

impl Slots {
    pub fn new(rng: &mut impl Rng, lang: Lang, customer: String) -> Slots {
        let order = rng.random_range(10_000_000u32..100_000_000).to_string();
        let (zh, en, pt, usd) = pick(rng, PRODUCTS);
        let qty = pick(rng, &[20, 50, 100, 200, 500]);
        let cents = u64::from(usd) * 100 + u64::from(rng.random_range(0..3u32)) * 50;
        let (product, address, amount, amount_typo, tracking) = match lang {
            Lang::Zh => (zh, pick(rng, ADDRESSES_ZH), cny(cents), cny(cents + 9_000), sf(rng)),
            Lang::En => (en, pick(rng, ADDRESSES_EN), usd_fmt(cents), usd_fmt(cents * 10), ups(rng)),
            Lang::Pt => (pt, pick(rng, ADDRESSES_PT), brl(cents), brl(cents + 10_000), correios(rng)),
        };
        Slots {
            order_typo: swap_digits(&order, rng.random_range(2..7)),
            order,
            product,
            amount,
            amount_typo,
            tracking,
            address,
            ticket: format!("TK-{}", rng.random_range(100_000u32..1_000_000)),
            qty,
            discount: pick(rng, &[3, 5, 8, 10]),
            customer,
            agent: String::new(),
        }
    }

    fn get(&self, key: &str) -> Option<String> {
        Some(match key {
            "order" => self.order.clone(),
            "order_typo" => self.order_typo.clone(),
            "product" => self.product.to_string(),
            "amount" => self.amount.clone(),
            "amount_typo" => self.amount_typo.clone(),
            "tracking" => self.tracking.clone(),
            "address" => self.address.to_string(),
            "ticket" => self.ticket.clone(),
            "qty" => self.qty.to_string(),
            "discount" => self.discount.to_string(),
            "customer" => self.customer.clone(),
            "agent" => self.agent.clone(),
            _ => return None,
        })
    }

    /// Fills the `{slots}` of a template. An unknown slot is left as written (and caught by
    /// the tests).
    pub fn render(&self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 16);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}').and_then(|close| Some((close, self.get(&after[..close])?))) {
                Some((close, value)) => {
                    out.push_str(&value);
                    rest = &after[close + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// Swaps the digit at `at` with the next different one: a plausible typo.
fn swap_digits(s: &str, at: usize) -> String {
    let mut b = s.as_bytes().to_vec();
    if let Some(j) = (at + 1..b.len()).find(|&j| b[j] != b[at]) {
        b.swap(at, j);
    }
    String::from_utf8(b).unwrap_or_else(|_| s.to_string())
}

/// Groups thousands with `sep`: 12345 -> "12,345".
fn thousands(n: u64, sep: char) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

fn cny(usd_cents: u64) -> String {
    let c = usd_cents * 71 / 10;
    format!("¥{}.{:02}", thousands(c / 100, ','), c % 100)
}

fn usd_fmt(cents: u64) -> String {
    format!("${}.{:02}", thousands(cents / 100, ','), cents % 100)
}

fn brl(usd_cents: u64) -> String {
    let c = usd_cents * 53 / 10;
    format!("R$ {},{:02}", thousands(c / 100, '.'), c % 100)
}

fn digits(rng: &mut impl Rng, n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + rng.random_range(0..10u8))).collect()
}

/// SF Express style: SF + 13 digits.
fn sf(rng: &mut impl Rng) -> String {
    format!("SF{}", digits(rng, 13))
}

/// UPS style: 1Z + 16 characters.
fn ups(rng: &mut impl Rng) -> String {
    format!("1Z{}{}", pick(rng, &["A4", "9W", "E7", "X2"]), digits(rng, 14))
}

/// Correios style: two letters, nine digits, BR.
fn correios(rng: &mut impl Rng) -> String {
    format!("{}{}BR", pick(rng, &["LB", "NX", "QB", "OY"]), digits(rng, 9))
}
