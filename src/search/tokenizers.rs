//! The two Tantivy tokenizers of the index: `text` (every term of `analyze`,
//! with positions: what matching uses) and `words` (dictionary words of
//! Chinese by jieba, and Latin words: what ranks whole-word matches first).

use std::sync::{Arc, LazyLock};

use jieba_rs::Jieba;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use super::analyze::{MAX_WORD_CHARS, terms};
use super::normalize::{fold_str, is_cjk, is_word_char};

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

#[derive(Clone, Default)]
pub struct TextTokenizer;

impl Tokenizer for TextTokenizer {
    type TokenStream<'a> = VecStream;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> VecStream {
        let tokens = terms(text)
            .into_iter()
            .map(|t| Token { offset_from: t.from, offset_to: t.to, position: t.pos, text: t.text, position_length: 1 })
            .collect();
        VecStream { tokens, next: 0 }
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

/// The words of `text` for ranking: Latin words whole, CJK runs cut by jieba.
pub fn words(text: &str) -> Vec<String> {
    dictionary_words(&JIEBA, text)
}

fn dictionary_words(jieba: &Jieba, text: &str) -> Vec<String> {
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
        } else {
            out.push(run.chars().take(MAX_WORD_CHARS).collect());
        }
        rest = &rest[end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jieba_finds_dictionary_words() {
        let w = words("我想申请退款, Refund please");
        assert!(w.contains(&"退款".to_string()), "{w:?}");
        assert!(w.contains(&"申请".to_string()), "{w:?}");
        assert!(w.contains(&"refund".to_string()), "{w:?}");
        assert!(!w.iter().any(|x| x.contains(',')), "{w:?}");
    }
}
