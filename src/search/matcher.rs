//! A parsed query compiled to terms, and its evaluation on one text read back
//! from the store: the re-check that every hit really matches, and the
//! byte ranges to highlight.

use std::collections::HashMap;

use super::analyze::{Term, TermKind, ends_with_lone_char, query_terms, terms};
use super::grammar::{Clause, Field, Parsed};
use super::normalize::{fold_str, is_cjk};
use super::tokenizers::words;

#[derive(Debug, Clone, PartialEq)]
pub enum Cond {
    /// Terms at fixed offsets from each other (a word, a phrase, a CJK run).
    Text { terms: Vec<(usize, String)>, ranking_words: Vec<String> },
    /// Terms, the last of which is a word prefix.
    Prefix { head: Vec<(usize, String)>, last: (usize, String) },
    /// A filter, its value folded.
    Filter(Field, String),
}

impl Cond {
    pub fn is_conversation_filter(&self) -> bool {
        matches!(self, Cond::Filter(f, _) if f.of_conversation())
    }
}

/// Groups joined by AND (each one of its conditions), and conditions that must not hold.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Compiled {
    pub groups: Vec<Vec<Cond>>,
    pub excluded: Vec<Cond>,
}

pub fn compile(parsed: &Parsed) -> Compiled {
    let mut c = Compiled::default();
    for group in &parsed.groups {
        let conds: Vec<Cond> = group.iter().map(|i| cond(&i.clause)).collect();
        if group.iter().all(|i| i.negated) {
            c.excluded.extend(conds);
        } else {
            c.groups.push(conds);
        }
    }
    c
}

fn cond(clause: &Clause) -> Cond {
    match clause {
        Clause::Word(w) | Clause::Phrase(w) => text_cond(w),
        Clause::Prefix(p) => {
            let mut t = query_terms(p);
            let last_is_word = p.chars().last().is_some_and(|c| !is_cjk(c)) && t.last().is_some();
            if last_is_word {
                let last = t.pop().expect("checked");
                Cond::Prefix { head: t, last }
            } else {
                // A CJK text already matches anywhere, like a word.
                text_cond(p)
            }
        }
        Clause::Filter(f, v) => Cond::Filter(*f, fold_str(v)),
    }
}

fn text_cond(w: &str) -> Cond {
    let mut terms = query_terms(w);
    if ends_with_lone_char(w)
        && let Some(last) = terms.pop()
    {
        // A lone last character: any term that starts with it (see `analyze`).
        return Cond::Prefix { head: terms, last };
    }
    let has_cjk = w.chars().any(is_cjk);
    Cond::Text { terms, ranking_words: if has_cjk { words(w) } else { Vec::new() } }
}

/// What the re-check knows about a candidate besides its text.
pub struct Facts<'a> {
    pub channel: &'a str,
    pub sender: &'a str,
    /// `message`, `note`, `subject` or `attachment` (a revision is a message).
    pub kind: &'a str,
    pub agents: &'a [String],
    pub tags: &'a [String],
    pub teams: &'a [String],
}

/// The terms of one text, by term.
pub struct TextTerms {
    all: Vec<Term>,
    by_text: HashMap<String, Vec<usize>>,
}

impl TextTerms {
    pub fn new(text: &str) -> TextTerms {
        let all = terms(text);
        let mut by_text: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, t) in all.iter().enumerate() {
            by_text.entry(t.text.clone()).or_default().push(i);
        }
        TextTerms { all, by_text }
    }

    fn at(&self, pos: usize, text: &str) -> Option<&Term> {
        self.by_text.get(text)?.iter().map(|&i| &self.all[i]).find(|t| t.pos == pos)
    }

    /// Byte ranges where the terms stand at their offsets.
    fn sequence(&self, seq: &[(usize, String)], prefix_last: Option<&(usize, String)>) -> Vec<(usize, usize)> {
        let mut spans = Vec::new();
        let anchor: Vec<&Term> = match seq.first() {
            Some((_, t)) => self.by_text.get(t).map(|v| v.iter().map(|&i| &self.all[i]).collect()).unwrap_or_default(),
            // Only a prefix: every term is a candidate.
            None => self.all.iter().collect(),
        };
        'each: for a in anchor {
            let base = match seq.first() {
                Some((off, _)) => a.pos as isize - *off as isize,
                None => a.pos as isize - prefix_last.map_or(0, |l| l.0) as isize,
            };
            let (mut from, mut to) = (usize::MAX, 0);
            for (off, t) in seq {
                let Some(m) = usize::try_from(base + *off as isize).ok().and_then(|p| self.at(p, t)) else {
                    continue 'each;
                };
                from = from.min(m.from);
                to = to.max(m.to);
            }
            if let Some((off, p)) = prefix_last {
                let Ok(pos) = usize::try_from(base + *off as isize) else { continue };
                let Some(m) = self.all.iter().find(|t| t.pos == pos && t.text.starts_with(p.as_str())) else {
                    continue;
                };
                from = from.min(m.from);
                // A CJK character is the start of a pair: mark only the character.
                to = to.max(if m.kind == TermKind::Pair { m.first_to } else { m.to });
            }
            spans.push((from, to));
        }
        spans
    }
}

impl Compiled {
    pub fn has_text(&self) -> bool {
        self.groups.iter().flatten().any(|c| !matches!(c, Cond::Filter(..)))
    }

    pub fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.excluded.is_empty()
    }

    /// None when the text and facts do not satisfy the query; else the byte
    /// ranges of the text the query's words matched (possibly none).
    pub fn check(&self, text: &TextTerms, facts: &Facts<'_>) -> Option<Vec<(usize, usize)>> {
        let mut spans = Vec::new();
        for group in &self.groups {
            let mut any = false;
            for c in group {
                if let Some(s) = eval(c, text, facts) {
                    any = true;
                    spans.extend(s);
                }
            }
            if !any {
                return None;
            }
        }
        if self.excluded.iter().any(|c| eval(c, text, facts).is_some()) {
            return None;
        }
        spans.sort_unstable();
        spans.dedup();
        Some(spans)
    }
}

fn eval(c: &Cond, text: &TextTerms, facts: &Facts<'_>) -> Option<Vec<(usize, usize)>> {
    let yes = |b: bool| if b { Some(Vec::new()) } else { None };
    match c {
        Cond::Text { terms, .. } => Some(text.sequence(terms, None)).filter(|s| !s.is_empty()),
        Cond::Prefix { head, last } => Some(text.sequence(head, Some(last))).filter(|s| !s.is_empty()),
        Cond::Filter(f, v) => match f {
            Field::Channel => yes(facts.channel == v),
            Field::Sender => yes(facts.sender == v),
            Field::Kind => yes(facts.kind == v || (v == "revision" && facts.kind == "message")),
            Field::Agent => yes(facts.agents.iter().any(|a| fold_str(a) == *v)),
            Field::Tag => yes(facts.tags.iter().any(|a| fold_str(a) == *v)),
            Field::Team => yes(facts.teams.iter().any(|a| fold_str(a) == *v)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::super::grammar::parse;
    use super::*;

    fn facts() -> Facts<'static> {
        Facts { channel: "wechat", sender: "customer", kind: "message", agents: &[], tags: &[], teams: &[] }
    }

    fn check(q: &str, text: &str) -> Option<Vec<String>> {
        let c = compile(&parse(q).unwrap());
        c.check(&TextTerms::new(text), &facts()).map(|s| s.iter().map(|&(a, b)| text[a..b].to_string()).collect())
    }

    #[test]
    fn chinese_matches_as_substring_and_spans_point_at_it() {
        assert_eq!(check("退款", "我要申请退款单"), Some(vec!["退款".to_string()]));
        assert_eq!(check("请退款单", "我要申请退款单"), Some(vec!["请退款单".to_string()]));
        assert_eq!(check("退款单", "退款 单"), None);
        assert_eq!(check("退", "不退"), Some(vec!["退".to_string()]));
        assert_eq!(check("退*", "申请退款"), Some(vec!["退".to_string()]));
        assert_eq!(check("申请退", "我要申请退款"), Some(vec!["申请退".to_string()]));
    }

    #[test]
    fn latin_words_are_whole_and_folded() {
        assert_eq!(check("nao", "Não chegou"), Some(vec!["Não".to_string()]));
        assert_eq!(check("fund", "refund please"), None);
        assert_eq!(check("refu*", "Refunded twice"), Some(vec!["Refunded".to_string()]));
        assert_eq!(check("\"refund request\"", "a refund, request"), Some(vec!["refund, request".to_string()]));
    }

    #[test]
    fn or_not_and_filters() {
        assert!(check("invoice OR receipt", "your receipt").is_some());
        assert!(check("refund -test", "refund test").is_none());
        assert!(check("refund channel:wechat", "refund").is_some());
        assert!(check("refund channel:line", "refund").is_none());
        assert!(check("refund -channel:wechat", "refund").is_none());
    }
}
