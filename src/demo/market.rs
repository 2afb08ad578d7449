//! Who the customers are and how they reach the company: languages, regions (time zone,
//! phone format), channel mix and reasons for contact.
//!
//! Shares are tuned so that the dashboards of a newcomer look like a real mid-size
//! cross-border shop: half the traffic is Chinese (WeChat-heavy), a third English, the rest
//! Brazilian/Portuguese on WhatsApp.

use rand::Rng;

use super::random::{pick, weighted};
use super::text::{Intent, Lang};

/// Where a customer lives. Offsets are fixed (no daylight saving in the demo).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Region {
    China,
    Singapore,
    Sydney,
    London,
    NewYork,
    California,
    Brazil,
    Portugal,
}

impl Region {
    pub fn offset_s(self) -> i32 {
        const H: i32 = 3600;
        match self {
            Region::China | Region::Singapore => 8 * H,
            Region::Sydney => 10 * H,
            Region::London | Region::Portugal => 0,
            Region::NewYork => -5 * H,
            Region::California => -8 * H,
            Region::Brazil => -3 * H,
        }
    }

    /// Sales are split by hemisphere: the Americas go to sales-latam, the rest to sales-apac.
    pub fn americas(self) -> bool {
        matches!(self, Region::NewYork | Region::California | Region::Brazil)
    }

    /// A plausible E.164 mobile number.
    pub fn phone(self, rng: &mut impl Rng) -> String {
        let mut n = |len: u32| rng.random_range(10u64.pow(len - 1)..10u64.pow(len)).to_string();
        match self {
            Region::China => format!("+861{}", n(10)),
            Region::Singapore => format!("+659{}", n(7)),
            Region::Sydney => format!("+614{}", n(8)),
            Region::London => format!("+447{}", n(9)),
            Region::NewYork => format!("+1917{}", n(7)),
            Region::California => format!("+1415{}", n(7)),
            Region::Brazil => format!("+55119{}", n(8)),
            Region::Portugal => format!("+3519{}", n(8)),
        }
    }
}

/// The channels of the demo (all eight of the spec's messaging channels).
#[cfg(test)]
pub const CHANNELS: [&str; 8] =
    ["whatsapp", "wechat", "webchat", "messenger", "instagram", "line", "telegram", "email"];

/// A new customer: language and region, drawn with the demo's traffic shares.
pub fn origin(rng: &mut impl Rng) -> (Lang, Region) {
    let lang = weighted(rng, &[(Lang::Zh, 0.50), (Lang::En, 0.35), (Lang::Pt, 0.15)]);
    let region = match lang {
        Lang::Zh => Region::China,
        Lang::En => weighted(
            rng,
            &[
                (Region::Singapore, 0.25),
                (Region::Sydney, 0.10),
                (Region::London, 0.20),
                (Region::NewYork, 0.30),
                (Region::California, 0.15),
            ],
        ),
        Lang::Pt => weighted(rng, &[(Region::Brazil, 0.9), (Region::Portugal, 0.1)]),
    };
    (lang, region)
}

/// The channel a customer of this language first uses. WeChat only for Chinese customers.
pub fn channel(rng: &mut impl Rng, lang: Lang) -> &'static str {
    let table: &[(&str, f64)] = match lang {
        Lang::Zh => &[
            ("wechat", 40.0),
            ("webchat", 18.0),
            ("whatsapp", 10.0),
            ("email", 10.0),
            ("line", 8.0),
            ("telegram", 6.0),
            ("messenger", 4.0),
            ("instagram", 4.0),
        ],
        Lang::En => &[
            ("whatsapp", 28.0),
            ("webchat", 24.0),
            ("email", 18.0),
            ("messenger", 12.0),
            ("instagram", 8.0),
            ("telegram", 6.0),
            ("line", 4.0),
        ],
        Lang::Pt => &[
            ("whatsapp", 60.0),
            ("instagram", 14.0),
            ("messenger", 8.0),
            ("webchat", 8.0),
            ("email", 6.0),
            ("telegram", 4.0),
        ],
    };
    weighted(rng, table)
}

/// Why this conversation was opened. Business customers (`b2b`) ask for quotes more often.
pub fn intent(rng: &mut impl Rng, b2b: bool) -> Intent {
    if b2b && rng.random_bool(0.5) {
        return pick(rng, &[Intent::Quote, Intent::Invoice]);
    }
    weighted(
        rng,
        &[
            (Intent::Shipping, 20.0),
            (Intent::Refund, 17.0),
            (Intent::Presales, 15.0),
            (Intent::Quote, 8.0),
            (Intent::Invoice, 8.0),
            (Intent::Complaint, 8.0),
            (Intent::Address, 8.0),
            (Intent::Defect, 10.0),
            (Intent::Account, 6.0),
        ],
    )
}

/// Probability that a bot answers first, per channel (chat widgets and e-mail auto-ack most).
pub fn bot_share(channel: &str) -> f64 {
    match channel {
        "webchat" => 0.6,
        "email" => 0.7,
        "whatsapp" | "messenger" | "telegram" => 0.4,
        _ => 0.25,
    }
}
