//! How text becomes index terms, the same for documents, queries and the
//! re-check against the store.
//!
//! - Space-separated scripts: one term per word (letters and digits), folded
//!   (see `normalize`), so whole words match and `fund` does not hit `refund`.
//! - Chinese, Japanese kana and Korean: every character starts a term, the
//!   pair it forms with the next character of its run (the last character of
//!   a run stands alone). A query of n ≥ 2 characters is a phrase of pairs
//!   that covers every character, and one character is a prefix (every term
//!   that starts with it), so a query finds exactly the texts that contain it
//!   anywhere, like Ctrl-F.
//! - A separator (space, punctuation) between two terms leaves a one-position
//!   gap, so a phrase matches only what is written together.

use super::normalize::{Folded, fold, is_cjk, is_word_char};

/// Longer words are cut to this many characters (both in the index and in queries).
pub const MAX_WORD_CHARS: usize = 48;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TermKind {
    /// A word of a space-separated script.
    Word,
    /// One CJK character.
    Char,
    /// Two neighbouring CJK characters.
    Pair,
}

/// One term of a text with its position and the bytes of the original text it covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Term {
    pub text: String,
    pub kind: TermKind,
    pub pos: usize,
    pub from: usize,
    pub to: usize,
    /// Where a pair's first character ends (for a prefix match on it); `to` otherwise.
    pub first_to: usize,
}

/// The terms of `text`, in position order.
pub fn terms(text: &str) -> Vec<Term> {
    let folded = fold(text);
    let mut out = Vec::with_capacity(folded.len() / 2 + 2);
    let (mut pos, mut i, mut gap, mut started) = (0usize, 0usize, false, false);
    while i < folded.len() {
        let c = folded[i].ch;
        let cjk = is_cjk(c);
        if !cjk && !is_word_char(c) {
            gap = true;
            i += 1;
            continue;
        }
        if gap && started {
            pos += 1;
        }
        gap = false;
        started = true;
        let start = i;
        if cjk {
            while i < folded.len() && is_cjk(folded[i].ch) {
                i += 1;
            }
            cjk_run(&folded[start..i], &mut pos, &mut out);
        } else {
            while i < folded.len() && is_word_char(folded[i].ch) {
                i += 1;
            }
            let run = &folded[start..i];
            out.push(Term {
                text: run.iter().take(MAX_WORD_CHARS).map(|f| f.ch).collect(),
                kind: TermKind::Word,
                pos,
                from: run[0].from,
                to: run[run.len() - 1].to,
                first_to: run[run.len() - 1].to,
            });
            pos += 1;
        }
    }
    out
}

fn cjk_run(run: &[Folded], pos: &mut usize, out: &mut Vec<Term>) {
    for (k, f) in run.iter().enumerate() {
        match run.get(k + 1) {
            Some(next) => {
                let mut pair = String::with_capacity(8);
                pair.push(f.ch);
                pair.push(next.ch);
                out.push(Term {
                    text: pair,
                    kind: TermKind::Pair,
                    pos: *pos,
                    from: f.from,
                    to: next.to,
                    first_to: f.to,
                });
            }
            None => out.push(Term {
                text: f.ch.to_string(),
                kind: TermKind::Char,
                pos: *pos,
                from: f.from,
                to: f.to,
                first_to: f.to,
            }),
        }
        *pos += 1;
    }
}

/// True when the last term of `text` is a CJK character standing alone at
/// the end (not the end of a longer run): in a document it may be followed
/// by more characters, so it matches as a prefix of the term there.
pub fn ends_with_lone_char(text: &str) -> bool {
    let all = terms(text);
    match all.as_slice() {
        [.., prev, last] => last.kind == TermKind::Char && !(prev.kind == TermKind::Pair && prev.pos + 1 == last.pos),
        [last] => last.kind == TermKind::Char,
        [] => false,
    }
}

/// The fewest terms that pin down `text` exactly, with their offsets from the
/// first: every word, and for a CJK run its single character or pairs that
/// cover every character (overlapping at the end when the length is odd).
pub fn query_terms(text: &str) -> Vec<(usize, String)> {
    let all = terms(text);
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut i = 0;
    while i < all.len() {
        let t = &all[i];
        if t.kind == TermKind::Word {
            out.push((t.pos, t.text.clone()));
            i += 1;
            continue;
        }
        // A CJK run: Pair terms at consecutive positions, then its last Char.
        let start = i;
        while i < all.len() && all[i].kind != TermKind::Word && (i == start || all[i].pos <= all[i - 1].pos + 1) {
            i += 1;
        }
        let run = &all[start..i];
        let chars: Vec<&Term> = run.iter().filter(|t| t.kind == TermKind::Char).collect();
        let pairs: Vec<&Term> = run.iter().filter(|t| t.kind == TermKind::Pair).collect();
        if pairs.is_empty() {
            out.extend(chars.iter().map(|t| (t.pos, t.text.clone())));
            continue;
        }
        let mut k = 0;
        while k < pairs.len() {
            out.push((pairs[k].pos, pairs[k].text.clone()));
            k += 2;
        }
        if pairs.len().is_multiple_of(2) {
            let last = pairs[pairs.len() - 1];
            out.push((last.pos, last.text.clone()));
        }
    }
    let base = out.first().map_or(0, |t| t.0);
    out.into_iter().map(|(p, t)| (p - base, t)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(usize, String)> {
        terms(s).into_iter().map(|t| (t.pos, t.text)).collect()
    }

    #[test]
    fn cjk_is_characters_and_pairs_latin_is_words() {
        let t = texts("申请退款 Refund-123");
        let want: Vec<(usize, String)> = [(0, "申请"), (1, "请退"), (2, "退款"), (3, "款"), (5, "refund"), (7, "123")]
            .iter()
            .map(|(p, s)| (*p, s.to_string()))
            .collect();
        assert_eq!(t, want);
    }

    #[test]
    fn no_gap_between_scripts_written_together() {
        let t = texts("订单号123");
        assert_eq!(t.last().unwrap(), &(3, "123".to_string()));
    }

    #[test]
    fn query_terms_cover_every_character() {
        let q = |s: &str| query_terms(s);
        assert_eq!(q("退"), vec![(0, "退".to_string())]);
        assert_eq!(q("退款"), vec![(0, "退款".to_string())]);
        assert_eq!(q("退款单"), vec![(0, "退款".to_string()), (1, "款单".to_string())]);
        assert_eq!(q("申请退款"), vec![(0, "申请".to_string()), (2, "退款".to_string())]);
        assert_eq!(q("申请退款单"), vec![(0, "申请".to_string()), (2, "退款".to_string()), (3, "款单".to_string())]);
        assert_eq!(q("Não  chegou"), vec![(0, "nao".to_string()), (2, "chegou".to_string())]);
    }

    #[test]
    fn a_lone_last_character_is_a_prefix() {
        assert!(ends_with_lone_char("退"));
        assert!(ends_with_lone_char("iphone订"));
        assert!(ends_with_lone_char("退款 单"));
        assert!(!ends_with_lone_char("退款"));
        assert!(!ends_with_lone_char("订abc"));
    }

    #[test]
    fn offsets_point_into_the_original_text() {
        let text = "Olá 退款";
        let t = terms(text);
        let pair = t.iter().find(|t| t.kind == TermKind::Pair).unwrap();
        assert_eq!(&text[pair.from..pair.to], "退款");
        assert_eq!(&text[t[0].from..t[0].to], "Olá");
    }
}
