//! Quoted phrases: a phrase inside quotation marks is more often
//! discussed than meant, and counts for less.

use std::ops::Range;

/// How much a match inside quotation marks counts.
pub(super) const QUOTED_FACTOR: f32 = 0.4;

/// Byte spans between pairs of quotes: double (straight, curly,
/// guillemets, „) or single (straight or curly, opening after a space or at
/// the start and closing before a non-letter, so that the apostrophes of
/// "don't" and "l'IA" open and close nothing).
pub(super) fn quoted_spans(view: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut double = None;
    let mut single = None;
    let mut prev: Option<char> = None;
    let mut chars = view.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let next = chars.peek().map(|&(_, n)| n);
        match c {
            '"' | '“' | '”' | '«' | '»' | '„' => match double {
                Some(start) if c != '„' => {
                    spans.push(start..i + c.len_utf8());
                    double = None;
                }
                None => double = Some(i),
                Some(_) => {}
            },
            '\'' | '‘' | '’' => {
                let opens = prev.is_none_or(|p| p.is_whitespace() || "([{:".contains(p));
                let closes = next.is_none_or(|n| !n.is_alphanumeric());
                match single {
                    Some(start) if closes => {
                        spans.push(start..i + c.len_utf8());
                        single = None;
                    }
                    None if opens && c != '’' => single = Some(i),
                    _ => {}
                }
            }
            _ => {}
        }
        prev = Some(c);
    }
    spans
}
