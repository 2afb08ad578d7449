//! The snippet of a hit: a window of the text around the first match, HTML
//! escaped, with every match in it wrapped in `<mark>…</mark>`.

/// Characters of a snippet, about.
pub const SNIPPET_CHARS: usize = 120;
/// Characters shown before the first match.
const LEAD_CHARS: usize = 30;

pub fn snippet(text: &str, spans: &[(usize, usize)]) -> String {
    let spans = merge(spans);
    let first = spans.first().map_or(0, |s| s.0);
    let start = back_chars(text, first, LEAD_CHARS);
    let end = forward_chars(text, start, SNIPPET_CHARS).max(spans.first().map_or(0, |s| s.1).min(text.len()));
    let mut out = String::with_capacity(end - start + 32);
    if start > 0 {
        out.push('…');
    }
    let mut at = start;
    for &(a, b) in spans.iter().filter(|s| s.1 > start && s.0 < end) {
        let (a, b) = (a.max(start), b.min(end));
        escape(&text[at..a], &mut out);
        out.push_str("<mark>");
        escape(&text[a..b], &mut out);
        out.push_str("</mark>");
        at = b;
    }
    escape(&text[at..end], &mut out);
    if end < text.len() {
        out.push('…');
    }
    out
}

fn merge(spans: &[(usize, usize)]) -> Vec<(usize, usize)> {
    let mut s = spans.to_vec();
    s.sort_unstable();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(s.len());
    for (a, b) in s {
        match out.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => out.push((a, b)),
        }
    }
    out
}

fn back_chars(text: &str, from: usize, n: usize) -> usize {
    text[..from].char_indices().rev().nth(n.saturating_sub(1)).map_or(0, |(i, _)| i)
}

fn forward_chars(text: &str, from: usize, n: usize) -> usize {
    text[from..].char_indices().nth(n).map_or(text.len(), |(i, _)| from + i)
}

fn escape(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_matches_and_escapes_the_rest() {
        let t = "<b>申请退款</b> & 退款单";
        let spans = [(9, 15), (22, 28)];
        assert_eq!(&t[9..15], "退款");
        assert_eq!(snippet(t, &spans), "&lt;b&gt;申请<mark>退款</mark>&lt;/b&gt; &amp; <mark>退款</mark>单");
    }

    #[test]
    fn long_texts_get_a_window_around_the_first_match() {
        let t = format!("{} refund {}", "a ".repeat(200), "b ".repeat(200));
        let at = t.find("refund").unwrap();
        let s = snippet(&t, &[(at, at + 6)]);
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("<mark>refund</mark>"));
        assert!(s.chars().count() < SNIPPET_CHARS + 40);
    }
}
