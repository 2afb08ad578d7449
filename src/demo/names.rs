//! Customer names and the ASCII "local parts" used to build their e-mail addresses and
//! channel handles. Chinese names come with their pinyin so addresses look real.

use rand::Rng;

use super::random::pick;
use super::text::Lang;

/// (hanzi, pinyin) surnames.
const ZH_SURNAMES: &[(&str, &str)] = &[
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("吴", "wu"),
    ("周", "zhou"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("林", "lin"),
    ("罗", "luo"),
    ("高", "gao"),
    ("郑", "zheng"),
];

/// (hanzi, pinyin) given names.
const ZH_GIVEN: &[(&str, &str)] = &[
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("强", "qiang"),
    ("丽", "li"),
    ("军", "jun"),
    ("洋", "yang"),
    ("艳", "yan"),
    ("杰", "jie"),
    ("涛", "tao"),
    ("超", "chao"),
    ("秀英", "xiuying"),
    ("晓明", "xiaoming"),
    ("佳怡", "jiayi"),
    ("子轩", "zixuan"),
    ("雨桐", "yutong"),
    ("浩宇", "haoyu"),
    ("思远", "siyuan"),
    ("梦琪", "mengqi"),
    ("建国", "jianguo"),
];

/// English first names WeChat users often pick ("Lily 陈").
const ZH_NICKNAMES: &[&str] = &["Lily", "Kevin", "Amy", "Jack", "Cindy", "Tony", "Vivian", "Leo"];

const EN_FIRST: &[&str] = &[
    "James", "Emily", "Michael", "Sarah", "David", "Jessica", "Daniel", "Olivia", "Chris", "Sophie", "Ryan", "Hannah",
    "Priya", "Arjun", "Grace", "Ethan", "Chloe", "Wei Ling", "Marcus", "Aisha",
];
const EN_LAST: &[&str] = &[
    "Smith", "Johnson", "Brown", "Taylor", "Wilson", "Clarke", "Nguyen", "Tan", "Lim", "Patel", "Walker", "Evans",
    "Murphy", "O'Brien", "Koh", "Campbell", "Reyes", "Thompson",
];

const PT_FIRST: &[&str] = &[
    "Maria", "Ana", "João", "Pedro", "Lucas", "Gabriel", "Juliana", "Fernanda", "Rafael", "Beatriz", "Camila",
    "Mateus", "Larissa", "Thiago", "Carla", "Bruno", "Letícia", "Gustavo",
];
const PT_LAST: &[&str] = &[
    "Souza",
    "Silva",
    "Santos",
    "Oliveira",
    "Pereira",
    "Costa",
    "Rodrigues",
    "Almeida",
    "Ferreira",
    "Lima",
    "Carvalho",
    "Gomes",
    "Ribeiro",
    "Martins",
    "Rocha",
    "Araújo",
];

/// A customer's display name, the name agents greet them with, and an ASCII base for their
/// e-mail and handles.
pub struct PersonName {
    pub display: String,
    pub greeting: String,
    pub ascii: String,
}

/// A random customer name for a language.
pub fn customer(rng: &mut impl Rng, lang: Lang) -> PersonName {
    match lang {
        Lang::Zh => {
            let (s, sp) = pick(rng, ZH_SURNAMES);
            let (g, gp) = pick(rng, ZH_GIVEN);
            if rng.random_bool(0.12) {
                let nick = pick(rng, ZH_NICKNAMES);
                let ascii = format!("{}.{sp}", nick.to_lowercase());
                PersonName { display: format!("{nick} {s}"), greeting: nick.to_string(), ascii }
            } else {
                let display = format!("{s}{g}");
                PersonName { greeting: display.clone(), display, ascii: format!("{sp}.{gp}") }
            }
        }
        Lang::En => {
            let (f, l) = (pick(rng, EN_FIRST), pick(rng, EN_LAST));
            PersonName { display: format!("{f} {l}"), greeting: f.to_string(), ascii: ascii_local(&format!("{f}.{l}")) }
        }
        Lang::Pt => {
            let (f, l) = (pick(rng, PT_FIRST), pick(rng, PT_LAST));
            PersonName { display: format!("{f} {l}"), greeting: f.to_string(), ascii: ascii_local(&format!("{f}.{l}")) }
        }
    }
}

/// Lower-case ASCII for an address local part: accents stripped, spaces and quotes dropped.
pub fn ascii_local(name: &str) -> String {
    name.chars()
        .filter_map(|c| {
            let base = match c {
                'á' | 'à' | 'â' | 'ã' | 'Á' | 'Â' | 'Ã' => 'a',
                'é' | 'ê' | 'É' | 'Ê' => 'e',
                'í' | 'Í' => 'i',
                'ó' | 'ô' | 'õ' | 'Ó' | 'Ô' => 'o',
                'ú' | 'ü' | 'Ú' => 'u',
                'ç' | 'Ç' => 'c',
                'ñ' | 'Ñ' => 'n',
                c if c.is_ascii_alphanumeric() || c == '.' => c.to_ascii_lowercase(),
                _ => return None,
            };
            Some(base)
        })
        .collect()
}
