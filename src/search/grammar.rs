//! The query language: words (all must match), `"exact phrases"`, `OR`,
//! `-word` to exclude, `prefix*`, and field filters (`agent:a-07
//! channel:whatsapp tag:refund team:cn-care sender:customer kind:note`).
//! The same rules for every script: `退款 -测试` is two words.

use std::fmt;

/// Fields that may be written in the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Agent,
    Team,
    Tag,
    Channel,
    Sender,
    Kind,
}

impl Field {
    pub fn parse(s: &str) -> Option<Field> {
        Some(match s {
            "agent" => Field::Agent,
            "team" => Field::Team,
            "tag" => Field::Tag,
            "channel" => Field::Channel,
            "sender" => Field::Sender,
            "kind" => Field::Kind,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Field::Agent => "agent",
            Field::Team => "team",
            Field::Tag => "tag",
            Field::Channel => "channel",
            Field::Sender => "sender",
            Field::Kind => "kind",
        }
    }

    /// True for the fields of the conversation (they change over its life and
    /// are answered from memory), false for fields of the message itself.
    pub fn of_conversation(self) -> bool {
        matches!(self, Field::Agent | Field::Team | Field::Tag)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    /// A word or an unquoted run written together (`退款单`, `e-mail`).
    Word(String),
    /// A quoted phrase.
    Phrase(String),
    /// `refu*`.
    Prefix(String),
    /// `channel:whatsapp`.
    Filter(Field, String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub negated: bool,
    pub clause: Clause,
}

/// Items joined by AND; each group is one item or several joined by OR.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    pub groups: Vec<Vec<Item>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrammarError(pub String);

impl fmt::Display for GrammarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 1000;

pub fn parse(q: &str) -> Result<Parsed, GrammarError> {
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(GrammarError(format!("the query is longer than {MAX_QUERY_CHARS} characters")));
    }
    let mut groups: Vec<Vec<Item>> = Vec::new();
    let mut pending_or = false;
    let mut rest = q.trim_start();
    while !rest.is_empty() {
        let (raw, quoted, tail) = next_piece(rest)?;
        rest = tail.trim_start();
        if !quoted && raw == "OR" {
            if groups.is_empty() || pending_or {
                return Err(GrammarError("OR needs a word on each side".into()));
            }
            pending_or = true;
            continue;
        }
        let Some(item) = item(&raw, quoted)? else { continue };
        if pending_or {
            let group = groups.last_mut().expect("OR follows a group");
            if item.negated || group.iter().any(|i| i.negated) {
                return Err(GrammarError("an excluded -word cannot be part of an OR".into()));
            }
            group.push(item);
            pending_or = false;
        } else {
            groups.push(vec![item]);
        }
    }
    if pending_or {
        return Err(GrammarError("OR needs a word on each side".into()));
    }
    Ok(Parsed { groups })
}

/// The next piece of the query: `(text, was it quoted, the rest)`. A quote may
/// follow `-` or `field:`; the text then keeps that prefix.
fn next_piece(s: &str) -> Result<(String, bool, &str), GrammarError> {
    let quote_at = s.find('"');
    let space_at = s.find(char::is_whitespace).unwrap_or(s.len());
    if let Some(q) = quote_at
        && q < space_at
    {
        let prefix = &s[..q];
        let after = &s[q + 1..];
        let close = after.find('"').ok_or_else(|| GrammarError("a quote \" is not closed".into()))?;
        let inner = &after[..close];
        return Ok((format!("{prefix}\u{0}{inner}"), true, &after[close + 1..]));
    }
    Ok((s[..space_at].to_string(), false, &s[space_at..]))
}

fn item(raw: &str, quoted: bool) -> Result<Option<Item>, GrammarError> {
    // A quoted piece is `prefix \0 inner`.
    let (head, quoted_text) = match raw.split_once('\u{0}') {
        Some((h, t)) if quoted => (h, Some(t)),
        _ => (raw, None),
    };
    let (negated, head) = match head.strip_prefix('-') {
        Some(h) if !h.is_empty() || quoted_text.is_some() => (true, h),
        _ => (false, head),
    };
    if let Some((name, value)) = head.split_once(':')
        && let Some(field) = Field::parse(&name.to_ascii_lowercase())
    {
        let value = match quoted_text {
            Some(t) if value.is_empty() => t.to_string(),
            _ => value.to_string(),
        };
        if value.trim().is_empty() {
            return Err(GrammarError(format!("{}: needs a value", field.name())));
        }
        return Ok(Some(Item { negated, clause: Clause::Filter(field, value.trim().to_string()) }));
    }
    let clause = match quoted_text {
        Some(t) => {
            if !head.is_empty() {
                // `abc"def"`: the text before the quote is a word of its own, joined.
                Clause::Phrase(format!("{head} {t}"))
            } else {
                Clause::Phrase(t.to_string())
            }
        }
        None => match head.strip_suffix('*') {
            Some(p) if !p.is_empty() && !p.ends_with('*') => Clause::Prefix(p.to_string()),
            _ => Clause::Word(head.trim_matches('*').to_string()),
        },
    };
    let empty = match &clause {
        Clause::Word(w) | Clause::Phrase(w) | Clause::Prefix(w) => super::analyze::terms(w).is_empty(),
        Clause::Filter(..) => false,
    };
    Ok(if empty { None } else { Some(Item { negated, clause }) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(p: &Parsed) -> Vec<Vec<(bool, Clause)>> {
        p.groups.iter().map(|g| g.iter().map(|i| (i.negated, i.clause.clone())).collect()).collect()
    }

    #[test]
    fn words_phrases_or_not_prefix_and_fields() {
        let p =
            parse(r#"退款 -测试 "refund request" invoice OR receipt refu* agent:a-07 -tag:"vip customer""#).unwrap();
        assert_eq!(
            words(&p),
            vec![
                vec![(false, Clause::Word("退款".into()))],
                vec![(true, Clause::Word("测试".into()))],
                vec![(false, Clause::Phrase("refund request".into()))],
                vec![(false, Clause::Word("invoice".into())), (false, Clause::Word("receipt".into()))],
                vec![(false, Clause::Prefix("refu".into()))],
                vec![(false, Clause::Filter(Field::Agent, "a-07".into()))],
                vec![(true, Clause::Filter(Field::Tag, "vip customer".into()))],
            ]
        );
    }

    #[test]
    fn errors_are_explained() {
        assert!(parse("\"open").unwrap_err().0.contains("not closed"));
        assert!(parse("OR x").unwrap_err().0.contains("OR"));
        assert!(parse("x OR").unwrap_err().0.contains("OR"));
        assert!(parse("-x OR y").unwrap_err().0.contains("OR"));
        assert!(parse("agent:").unwrap_err().0.contains("value"));
    }

    #[test]
    fn punctuation_alone_is_no_word_and_unknown_fields_are_text() {
        let p = parse("?? http://x.example").unwrap();
        assert_eq!(words(&p), vec![vec![(false, Clause::Word("http://x.example".into()))]]);
        assert!(parse("-").unwrap().groups.is_empty());
    }
}
