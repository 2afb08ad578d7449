//! Reads lines of bounded length from a stream, so a 10 MB line (or a file
//! with no newline at all) never makes memory grow.

use std::io::{self, BufRead};

pub enum Line {
    /// A complete line, without its `\n` (and `\r`).
    Ok,
    /// Longer than the limit; its bytes were skipped.
    TooLong(u64),
}

/// Reads the next line into `buf`. Returns `None` at end of input.
pub fn read_line(r: &mut impl BufRead, buf: &mut Vec<u8>, max: usize) -> io::Result<Option<Line>> {
    buf.clear();
    let mut total: u64 = 0;
    let mut too_long = false;
    let mut any = false;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            break;
        }
        any = true;
        let (part, done) = match memchr(chunk) {
            Some(i) => (&chunk[..i], Some(i + 1)),
            None => (chunk, None),
        };
        total += part.len() as u64;
        if !too_long {
            if buf.len() + part.len() > max {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(part);
            }
        }
        let consumed = done.unwrap_or(chunk.len());
        r.consume(consumed);
        if done.is_some() {
            break;
        }
    }
    if !any {
        return Ok(None);
    }
    if too_long {
        return Ok(Some(Line::TooLong(total)));
    }
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(Line::Ok))
}

fn memchr(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_skipped_whole_and_the_next_line_survives() {
        let mut data = vec![b'x'; 100];
        data.extend_from_slice(b"\nshort\r\nlast");
        let mut r = io::BufReader::with_capacity(16, &data[..]);
        let mut buf = Vec::new();
        assert!(matches!(read_line(&mut r, &mut buf, 50).unwrap(), Some(Line::TooLong(100))));
        assert!(matches!(read_line(&mut r, &mut buf, 50).unwrap(), Some(Line::Ok)));
        assert_eq!(buf, b"short");
        assert!(matches!(read_line(&mut r, &mut buf, 50).unwrap(), Some(Line::Ok)));
        assert_eq!(buf, b"last");
        assert!(read_line(&mut r, &mut buf, 50).unwrap().is_none());
    }
}
