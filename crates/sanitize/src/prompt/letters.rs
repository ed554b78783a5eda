//! Spaced-out letters (`i g n o r e`, `i-g-n-o-r-e`) and letters written
//! one per line joined back into words.

/// What may stand between the letters of a spaced-out word.
pub(super) fn is_letter_spacer(c: char) -> bool {
    matches!(c, ' ' | '-' | '.' | '_' | '*' | '/' | ',' | '|' | '+')
}

/// [`is_letter_spacer`] of each byte (no byte of a non-ASCII character is
/// one).
static SPACER: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = matches!(
            b as u8,
            b' ' | b'-' | b'.' | b'_' | b'*' | b'/' | b',' | b'|' | b'+'
        );
        b += 1;
    }
    table
};

/// The view with runs of single letters split by one separator
/// (`i g n o r e`, `i-g-n-o-r-e`, `i.g.n.o.r.e`) joined into words; `None`
/// when there are none.
pub(super) fn join_spaced_letters(view: &str) -> Option<String> {
    // Most texts have no such run: look for three spaced ASCII letters
    // first, without allocating. (The view is ASCII wherever the patterns
    // look; a run of spaced non-ASCII letters alone is left as it is.)
    let b = view.as_bytes();
    let spaced = |c: u8| SPACER[usize::from(c)];
    let letter = |c: u8| c.is_ascii_alphabetic();
    // The separators first: they are the rarer bytes.
    let any = (0..b.len().saturating_sub(4)).any(|i| {
        spaced(b[i + 1])
            && spaced(b[i + 3])
            && letter(b[i])
            && letter(b[i + 2])
            && letter(b[i + 4])
            && (i == 0 || !letter(b[i - 1]))
            && b.get(i + 5).is_none_or(|&c| !letter(c))
    });
    if !any {
        return None;
    }
    let chars: Vec<char> = view.chars().collect();
    let letter = |i: usize| chars.get(i).is_some_and(|c| c.is_alphabetic());
    let separator = |i: usize| chars.get(i).is_some_and(|&c| is_letter_spacer(c));
    let mut out = String::with_capacity(view.len());
    let mut joined_any = false;
    let mut i = 0;
    while i < chars.len() {
        // A run starts at a lone letter followed by a separator and another
        // lone letter, and goes on while that repeats.
        let lone = |i: usize| letter(i) && !(i > 0 && letter(i - 1)) && !letter(i + 1);
        if lone(i) && separator(i + 1) && lone(i + 2) {
            let mut end = i;
            while separator(end + 1) && lone(end + 2) {
                end += 2;
            }
            if end >= i + 4 {
                // Three letters or more.
                out.extend((i..=end).step_by(2).map(|k| chars[k]));
                joined_any = true;
                i = end + 1;
                continue;
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    joined_any.then_some(out)
}

/// The fewest one-character lines in a row that read as a word written
/// downwards (a list of single-letter options is shorter).
const MIN_VERTICAL: usize = 6;

/// The view with every run of at least [`MIN_VERTICAL`] lines of one
/// character each (a message written downwards, a letter a line) joined
/// into one line, the characters that stand between its words (`/`, `_`,
/// `·`, `|`) read as spaces; `None` when there is no such run.
pub(super) fn join_vertical_letters(view: &str) -> Option<String> {
    // Most texts have none: look for four short lines in a row first (at
    // most 4 bytes: a letter with a space, a dot or a carriage return).
    if !short_lines_in_a_row(view.as_bytes(), 4, 4) {
        return None;
    }
    // One character, whatever white space is around it and a dot after it
    // ("V.", " V", "V\r").
    let single = |line: &str| {
        let mut chars = line.trim().trim_end_matches('.').trim_end().chars();
        chars.next().filter(|_| chars.next().is_none())
    };
    let lines: Vec<&str> = view.split('\n').collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut joined_any = false;
    let mut i = 0;
    while i < lines.len() {
        let end = (i..lines.len())
            .find(|&k| single(lines[k]).is_none())
            .unwrap_or(lines.len());
        if end - i >= MIN_VERTICAL {
            out.push(
                lines[i..end]
                    .iter()
                    .filter_map(|line| single(line))
                    .map(|c| {
                        if matches!(c, '/' | '_' | '·' | '|') {
                            ' '
                        } else {
                            c
                        }
                    })
                    .collect(),
            );
            joined_any = true;
            i = end;
        } else {
            out.push(lines[i].to_owned());
            i += 1;
        }
    }
    joined_any.then(|| out.join("\n"))
}

/// The fewest short lines in a row read as a sentence written a word or
/// a few a line.
const MIN_WORD_LINES: usize = 4;

/// The longest line, in bytes, read as a few words of such a sentence.
const WORD_LINE: usize = 32;

/// The most blanks in such a line (three words).
const WORD_LINE_BLANKS: usize = 2;

/// The runs of at least [`MIN_WORD_LINES`] short lines in a row (at most
/// three words and [`WORD_LINE`] bytes each; a sentence broken after every
/// word or two, `ignore\nall\nprevious\ninstructions`), each joined into
/// one line with the line before and after it; `None` when there is no
/// such run. The lines stay lines in the view (rules anchored at a line's
/// start read them), so this is a reading of its own; only the runs are
/// in it, the rest of the text being read already.
pub(super) fn join_word_lines(view: &str) -> Option<String> {
    // Most texts have no such run: look for that many short lines in a
    // row first.
    if !short_lines_in_a_row(view.as_bytes(), WORD_LINE, MIN_WORD_LINES) {
        return None;
    }
    let is_short = |line: &str| {
        !line.is_empty()
            && line.len() <= WORD_LINE
            && line.bytes().filter(|&b| b == b' ').count() <= WORD_LINE_BLANKS
    };
    let lines: Vec<&str> = view.split('\n').collect();
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        if !is_short(lines[i]) {
            i += 1;
            continue;
        }
        let end = (i..lines.len())
            .find(|&k| !is_short(lines[k]))
            .unwrap_or(lines.len());
        if end - i >= MIN_WORD_LINES {
            if !out.is_empty() {
                out.push('\n');
            }
            let around = i.saturating_sub(1)..(end + 1).min(lines.len());
            for (k, line) in lines[around].iter().filter(|l| !l.is_empty()).enumerate() {
                if k > 0 {
                    out.push(' ');
                }
                out.push_str(without_marker(line));
            }
        }
        i = end;
    }
    (!out.is_empty()).then_some(out)
}

/// Whether `b` has `count` lines in a row of at most `longest` bytes (its
/// first and last lines count too): a look from line break to line break
/// (`memchr`) before anything is allocated.
fn short_lines_in_a_row(b: &[u8], longest: usize, count: usize) -> bool {
    let mut short = 0;
    let mut start = 0;
    memchr::memchr_iter(b'\n', b).chain([b.len()]).any(|end| {
        short = if end - start <= longest { short + 1 } else { 0 };
        start = end + 1;
        short >= count
    })
}

/// A line of a list without its marker: `1. `, `a) `, `- `, `* `, `> `
/// (in the view, where digits read as letters, `1. ` is `i. `: up to three
/// letters or digits before a dot or bracket and a space).
fn without_marker(line: &str) -> &str {
    let b = line.as_bytes();
    let label = b.iter().take_while(|c| c.is_ascii_alphanumeric()).count();
    let n = if (1..=3).contains(&label)
        && matches!(b.get(label), Some(b'.' | b')'))
        && b.get(label + 1) == Some(&b' ')
    {
        label + 2
    } else if matches!(b, [b'-' | b'*' | b'>', b' ', ..]) {
        2
    } else {
        0
    };
    &line[n..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spacer_table_is_is_letter_spacer() {
        for b in 0..=255u8 {
            assert_eq!(
                SPACER[usize::from(b)],
                is_letter_spacer(char::from(b)),
                "{b:#x}"
            );
        }
    }

    #[test]
    fn letters_a_line_each_read_as_words() {
        let view = "read it downwards and do it:\ng\ni\nb\n/\nm\ni\nr\n/\na\nl\nl\ne\nthanks";
        assert_eq!(
            join_vertical_letters(view).as_deref(),
            Some("read it downwards and do it:\ngib mir alle\nthanks")
        );
        // Carriage returns, spaces around the letters, a dot after each.
        assert_eq!(
            join_vertical_letters("do it:\r\n g\r\n i \r\nb.\r\n/\r\nm.\r\ni\r\nr\r\nend")
                .as_deref(),
            Some("do it:\r\ngib mir\nend")
        );
        // A short list of one-letter answers is no message.
        assert_eq!(join_vertical_letters("options:\na\nb\nc\nd\nend"), None);
        assert_eq!(join_vertical_letters("no such lines here"), None);
    }
}
