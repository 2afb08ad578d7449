//! The directory: the agents (fixed roster in five teams) and the contacts (created as
//! conversations arrive, some of them returning on several channels).

use std::collections::BTreeMap;

use rand::Rng;
use serde_json::{Map, Value, json};

use super::clock::DAY_MS;
use super::market::{self, Region};
use super::names::{self, PersonName};
use super::random::pick;
use super::text::Lang;

/// The five teams of the demo, each with one role of the spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Team {
    CnCare,
    GlobalCare,
    SalesApac,
    SalesLatam,
    Ops,
}

impl Team {
    pub fn name(self) -> &'static str {
        match self {
            Team::CnCare => "cn-care",
            Team::GlobalCare => "global-care",
            Team::SalesApac => "sales-apac",
            Team::SalesLatam => "sales-latam",
            Team::Ops => "ops",
        }
    }

    pub fn role(self) -> &'static str {
        match self {
            Team::CnCare | Team::GlobalCare => "support",
            Team::SalesApac | Team::SalesLatam => "sales",
            Team::Ops => "ops",
        }
    }

    pub fn is_sales(self) -> bool {
        self.role() == "sales"
    }
}

use Lang::{En, Pt, Zh};
use Team::{CnCare, GlobalCare, Ops, SalesApac, SalesLatam};

/// (id, name, e-mail local part, team, languages, speed factor, share of the team's load).
/// Speeds and loads differ on purpose so agent rankings on the dashboards are not flat.
type Row = (&'static str, &'static str, &'static str, Team, &'static [Lang], f64, f64);
const ROSTER: &[Row] = &[
    ("a-01", "王芳", "wang.fang", CnCare, &[Zh, En], 0.8, 1.3),
    ("a-02", "李娜", "li.na", CnCare, &[Zh], 1.0, 1.0),
    ("a-03", "张伟", "zhang.wei", CnCare, &[Zh], 1.25, 0.9),
    ("a-04", "刘洋", "liu.yang", CnCare, &[Zh, En], 0.9, 1.1),
    ("a-05", "陈静", "chen.jing", CnCare, &[Zh], 1.1, 1.0),
    ("a-06", "杨磊", "yang.lei", CnCare, &[Zh], 1.5, 0.8),
    ("a-07", "黄婷", "huang.ting", CnCare, &[Zh, En], 0.95, 1.2),
    ("a-08", "赵敏", "zhao.min", CnCare, &[Zh], 1.3, 0.7),
    ("a-09", "Lucas Oliveira", "lucas.oliveira", GlobalCare, &[Pt, En], 0.85, 1.2),
    ("a-10", "Camila Rodrigues", "camila.rodrigues", GlobalCare, &[Pt, En], 1.0, 1.0),
    ("a-11", "Mateo Fernández", "mateo.fernandez", GlobalCare, &[En], 1.2, 1.0),
    ("a-12", "Valentina Gómez", "valentina.gomez", GlobalCare, &[En], 0.9, 1.1),
    ("a-13", "林晓东", "lin.xiaodong", GlobalCare, &[En, Zh], 1.05, 1.0),
    ("a-14", "Beatriz Costa", "beatriz.costa", GlobalCare, &[Pt, En], 1.4, 0.8),
    ("a-15", "Diego Martínez", "diego.martinez", GlobalCare, &[En], 1.0, 0.9),
    ("a-16", "周杰", "zhou.jie", SalesApac, &[Zh, En], 0.9, 1.3),
    ("a-17", "吴佳怡", "wu.jiayi", SalesApac, &[Zh, En], 1.1, 1.0),
    ("a-18", "徐浩然", "xu.haoran", SalesApac, &[Zh], 1.3, 0.8),
    ("a-19", "孙雪", "sun.xue", SalesApac, &[Zh, En], 1.0, 0.9),
    ("a-20", "Rafael Almeida", "rafael.almeida", SalesLatam, &[Pt, En], 0.9, 1.2),
    ("a-21", "Juliana Pereira", "juliana.pereira", SalesLatam, &[Pt, En], 1.1, 1.0),
    ("a-22", "Santiago López", "santiago.lopez", SalesLatam, &[En, Pt], 1.2, 0.9),
    ("a-23", "Fernanda Lima", "fernanda.lima", SalesLatam, &[Pt], 1.0, 0.8),
    ("a-24", "郭明", "guo.ming", Ops, &[Zh, En], 0.9, 1.0),
    ("a-25", "Ana Carvalho", "ana.carvalho", Ops, &[Pt, En], 1.0, 1.0),
    ("a-26", "何子涵", "he.zihan", Ops, &[Zh, En], 1.1, 0.8),
];

/// The agent who leaves the company: deactivated at the end of the output, history kept.
const LEAVER: &str = "a-05";
/// The agent who joined during the window (replacing the leaver).
const NEWCOMER: &str = "a-08";

/// One agent of the roster, with the period in which it takes new conversations.
pub struct Agent {
    pub id: &'static str,
    pub name: &'static str,
    email: &'static str,
    pub team: Team,
    langs: &'static [Lang],
    pub speed: f64,
    load: f64,
    from_ms: i64,
    until_ms: i64,
}

/// The roster, with the leaver's and the newcomer's dates set from the end of the window.
pub struct Agents {
    pub all: Vec<Agent>,
}

impl Agents {
    pub fn new(end_ms: i64) -> Agents {
        let all = ROSTER
            .iter()
            .map(|&(id, name, email, team, langs, speed, load)| Agent {
                id,
                name,
                email,
                team,
                langs,
                speed,
                load,
                from_ms: if id == NEWCOMER { end_ms - 40 * DAY_MS } else { i64::MIN },
                until_ms: if id == LEAVER { end_ms - 35 * DAY_MS } else { i64::MAX },
            })
            .collect();
        Agents { all }
    }

    /// Takes new work at `at`: joined, and not within a week of leaving (so that a
    /// conversation it starts is over before it goes).
    fn available(a: &Agent, at: i64) -> bool {
        a.from_ms <= at && at.saturating_add(7 * DAY_MS) < a.until_ms
    }

    /// An agent of `team` for a customer of `lang` at `at`, weighted by usual load; never
    /// `except` (the current holder, for transfers).
    pub fn pick(&self, rng: &mut impl Rng, team: Team, lang: Lang, at: i64, except: Option<usize>) -> usize {
        let ok = |i: usize, a: &Agent, speaks: bool| {
            Some(i) != except && a.team == team && Self::available(a, at) && (!speaks || a.langs.contains(&lang))
        };
        for speaks in [true, false] {
            let cands: Vec<(usize, f64)> =
                (self.all.iter().enumerate()).filter(|&(i, a)| ok(i, a, speaks)).map(|(i, a)| (i, a.load)).collect();
            if !cands.is_empty() {
                return super::random::weighted(rng, &cands);
            }
        }
        (0..self.all.len()).find(|&i| Some(i) != except).unwrap_or(0)
    }

    /// Directory records, one per agent.
    pub fn records(&self) -> impl Iterator<Item = Value> + '_ {
        self.all.iter().map(|a| {
            json!({
                "type": "agent", "id": a.id, "name": a.name,
                "email": format!("{}@example.com", a.email),
                "role": a.team.role(), "team": a.team.name(),
            })
        })
    }

    /// The update record that deactivates the leaver, emitted after everything else.
    pub fn departure(&self) -> Value {
        json!({"type": "agent", "id": LEAVER, "active": false})
    }
}

/// A customer of the company.
pub struct Contact {
    pub id: String,
    pub name: PersonName,
    pub lang: Lang,
    pub region: Region,
    /// The channel of its first conversation, where it mostly comes back.
    primary: &'static str,
    email: String,
    /// (channel, handle) in order of first use.
    handles: Vec<(&'static str, String)>,
    pub tags: Vec<&'static str>,
}

impl Contact {
    pub fn is_b2b(&self) -> bool {
        self.tags.contains(&"b2b")
    }
    pub fn is_vip(&self) -> bool {
        self.tags.contains(&"vip")
    }
}

/// All contacts, plus per-region pools to pick returning customers from: half of the time
/// any past customer, half of the time by past visits (a contact who came back once is
/// more likely to come back again), which gives a long but bounded tail of regulars.
#[derive(Default)]
pub struct Contacts {
    pub list: Vec<Contact>,
    /// Per region: (distinct contacts, one entry per visit).
    pools: BTreeMap<Region, (Vec<usize>, Vec<usize>)>,
}

impl Contacts {
    /// The contact behind a new conversation and the channel it writes on.
    pub fn visit(&mut self, rng: &mut impl Rng, lang: Lang, region: Region) -> (usize, &'static str) {
        let (members, visits) = self.pools.entry(region).or_default();
        let returning = !members.is_empty() && rng.random_bool(0.38);
        let (idx, channel) = if returning {
            let idx = if rng.random_bool(0.5) { pick(rng, members) } else { pick(rng, visits) };
            let c = &self.list[idx];
            let ch = if rng.random_bool(0.75) { c.primary } else { market::channel(rng, c.lang) };
            (idx, ch)
        } else {
            let idx = self.list.len();
            let primary = market::channel(rng, lang);
            let name = names::customer(rng, lang);
            let domain = pick(rng, &["example.com", "example.net", "example.org"]);
            let suffix = if rng.random_bool(0.4) { rng.random_range(1..100).to_string() } else { String::new() };
            let email = format!("{}{suffix}@{domain}", name.ascii);
            let tags = match rng.random::<f64>() {
                x if x < 0.05 => vec!["vip"],
                x if x < 0.11 => vec!["b2b"],
                x if x < 0.12 => vec!["vip", "b2b"],
                _ => vec![],
            };
            self.list.push(Contact {
                id: format!("k-{:05}", 1001 + idx),
                name,
                lang,
                region,
                primary,
                email,
                handles: Vec::new(),
                tags,
            });
            (idx, primary)
        };
        if !returning {
            members.push(idx);
        }
        visits.push(idx);
        if !self.list[idx].handles.iter().any(|(ch, _)| *ch == channel) {
            let h = handle(rng, &self.list[idx], channel);
            self.list[idx].handles.push((channel, h));
        }
        (idx, channel)
    }

    /// Directory records, one per contact.
    pub fn records(&self) -> impl Iterator<Item = Value> + '_ {
        self.list.iter().map(|c| {
            let handles: Map<String, Value> =
                c.handles.iter().map(|(ch, h)| (ch.to_string(), Value::from(h.as_str()))).collect();
            let mut v = json!({"type": "contact", "id": c.id, "name": c.name.display, "handles": handles});
            if !c.tags.is_empty() {
                v["tags"] = json!(c.tags);
            }
            v
        })
    }
}

fn alnum(rng: &mut impl Rng, n: usize, alphabet: &[u8]) -> String {
    (0..n).map(|_| char::from(alphabet[rng.random_range(0..alphabet.len())])).collect()
}

/// How the channel identifies this customer.
fn handle(rng: &mut impl Rng, c: &Contact, channel: &str) -> String {
    const LOWER: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    const HEX: &[u8] = b"0123456789abcdef";
    let base = c.name.ascii.replace('.', "_");
    match channel {
        "whatsapp" => c.region.phone(rng),
        "wechat" => format!("wxid_{}", alnum(rng, 14, LOWER)),
        "messenger" => format!("{}{}", rng.random_range(1..10), alnum(rng, 15, b"0123456789")),
        "instagram" => format!("@{base}{}", rng.random_range(1..1000)),
        "line" => format!("U{}", alnum(rng, 32, HEX)),
        "telegram" => format!("@{base}"),
        _ => c.email.clone(), // e-mail, and web chat's pre-chat form asks for an e-mail
    }
}
