//! The two Tantivy tokenizers of the index: `text` (every term of `analyze`,
//! with positions: what matching uses) and `words` (dictionary words of
//! Chinese by jieba: what ranks whole-word matches first).

use std::sync::{Arc, LazyLock};

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::analyze::MAX_WORD_CHARS;
use super::normalize::{Folded, fold, fold_str, is_cjk, is_word_char};

pub const TEXT: &str = "cl_text";
pub const WORDS: &str = "cl_words";

/// The jieba dictionary loads once (about 0.1 s), on first use.
static JIEBA: LazyLock<Arc<Jieba>> = LazyLock::new(|| Arc::new(Jieba::new()));

/// Tokens computed up front, handed out one by one.
pub struct VecStream {
    tokens: Vec<Token>,
    next: usize,
}

impl TokenStream for VecStream {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.tokens.len()
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next - 1]
    }
}

/// The `text` field's tokenizer: the terms of `analyze::terms`, produced one
/// at a time into one reused token (no allocation per term: this is the
/// hot loop of indexing).
#[derive(Clone, Default)]
pub struct TextTokenizer;

impl Tokenizer for TextTokenizer {
    type TokenStream<'a> = TextStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> TextStream {
        TextStream { folded: fold(text), ..Default::default() }
    }
}

/// A CJK run being emitted: the pair `k, k+1`, or the last character alone.
#[derive(Default)]
struct Run {
    end: usize,
    k: usize,
}

#[derive(Default)]
pub struct TextStream {
    folded: Vec<Folded>,
    i: usize,
    pos: usize,
    gap: bool,
    started: bool,
    run: Option<Run>,
    token: Token,
}

impl TextStream {
    fn emit(&mut self, from: usize, to: usize) {
        let t = &mut self.token;
        t.text.clear();
        for f in &self.folded[from..to] {
            t.text.push(f.ch);
        }
        t.offset_from = self.folded[from].from;
        t.offset_to = self.folded[to - 1].to;
        t.position = self.pos;
    }
}

impl TokenStream for TextStream {
    fn advance(&mut self) -> bool {
        loop {
            if let Some(run) = &mut self.run {
                let k = run.k;
                if k < run.end {
                    run.k += 1;
                    let to = if k + 1 < run.end { k + 2 } else { k + 1 };
                    self.emit(k, to);
                    self.pos += 1;
                    return true;
                }
                self.i = run.end;
                self.run = None;
            }
            let f = &self.folded;
            while self.i < f.len() && !is_cjk(f[self.i].ch) && !is_word_char(f[self.i].ch) {
                self.gap = true;
                self.i += 1;
            }
            if self.i >= f.len() {
                return false;
            }
            if self.gap && self.started {
                self.pos += 1;
            }
            self.gap = false;
            self.started = true;
            let start = self.i;
            let cjk = is_cjk(f[start].ch);
            let mut end = start;
            while end < f.len() && (if cjk { is_cjk(f[end].ch) } else { is_word_char(f[end].ch) }) {
                end += 1;
            }
            if cjk {
                self.run = Some(Run { end, k: start });
                continue;
            }
            let last_to = f[end - 1].to;
            self.emit(start, end.min(start + MAX_WORD_CHARS));
            self.token.offset_to = last_to;
            self.pos += 1;
            self.i = end;
            return true;
        }
    }
    fn token(&self) -> &Token {
        &self.token
    }
    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[derive(Clone)]
pub struct WordsTokenizer {
    jieba: Arc<Jieba>,
}

impl Default for WordsTokenizer {
    fn default() -> Self {
        WordsTokenizer { jieba: JIEBA.clone() }
    }
}

impl Tokenizer for WordsTokenizer {
    type TokenStream<'a> = VecStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecStream {
        let words = dictionary_words(&self.jieba, text);
        let tokens = words
            .into_iter()
            .enumerate()
            .map(|(position, text)| Token { offset_from: 0, offset_to: 0, position, text, position_length: 1 })
            .collect();
        VecStream { tokens, next: 0 }
    }
}

/// The dictionary words of the CJK runs of `text`, cut by jieba (Latin
/// words are whole terms of the text field already).
pub fn words(text: &str) -> Vec<String> {
    dictionary_words(&JIEBA, text)
}

fn dictionary_words(jieba: &Jieba, text: &str) -> Vec<String> {
    if !text.chars().any(is_cjk) {
        return Vec::new();
    }
    let folded = fold_str(text);
    let mut out = Vec::new();
    let mut rest = folded.as_str();
    while let Some(c) = rest.chars().next() {
        let cjk = is_cjk(c);
        if !cjk && !is_word_char(c) {
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let end = rest
            .char_indices()
            .find(|&(_, d)| if cjk { !is_cjk(d) } else { !is_word_char(d) })
            .map_or(rest.len(), |(i, _)| i);
        let run = &rest[..end];
        if cjk {
            out.extend(jieba.cut(run, false).into_iter().map(|t| t.word.to_string()));
        }
        rest = &rest[end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_stream_equals_the_analysis() {
        for text in [
            "申请退款 Refund-123",
            "订单号１２３，退款单！",
            "  a  ",
            "",
            "退",
            "Não chegou 返金を 환불 ok",
            "x退款y z",
        ] {
            let mut tk = TextTokenizer;
            let mut stream = tk.token_stream(text);
            let mut got = Vec::new();
            while stream.advance() {
                let t = stream.token();
                got.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
            }
            let want: Vec<_> =
                super::super::analyze::terms(text).into_iter().map(|t| (t.text, t.pos, t.from, t.to)).collect();
            assert_eq!(got, want, "{text:?}");
        }
    }

    #[test]
    fn jieba_finds_dictionary_words() {
        let w = words("我想申请退款, Refund please");
        assert!(w.contains(&"退款".to_string()), "{w:?}");
        assert!(w.contains(&"申请".to_string()), "{w:?}");
        assert!(!w.contains(&"refund".to_string()), "{w:?}");
        assert!(!w.iter().any(|x| x.contains(',')), "{w:?}");
    }
}
