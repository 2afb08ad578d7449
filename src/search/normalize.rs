//! Character folding shared by the index, the query and the re-check: case,
//! full-width forms, Latin accents. One input character folds to zero or more
//! characters, so every folded character still knows where it came from.

use unicode_normalization::char::{decompose_canonical, decompose_compatible, is_combining_mark};

/// A folded character and the byte range of the original character it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Folded {
    pub ch: char,
    pub from: usize,
    pub to: usize,
}

/// Folds `text` character by character (see the module comment).
pub fn fold(text: &str) -> Vec<Folded> {
    let mut out = Vec::with_capacity(text.len());
    for (from, c) in text.char_indices() {
        let to = from + c.len_utf8();
        fold_char(c, &mut |ch| out.push(Folded { ch, from, to }));
    }
    out
}

/// Folds a whole string (for query terms and field values).
pub fn fold_str(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, &mut |ch| s.push(ch));
    }
    s
}

fn fold_char(c: char, push: &mut impl FnMut(char)) {
    if c.is_ascii() {
        push(c.to_ascii_lowercase());
        return;
    }
    let cp = c as u32;
    match cp {
        // Full-width ASCII (！ .. ～) and the ideographic space.
        0xFF01..=0xFF5E => push(char::from_u32(cp - 0xFEE0).unwrap_or(c).to_ascii_lowercase()),
        0x3000 => push(' '),
        // Half-width katakana and Hangul: their compatibility forms.
        0xFF61..=0xFFDC => decompose_compatible(c, |d| {
            if !is_combining_mark(d) {
                push(d)
            }
        }),
        _ if is_combining_mark(c) => {}
        _ => {
            for lower in c.to_lowercase() {
                if is_latin_with_marks(lower) {
                    // não = nao: keep the base letter, drop the accents.
                    decompose_canonical(lower, |d| {
                        if !is_combining_mark(d) {
                            push(d)
                        }
                    });
                } else {
                    push(lower);
                }
            }
        }
    }
}

/// Latin, Greek and Cyrillic letters that may carry accents. Hangul is left
/// out on purpose: its canonical decomposition would split every syllable.
fn is_latin_with_marks(c: char) -> bool {
    matches!(c as u32, 0x00C0..=0x024F | 0x0370..=0x04FF | 0x1E00..=0x1FFF)
}

/// Scripts written without spaces between words: indexed character by character.
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF     // Hiragana, Katakana
        | 0x31F0..=0x31FF   // Katakana phonetic extensions
        | 0x3400..=0x4DBF   // CJK extension A
        | 0x4E00..=0x9FFF   // CJK unified ideographs
        | 0xF900..=0xFAFF   // CJK compatibility ideographs
        | 0x1100..=0x11FF   // Hangul jamo
        | 0x3130..=0x318F   // Hangul compatibility jamo
        | 0xAC00..=0xD7AF   // Hangul syllables
        | 0x20000..=0x2FA1F // CJK extensions B..F, compatibility supplement
    )
}

/// Letters and digits of space-separated scripts: parts of a word.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_width_and_accents() {
        assert_eq!(fold_str("NÃO Ação"), "nao acao");
        assert_eq!(fold_str("ＲＥＦＵＮＤ１２３"), "refund123");
        assert_eq!(fold_str("退款　单"), "退款 单");
        assert_eq!(fold_str("ｶﾀｶﾅ"), "カタカナ");
        assert_eq!(fold_str("한국어"), "한국어");
        assert_eq!(fold_str("Straße"), "straße");
    }

    #[test]
    fn folded_chars_keep_their_origin() {
        let f = fold("Aé退");
        assert_eq!(f.iter().map(|x| x.ch).collect::<String>(), "ae退");
        assert_eq!((f[1].from, f[1].to), (1, 3));
        assert_eq!((f[2].from, f[2].to), (3, 6));
    }
}
