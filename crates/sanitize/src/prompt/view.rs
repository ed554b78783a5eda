//! The detection view: tag characters decoded, invisible characters
//! dropped, NFKC, confusable skeletons, no diacritics, lower case,
//! leetspeak read as letters; with the tables and memo that keep it fast.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use unicode_normalization::UnicodeNormalization;

use regex::Regex;

use crate::chars::{escape_sequence_len_within, is_combining, is_invisible_format};

/// The detection view of ASCII text: lower case, leetspeak read as letters.
pub(super) fn ascii_view(text: &str) -> String {
    let mut view = Vec::with_capacity(text.len());
    push_ascii_view(text.as_bytes(), &mut view);
    into_string(view)
}

/// Every ASCII byte's view, as a byte: lower case, leetspeak read as a
/// letter, as [`leet`] reads it (a test holds the two equal); the other
/// bytes map to themselves, and are never looked up.
static LEET_ASCII: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let lower = (b as u8).to_ascii_lowercase();
        table[b] = match lower {
            b'0' => b'o',
            b'1' | b'!' => b'i',
            b'3' => b'e',
            b'4' | b'@' => b'a',
            b'5' | b'$' => b's',
            b'7' => b't',
            c => c,
        };
        b += 1;
    }
    table
};

/// Appends the view of `ascii` (ASCII bytes only) to `view`, a table
/// lookup a byte.
pub(super) fn push_ascii_view(ascii: &[u8], view: &mut Vec<u8>) {
    debug_assert!(ascii.is_ascii());
    view.extend(ascii.iter().map(|&b| LEET_ASCII[usize::from(b)]));
}

/// How many bytes at the start of `b` are ASCII, read eight at a time: a
/// web page or a letter in a Latin script is ASCII but for a character
/// every line or word, and a test of each byte was a tenth of its view.
pub(super) fn ascii_prefix(b: &[u8]) -> usize {
    let mut words = b.chunks_exact(8);
    let mut n = 0;
    for word in &mut words {
        let word = u64::from_le_bytes(word.try_into().unwrap_or([0x80; 8]));
        let high = word & 0x8080_8080_8080_8080;
        if high != 0 {
            return n + (high.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + words
        .remainder()
        .iter()
        .take_while(|b| b.is_ascii())
        .count()
}

/// The bytes of a view, built from valid UTF-8 pieces, as a `String`.
fn into_string(view: Vec<u8>) -> String {
    // Never fails: every piece pushed is whole UTF-8 (ASCII, or a `str`);
    // should it, the bad bytes are replaced rather than panic.
    String::from_utf8(view).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The readings of a text the detectors scan.
pub(super) struct Views {
    /// The text as a page or a terminal shows it: invisible characters
    /// and control codes dropped, the words around them joined
    /// (`ig\u{200b}nore` reads `ignore`).
    pub(super) view: String,
    /// The span of decoded tag characters (the view's tail), or an empty
    /// span when invisible characters that hide something were dropped.
    pub(super) hidden: Option<Range<usize>>,
    /// Other readings, each different from [`view`](Self::view): every
    /// invisible character and control code it drops read as a blank
    /// instead (they stand between words as spaces do:
    /// `you\u{200b}are\u{200b}now`, `forget\x1b[0meverything`); and, where
    /// an escape sequence takes text a model reads as text (`\x1b[Ignore`,
    /// whose `I` a terminal takes as the sequence's last byte; a window
    /// title), with that text kept: a string's introducer read as a blank,
    /// a sequence's all but its last byte; where backspaces overstrike
    /// (`Ignorex\x08all`), as a terminal shows it; and where escapes are
    /// written out as text (`^[[0m`, `\033[0m`), with each a blank. Empty
    /// when the text has none of these.
    pub(super) others: Vec<String>,
}

/// The view the detectors read, and the span of any decoded tag
/// characters: [`Views::view`] and [`Views::hidden`].
pub(super) fn detection_view(input: &str) -> (String, Option<Range<usize>>) {
    let (view, hidden, _) = if has_controls(input.as_bytes()) {
        reading(&controls_replaced(input, "", Codes::Joined).text, false)
    } else {
        reading(input, false)
    };
    (view, hidden)
}

/// Every reading of `input`.
pub(super) fn detection_views(input: &str) -> Views {
    let controls = has_controls(input.as_bytes());
    let (joined, between, hides_text) = if controls {
        let joined = controls_replaced(input, "", Codes::Joined);
        (Cow::Owned(joined.text), joined.between, joined.hides_text)
    } else {
        (Cow::Borrowed(input), false, false)
    };
    let (view, hidden, spaceable) = reading(&joined, false);
    // Read again only where it may read differently: a control code
    // before a line break, a zero-width space beside a blank, are the same
    // either way.
    let mut others = Vec::new();
    if between {
        others.push(reading(&controls_replaced(input, " ", Codes::Whole).text, true).0);
    } else if spaceable {
        others.push(reading(&joined, true).0);
    }
    // Each of these read with a blank where the code stood (it stood
    // between words: `Ignore\x1b[all`) and without (inside a word:
    // `Ign\x1b(ore`, whose `o` a terminal takes as the sequence's end).
    let both = [" ", ""];
    // A reading with `blank` where each code stood reads invisible
    // characters as blanks too; one without, as nothing.
    let mut read = |text: &str, blank: &str| others.push(reading(text, !blank.is_empty()).0);
    if hides_text {
        for blank in both {
            read(&controls_replaced(input, blank, Codes::Literal).text, blank);
        }
    }
    // Backspaces as a terminal shows them: each takes back the character
    // before it, which the next one overwrites (`Ignorex\x08all`,
    // `DisreQ\x08gard`, `I\x08Ig\x08g`). The view, what a model reads,
    // keeps both.
    if controls && memchr::memchr(0x08, input.as_bytes()).is_some() {
        for blank in both {
            read(
                &controls_replaced(input, blank, Codes::Overstruck).text,
                blank,
            );
        }
    }
    if may_hold_written_escapes(input) {
        for blank in both {
            if let Cow::Owned(text) = WRITTEN_ESCAPE.replace_all(input, blank) {
                // What the pattern replaces is printable: the text has
                // control codes where the input has.
                if controls {
                    let codes = if blank.is_empty() {
                        Codes::Joined
                    } else {
                        Codes::Whole
                    };
                    read(&controls_replaced(&text, blank, codes).text, blank);
                } else {
                    read(&text, blank);
                }
            }
        }
    }
    others.retain(|other| *other != view);
    others.dedup();
    Views {
        view,
        hidden,
        others,
    }
}

/// Whether `b` holds a control code other than the blanks and line breaks:
/// an ASCII one (NUL, backspace, escape, the information separators, DEL)
/// or a C1 control other than NEL (0xC2 and a byte under 0xA0). Read eight
/// bytes at a time: a word with a byte under 0x20, DEL or 0xC2 in it (a
/// line break, `«`, a no-break space) is looked at byte by byte.
fn has_controls(b: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Whether a byte of `x` is zero (exact as to whether there is one).
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH != 0;
    let control_at = |i: usize| control_len(b, i) > 0;
    let mut start = 0;
    for word in b.chunks_exact(8) {
        let x = u64::from_le_bytes(word.try_into().unwrap_or([b'a'; 8]));
        let low = x.wrapping_sub(ONES * 0x20) & !x & HIGH != 0;
        if (low || zero_byte(x ^ (ONES * 0x7f)) || zero_byte(x ^ (ONES * 0xc2)))
            && (start..start + 8).any(control_at)
        {
            return true;
        }
        start += 8;
    }
    (start..b.len()).any(control_at)
}

/// Whether an ASCII byte is a control code of [`has_controls`].
fn is_control(b: u8) -> bool {
    (b < b'\t') | (b.wrapping_sub(0x0e) < 0x20 - 0x0e) | (b == 0x7f)
}

/// The length of the control character at `i` of `b` (1 for ASCII, 2 for
/// C1), or 0 if there is none.
fn control_len(b: &[u8], i: usize) -> usize {
    if is_control(b[i]) {
        1
    } else if b[i] == 0xc2 && b.get(i + 1).is_some_and(|&y| y < 0xa0 && y != 0x85) {
        2
    } else {
        0
    }
}

/// `input` with each control code of [`has_controls`] replaced by
/// `blank`: a whole escape sequence (CSI however long, OSC and the other
/// strings, `ESC` and a character or a character set's name, in their 7-
/// and 8-bit forms, as [`safe_log_message`](crate::safe_log_message)
/// removes them) as one code, a run of backspaces as one, any other
/// control character alone. Every code is ASCII or C1, so the cuts fall
/// between characters.
///
/// Also says whether a sequence takes text that a model reads as text: a
/// string's body (a window title, a link), or a last byte that is a letter
/// before another letter (`\x1b[Ignore`, `\x1b[0Ignore`, `\x1bMall`). With
/// [`Codes::Literal`], such a string loses only its introducer, and such a
/// sequence all but its last byte.
fn controls_replaced(input: &str, blank: &str, codes: Codes) -> Replaced {
    let literal = codes == Codes::Literal;
    let b = input.as_bytes();
    let mut out = String::with_capacity(input.len());
    let (mut hides_text, mut between) = (false, false);
    let (mut copied, mut i) = (0, 0);
    while i < b.len() {
        let len = control_len(b, i);
        if len == 0 {
            i += 1;
            continue;
        }
        out.push_str(&input[copied..i]);
        let backspaces = b[i..].iter().take_while(|&&c| c == 0x08).count();
        if codes == Codes::Overstruck {
            for _ in 0..backspaces {
                if out.ends_with('\n') || out.pop().is_none() {
                    break;
                }
            }
        }
        let before = out.as_bytes().last().copied();
        out.push_str(blank);
        // How a sequence starts, and whether it is a string (OSC, DCS,
        // SOS, PM, APC), whose body runs to a terminator.
        let (introducer, string) = match &b[i..] {
            [0x1b, b'[', ..] | [0xc2, 0x9b, ..] => (2, false),
            [0x1b, b']' | b'P' | b'X' | b'^' | b'_', ..]
            | [0xc2, 0x9d | 0x90 | 0x98 | 0x9e | 0x9f, ..] => (2, true),
            [0x1b, ..] => (1, false),
            _ => (0, false),
        };
        let whole = match &b[i..] {
            // A single shift takes the character it shows.
            [0x1b, b'N' | b'O', ..] => {
                2 + input[i + 2..]
                    .chars()
                    .next()
                    .filter(|c| !c.is_control() && !c.is_whitespace())
                    .map_or(0, char::len_utf8)
            }
            // A terminal reads a sequence's parameters to its last byte
            // however many there are.
            _ if introducer > 0 => {
                escape_sequence_len_within(&input[i..], usize::MAX).unwrap_or(len)
            }
            _ => backspaces.max(len),
        };
        let end = i + whole;
        let last = input[i..end].chars().next_back();
        let takes_text = whole > len
            && if string {
                let terminator = if b[end - 1] == 0x07 { 1 } else { 2 };
                whole > introducer + terminator
            } else {
                last.is_some_and(char::is_alphabetic)
                    && input[end..].chars().next().is_some_and(char::is_alphabetic)
            };
        hides_text |= takes_text;
        between |= before.is_some_and(|c| !is_line_blank(c))
            && b.get(end).is_some_and(|&c| !is_line_blank(c));
        // In the view, a character set chosen or a single shift is `ESC`
        // and the byte after it, as a model reads it: a letter after them
        // stays where it is (`Ign\x1b(ore`, `Tr\x1bNaduis`).
        let shown = match &b[i..] {
            [0x1b, b' '..=b'/' | b'N' | b'O', ..] if codes == Codes::Joined => i + 2,
            _ => end,
        };
        i = match (literal && takes_text, string) {
            (false, _) => shown,
            // A string's body is text.
            (true, true) => i + introducer,
            // The last character is a word's first letter.
            (true, false) => end - last.map_or(1, char::len_utf8),
        };
        copied = i;
    }
    out.push_str(&input[copied..]);
    Replaced {
        text: out,
        hides_text,
        between,
    }
}

/// What [`controls_replaced`] makes of the codes it replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Codes {
    /// Each replaced whole, but a character set chosen or a single shift
    /// is `ESC` and the byte after it: the view, what a model reads
    /// (`Ign\x1b(ore` reads `Ignore`).
    Joined,
    /// Each replaced whole.
    Whole,
    /// Text a sequence takes kept: a string's body, a sequence's last
    /// byte where it is a word's first letter.
    Literal,
    /// A run of backspaces takes back as many characters before it (not
    /// past a line's start), as a terminal overstrikes them.
    Overstruck,
}

/// What [`controls_replaced`] made of a text.
struct Replaced {
    /// The text, its control codes replaced.
    text: String,
    /// Whether a sequence takes text that a model reads as text.
    hides_text: bool,
    /// Whether a control code stands between two characters that are
    /// neither blanks nor line breaks (where a blank reads differently).
    between: bool,
}

/// An escape sequence written out as text (`^[[0m`, `\x1b[1;31m`,
/// `\033[0m`, `\e[K`, `\u001b[2J`, `<ESC>[0m`, `&#27;[0m`, `␛[0m`,
/// `^[(B`): a log or a terminal's output pasted as it was printed, or
/// source code. A model reads past them as it reads past the codes
/// themselves, so they are read as blanks and as nothing too.
static WRITTEN_ESCAPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?:\^\[|␛|(?i:<esc>)|&#0*27;|&#[xX]0*1[bB];|%1[bB]",
        r"|\\(?:[xX]1[bB]|0{0,2}33|[eE]|[uU]0{2,6}1[bB]|[ux]\{1[bB]\}))",
        r"(?:\[[0-?]*[ -/]*[@-~]|[ -/]+[0-~])",
    ))
    .expect("the written escape pattern is valid")
});

/// Whether `input` may hold a [`WRITTEN_ESCAPE`] (a few passes of
/// `memchr`; where they find something, the pattern itself is tried): a
/// caret, a backslash or a percent sign, or `&`, `<` or U+241B's first
/// byte (0xE2, which starts other punctuation too) where a `[` stands
/// somewhere (a web page has the first two everywhere, and no `[`). So
/// `&#27;(B`, `<ESC>(B` and `␛(B`, a character set chosen in those forms,
/// are not looked for unless a `[` stands somewhere.
fn may_hold_written_escapes(input: &str) -> bool {
    let bytes = input.as_bytes();
    (memchr::memchr3(b'^', b'\\', b'%', bytes).is_some()
        || (memchr::memchr(b'[', bytes).is_some()
            && memchr::memchr3(b'&', b'<', 0xe2, bytes).is_some()))
        && WRITTEN_ESCAPE.is_match(input)
}

/// Whether `c` is a blank or a line break.
fn is_line_blank(c: u8) -> bool {
    is_blank(c) || c == b'\n'
}

/// One reading of `input` (its control codes already replaced): the view,
/// the hidden span, and whether any invisible character was dropped that
/// the spaced reading reads as a blank. With `spaced`, each such character
/// is written as a space.
fn reading(input: &str, spaced: bool) -> (String, Option<Range<usize>>, bool) {
    if input.is_ascii() {
        // No tags, no format characters: only case, leetspeak and
        // blanks to do.
        return (single_spaced(ascii_view(input)), None, false);
    }
    let mut visible = String::with_capacity(input.len());
    let mut smuggled = String::new();
    let mut inner_format = false;
    let mut spaceable = false;
    // The input is copied in runs, up to each character dropped; ASCII is
    // always kept.
    let bytes = input.as_bytes();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        i += ascii_prefix(&bytes[i..]);
        let Some(c) = input.get(i..).and_then(|rest| rest.chars().next()) else {
            break;
        };
        let at = i;
        i += c.len_utf8();
        // Whether the character dropped stands where a blank could.
        let blank = match c {
            // Tag characters spell what they smuggle on a line of their
            // own; among visible words they stand where blanks could.
            '\u{e0020}'..='\u{e007e}' => {
                smuggled.push(char::from_u32(c as u32 - 0xe0000).unwrap_or(' '));
                true
            }
            // A byte-order mark is what editors and scrapers leave at the
            // start of files (and of files joined into one): removed, not
            // counted as hiding anything. Between words it is a blank in
            // the spaced reading.
            '\u{feff}' => !line_edge(bytes, at, i),
            // A zero-width joiner between two pictographs makes them one
            // emoji (👨‍👩‍👧, 🏳️‍🌈, 👩‍💻): removed, not counted as hiding
            // anything.
            '\u{200d}' if joins_emoji(&input[..at], &input[i..]) => false,
            // NEL and the line and paragraph separators stand between
            // words as blanks do: read as a space (the separators were
            // dropped, joining the words around them; as line breaks, an
            // outside review found, they cut the orders the patterns read
            // across a blank). The separators still count as hidden
            // characters, as other format characters do.
            '\u{85}' | '\u{2028}' | '\u{2029}' => {
                inner_format |= c != '\u{85}';
                visible.push_str(&input[copied..at]);
                visible.push(' ');
                copied = i;
                continue;
            }
            // The Hangul and Khmer fillers show nothing; outside a run of
            // old Hangul jamo they stand where a blank could. (Not counted
            // as hiding anything: a filler alone is a blank nickname.)
            c if is_filler(c) && !in_jamo(&input[..at], &input[i..]) => true,
            // So does a variation selector or the combining grapheme
            // joiner after a Latin, Greek or Cyrillic letter or ASCII
            // punctuation, where it varies nothing. (Emoji, keycaps, `©`
            // and the ideographs take them.)
            '\u{fe00}'..='\u{fe0f}' | '\u{e0100}'..='\u{e01ef}' | '\u{34f}'
                if input[..at]
                    .chars()
                    .next_back()
                    .is_some_and(|before| varies_nothing(before, &input[i..])) =>
            {
                true
            }
            c if is_invisible_format(c) => {
                inner_format = true;
                true
            }
            _ => continue,
        };
        let before = if at > copied {
            Some(bytes[at - 1])
        } else {
            visible.as_bytes().last().copied()
        };
        visible.push_str(&input[copied..at]);
        if blank {
            spaceable |= before.is_some_and(|c| !is_line_blank(c))
                && bytes.get(i).is_some_and(|&c| !is_line_blank(c));
            if spaced {
                visible.push(' ');
            }
        }
        copied = i;
    }
    visible.push_str(&input[copied..]);
    let mut view = single_spaced(normalised_view(&visible));
    let mut hidden = None;
    if !smuggled.is_empty() {
        // The tags' text on a line of its own at the end, the span
        // reported on the final view.
        view.push('\n');
        let start = view.len();
        let tail = single_spaced(ascii_view(&smuggled));
        // Tags that spell only blanks smuggle them still: the span is
        // never empty (an empty one means other hidden characters).
        view.push_str(if tail.is_empty() { " " } else { &tail });
        hidden = Some(start..view.len());
    } else if inner_format {
        hidden = Some(0..0);
    }
    (view, hidden, spaceable)
}

/// Whether a variation selector after `c` (and before `after`) selects
/// no variant: `c` is ASCII (a digit, `#` or `*` only when no keycap mark
/// follows), a letter of the Latin, Greek or Cyrillic blocks other than
/// `©` and `®`, or a mathematical letter or digit.
fn varies_nothing(c: char, after: &str) -> bool {
    match c {
        '0'..='9' | '#' | '*' => !after.starts_with('\u{20e3}'),
        '©' | '®' => false,
        c => u32::from(c) <= TABLED_LAST || ('\u{1d400}'..='\u{1d7ff}').contains(&c),
    }
}

/// Whether the character at `at..next` of `b` starts the text or a line,
/// or ends one.
fn line_edge(b: &[u8], at: usize, next: usize) -> bool {
    at == 0 || b[at - 1] == b'\n' || b.get(next).is_none_or(|&n| matches!(n, b'\n' | b'\r'))
}

/// The Hangul fillers (choseong, jungseong, the compatibility and
/// half-width ones) and Khmer's two inherent vowels, which Unicode says
/// not to use: letters that show nothing.
fn is_filler(c: char) -> bool {
    matches!(
        c,
        '\u{115f}' | '\u{1160}' | '\u{3164}' | '\u{ffa0}' | '\u{17b4}' | '\u{17b5}'
    )
}

/// Whether a filler stands beside a conjoining Hangul jamo, where the
/// choseong and jungseong fillers complete a syllable.
fn in_jamo(before: &str, after: &str) -> bool {
    let jamo = |c: char| matches!(c, '\u{1100}'..='\u{11ff}' | '\u{a960}'..='\u{a97f}' | '\u{d7b0}'..='\u{d7ff}');
    before.chars().next_back().is_some_and(jamo) || after.chars().next().is_some_and(jamo)
}

/// The view with every run of blanks (spaces, tabs, vertical tabs, form
/// feeds, a CR not before an LF) read as one space, and each CR LF as
/// LF; a run at the start or end of a line is dropped. A reader takes
/// `ignore  all\tprevious  instructions` as it takes the same words
/// single-spaced, and so do the patterns, written with one space between
/// words: doubling every space took one attack in six that was blocked
/// below the threshold. An indented line is read from its first word,
/// where the rules anchored at a line's start look (one leading blank
/// took a French order past them). Returned as it is when there is
/// nothing to do.
fn single_spaced(mut view: String) -> String {
    let b = view.as_bytes();
    let (inner, edges) = needs_spacing(b);
    if !inner {
        if edges {
            // Only a space at the text's start or end (a text cut at a
            // word's end): trimmed in place.
            let end = view.trim_end_matches(' ').len();
            view.truncate(end);
            let start = view.len() - view.trim_start_matches(' ').len();
            view.drain(..start);
        }
        return view;
    }
    // Blanks are ASCII, so the runs between them are whole UTF-8.
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let run = b[i..].iter().take_while(|&&c| !is_blank(c)).count();
        out.extend_from_slice(&b[i..i + run]);
        i += run;
        let blanks = b[i..].iter().take_while(|&&c| is_blank(c)).count();
        if blanks == 0 {
            continue;
        }
        i += blanks;
        // At a line's edges a blank separates nothing (a CR before an
        // LF included).
        let edge = out.last().is_none_or(|&c| c == b'\n') || b.get(i).is_none_or(|&c| c == b'\n');
        if !edge {
            out.push(b' ');
        }
    }
    into_string(out)
}

/// Whether [`single_spaced`] has anything to do in `b`: inside the text
/// (a blank other than a space, two spaces in a row, a space at a line's
/// edge), and at its ends (a space first or last).
fn needs_spacing(b: &[u8]) -> (bool, bool) {
    // Built once: a searcher's set-up costs as much as a search of a
    // kilobyte, and every text has several views.
    static PAIRS: LazyLock<[memchr::memmem::Finder<'static>; 3]> =
        LazyLock::new(|| [b"  ", b" \n", b"\n "].map(memchr::memmem::Finder::new));
    let edges = b.first() == Some(&b' ') || b.last() == Some(&b' ');
    let inner = memchr::memchr3(b'\t', b'\r', 0x0b, b).is_some()
        || memchr::memchr(0x0c, b).is_some()
        || PAIRS.iter().any(|pair| pair.find(b).is_some());
    (inner, edges)
}

/// The blanks [`single_spaced`] reads as one space (a CR before an LF
/// aside: dropped).
fn is_blank(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | 0x0b | 0x0c | b'\r')
}

/// Whether a zero-width joiner between `before` and `after` joins two
/// pictographs (the one before perhaps followed by an emoji variation
/// selector).
fn joins_emoji(before: &str, after: &str) -> bool {
    let mut back = before.chars().rev().skip_while(|&c| c == '\u{fe0f}');
    back.next().is_some_and(is_pictograph) && after.chars().next().is_some_and(is_pictograph)
}

/// Emoji and the pictographs emoji sequences join (♀, ♂, ⚕, ❤, ✈, ⬛,
/// ↔): the blocks of symbols and pictographs and the arrows with an emoji
/// presentation, an approximation of Unicode's `Extended_Pictographic`
/// that covers the components of the recommended ZWJ sequences up to
/// Emoji 15.1.
fn is_pictograph(c: char) -> bool {
    matches!(
        c,
        '\u{1f000}'..='\u{1faff}'
            | '\u{2600}'..='\u{27bf}'
            | '\u{2300}'..='\u{23ff}'
            | '\u{2b00}'..='\u{2bff}'
            | '\u{2194}'..='\u{21aa}'
    )
}

/// NFKC, lower case, confusable skeletons, stripped diacritics and
/// leetspeak, over text without invisible characters.
///
/// ASCII needs only the case and leetspeak, so the Unicode steps run over
/// each run of other characters alone, together with the ASCII character
/// before it (which a combining mark after it may compose with). That is
/// the same as running them over the whole text: the runs are cut before an
/// ASCII character that follows another ASCII one, or a non-ASCII one, and
/// no composition or reordering crosses such a point (ASCII characters are
/// starters, and none is the second of a canonical composition).
pub(super) fn normalised_view(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut view: Vec<u8> = Vec::with_capacity(text.len());
    // The views of the characters of [`composes_with_nothing`] met so far.
    let mut seen: HashMap<char, String> = HashMap::new();
    let mut i = 0;
    while i < bytes.len() {
        let off = ascii_prefix(&bytes[i..]);
        if i + off == bytes.len() {
            push_ascii_view(&bytes[i..], &mut view);
            break;
        }
        let start = (i + off).saturating_sub(1).max(i);
        push_ascii_view(&bytes[i..start], &mut view);
        let end = bytes[i + off..]
            .iter()
            .position(u8::is_ascii)
            .map_or(bytes.len(), |n| i + off + n);
        // Characters whose views follow one another: each one's view, and
        // the character before as ASCII. At the first other character the
        // run is taken back and read whole.
        let taken_back = view.len();
        push_ascii_view(&bytes[start..i + off], &mut view);
        for c in text[i + off..end].chars() {
            if let Some(letter) = LETTER_VIEWS.get(c) {
                view.extend_from_slice(letter.as_bytes());
            } else if composes_with_nothing(c) {
                view.extend_from_slice(seen.entry(c).or_insert_with(|| char_view(c)).as_bytes());
            } else {
                view.truncate(taken_back);
                let mut whole = String::new();
                unicode_view_into(&text[start..end], &mut whole);
                view.extend_from_slice(whole.as_bytes());
                break;
            }
        }
        i = end;
    }
    into_string(view)
}

/// The views of single letters of the Latin, Greek and Cyrillic blocks
/// (U+0080 to U+052F), worked out once.
///
/// In a run of them the view is each letter's view in turn: none is a
/// combining mark (those are left out of the table), none composes with
/// the letter or ASCII character before it (a canonical composition's
/// second character is a mark, in these blocks), and each one's
/// decomposition starts with a starter, so nothing is reordered across
/// letters.
pub(super) struct LetterViews {
    views: Vec<Option<String>>,
}

/// Hangul syllables, CJK ideographs, kana without their voicing marks, and
/// emoji and pictographs: starters that compose with no character of this
/// set or of
/// [`LetterViews`] before or after them (Hangul syllables compose only with
/// the trailing jamo, kana only with the combining voicing marks, neither
/// of which is in either set), so in a run of them too the view is each
/// one's view in turn.
pub(super) fn composes_with_nothing(c: char) -> bool {
    matches!(
        u32::from(c),
        0xac00..=0xd7a3 | 0x4e00..=0x9fff | 0x3041..=0x3096 | 0x30a1..=0x30fa | 0x1_f300..=0x1_faff
    )
}

/// The first character [`LetterViews`] holds.
pub(super) const TABLED_FIRST: u32 = 0x80;
/// The last one.
pub(super) const TABLED_LAST: u32 = 0x52f;

impl LetterViews {
    fn get(&self, c: char) -> Option<&str> {
        let index = u32::from(c).checked_sub(TABLED_FIRST)?;
        self.views.get(usize::try_from(index).ok()?)?.as_deref()
    }
}

pub(super) static LETTER_VIEWS: LazyLock<LetterViews> = LazyLock::new(|| LetterViews {
    views: (TABLED_FIRST..=TABLED_LAST)
        .map(|u| {
            let c = char::from_u32(u)?;
            if is_combining(c) || is_spacing_mark(c) {
                return None;
            }
            Some(char_view(c))
        })
        .collect(),
});

/// [`char::is_alphabetic`], read for the Basic Multilingual Plane from a
/// bitset built with it once (outside ASCII the standard library searches a
/// table for every character).
pub(super) fn is_alphabetic(c: char) -> bool {
    static BMP: LazyLock<Box<[u64; 0x1_0000 / 64]>> = LazyLock::new(|| {
        let mut bits = Box::new([0u64; 0x1_0000 / 64]);
        for c in (0..0x1_0000u32).filter_map(char::from_u32) {
            if c.is_alphabetic() {
                bits[(u32::from(c) / 64) as usize] |= 1 << (u32::from(c) % 64);
            }
        }
        bits
    });
    let u = u32::from(c);
    if c.is_ascii() {
        c.is_ascii_alphabetic()
    } else if u < 0x1_0000 {
        BMP[(u / 64) as usize] >> (u % 64) & 1 == 1
    } else {
        c.is_alphabetic()
    }
}

/// Spacing combining marks (`Mc`): they may compose with the character
/// before them.
pub(super) fn is_spacing_mark(c: char) -> bool {
    use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
    c.general_category() == GeneralCategory::SpacingMark
}

/// An ASCII byte of the view: lower case, leetspeak read as a letter (the
/// model [`LEET_ASCII`] is held to).
#[cfg(test)]
pub(super) fn leet_ascii(b: u8) -> char {
    leet(char::from(b.to_ascii_lowercase()))
}

/// The view of `c` alone.
pub(super) fn char_view(c: char) -> String {
    let mut view = String::new();
    unicode_view_into(c.encode_utf8(&mut [0; 4]), &mut view);
    view
}

/// The Unicode steps of [`normalised_view`] over `text`, appended to `view`.
pub(super) fn unicode_view_into(text: &str, view: &mut String) {
    // Lower case before skeletons: capital Cyrillic `І` would read `l`.
    // Small capitals have no decomposition: they are read as their letters.
    let nfkc: String = text
        .nfkc()
        .flat_map(char::to_lowercase)
        .map(|c| small_capital(c).unwrap_or(c))
        .collect();
    // Skeletons for non-ASCII only: the confusables table also folds
    // ASCII (`m` reads `rn`), which would break every English pattern.
    let mut skeleton = String::with_capacity(nfkc.len());
    let mut buf = [0u8; 4];
    for c in nfkc.chars() {
        if c.is_ascii() {
            skeleton.push(c);
        } else if c == 'ß' {
            // German's sharp s, as case folding writes it (`außer` reads
            // `ausser`, as Swiss German spells it): the patterns are
            // written so.
            skeleton.push_str("ss");
        } else {
            skeleton.extend(unicode_security::confusable_detection::skeleton(
                c.encode_utf8(&mut buf),
            ));
        }
    }
    view.extend(
        skeleton
            .nfd()
            .filter(|&c| !is_combining(c))
            .flat_map(char::to_lowercase)
            .map(leet),
    );
}

/// The letter a small capital stands for (`ɪɢɴᴏʀᴇ` reads `ignore`): the
/// small capitals of the IPA and phonetic extensions and of Latin
/// Extended-D, which neither NFKC nor the confusables table folds.
fn small_capital(c: char) -> Option<char> {
    Some(match c {
        '\u{1d00}' => 'a',
        '\u{299}' | '\u{1d03}' => 'b',
        '\u{1d04}' => 'c',
        '\u{1d05}' | '\u{1d06}' => 'd',
        '\u{1d07}' => 'e',
        '\u{a730}' => 'f',
        '\u{262}' => 'g',
        '\u{29c}' => 'h',
        '\u{26a}' => 'i',
        '\u{1d0a}' => 'j',
        '\u{1d0b}' => 'k',
        '\u{29f}' | '\u{1d0c}' => 'l',
        '\u{1d0d}' => 'm',
        '\u{274}' | '\u{1d0e}' => 'n',
        '\u{1d0f}' => 'o',
        '\u{1d18}' | '\u{1d29}' => 'p',
        '\u{a7af}' => 'q',
        '\u{280}' | '\u{1d19}' => 'r',
        '\u{a731}' => 's',
        '\u{1d1b}' => 't',
        '\u{1d1c}' => 'u',
        '\u{1d20}' => 'v',
        '\u{1d21}' => 'w',
        '\u{28f}' => 'y',
        '\u{1d22}' => 'z',
        _ => return None,
    })
}

/// Leetspeak digits and symbols read as the letters they stand for.
pub(super) fn leet(c: char) -> char {
    match c {
        '0' => 'o',
        '1' | '!' => 'i',
        '3' => 'e',
        '4' | '@' => 'a',
        '5' | '$' => 's',
        '7' => 't',
        c => c,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ascii_prefix_finds_the_first_byte_of_another_script_at_every_place() {
        for len in 0..40 {
            for at in 0..=len {
                let mut text = vec![b'a'; len];
                if at < len {
                    text[at] = 0xc3;
                }
                assert_eq!(super::ascii_prefix(&text), at, "{len} {at}");
            }
        }
        assert_eq!(super::ascii_prefix("abcdefgh\u{e9}".as_bytes()), 8);
        assert_eq!(super::ascii_prefix("\u{e9}".as_bytes()), 0);
    }

    use super::*;

    /// The Unicode steps over the whole text at once, as they were first
    /// run: the model the run-by-run view (and its letter table) must agree
    /// with.
    fn whole_text_view(visible: &str) -> String {
        if visible.is_ascii() {
            return ascii_view(visible);
        }
        let mut view = String::new();
        unicode_view_into(visible, &mut view);
        view
    }

    #[test]
    fn runs_where_neighbours_compose_read_as_the_whole_text() {
        for text in [
            "가\u{11a8}",
            "각\u{11a8}가",
            "가ㄳ",
            "ㄱㅡ",
            "\u{1100}\u{1161}",
            "か\u{3099}",
            "カ\u{309a}x",
            "日本\u{3099}",
            "x\u{301}가",
            "é\u{301}",
            "가 ﬁ 日",
            "\u{b47}\u{b3e}",
            "a\u{300}\u{301}b",
        ] {
            assert_eq!(normalised_view(text), whole_text_view(text), "{text:?}");
        }
    }

    #[test]
    fn the_sharp_s_reads_as_double_s() {
        // Alone, in a run of Latin letters, next to a mark, and capital.
        for (text, view) in [
            ("außer kraft", "ausser kraft"),
            ("Straße", "strasse"),
            ("Grüße", "grusse"),
            ("GROẞ", "gross"),
        ] {
            assert_eq!(normalised_view(text), view, "{text:?}");
            assert_eq!(whole_text_view(text), view, "{text:?}");
        }
    }

    #[test]
    fn the_leet_table_is_leet_ascii() {
        for b in 0..0x80u8 {
            assert_eq!(
                char::from(LEET_ASCII[usize::from(b)]),
                leet_ascii(b),
                "{b:#x}"
            );
        }
    }

    #[test]
    fn the_alphabetic_bitset_is_the_standard_library() {
        for c in (0..=0x10_ffff).filter_map(char::from_u32) {
            assert_eq!(
                is_alphabetic(c),
                c.is_alphabetic(),
                "U+{:04X}",
                u32::from(c)
            );
        }
    }

    proptest::proptest! {
        #[test]
        fn the_view_run_by_run_is_the_whole_text_view(text in "([a-zA-Z0-9 .,!@$]|[\\u{80}-\\u{24f}]|[\\u{300}-\\u{36f}]|[\\u{370}-\\u{52f}]|[\\u{1100}-\\u{11ff}]|[\\u{ac00}-\\u{ac10}]|[\\u{ac00}-\\u{d7a3}]|[\\u{11a8}-\\u{11c2}]|[\\u{3131}-\\u{318e}]|[\\u{3041}-\\u{30ff}]|[\\u{4e00}-\\u{4e10}]|[\\u{f900}-\\u{f910}]|\\u{3099}|\\u{309a}|[\\u{1f300}-\\u{1f310}]|[\\u{1f3fb}-\\u{1f3ff}]|\\u{fe0f}|[\\u{1e00}-\\u{1eff}]|[\\u{2000}-\\u{2bff}]|[\\u{3000}-\\u{30ff}]|[\\u{fb00}-\\u{fb06}]|[\\u{ff00}-\\u{ffef}]|[\\u{1d400}-\\u{1d7ff}]|\\PC|e\\u{301}|\\u{1100}\\u{1161}|\\u{b47}\\u{b3e}){0,40}") {
            proptest::prop_assert_eq!(normalised_view(&text), whole_text_view(&text));
        }

        /// Blanks between words are read as one space, whatever they are
        /// (spaces, tabs, vertical tabs, form feeds, lone CRs, NEL, the
        /// line separator, the wide spaces NFKC reads as a space) and
        /// however many; CR LF as LF.
        #[test]
        fn the_view_is_single_spaced(
            lead in "[ \t\u{a0}]{0,3}",
            words in proptest::collection::vec("[a-zA-Z\u{e9}\u{430}]{1,6}", 1..8),
            blanks in proptest::collection::vec("[ \t\x0b\x0c\r\u{85}\u{2028}\u{a0}\u{3000}]{1,4}|[ \t]{0,2}\r?\n[ \t]{0,2}", 8),
        ) {
            let mut text = lead.clone();
            let mut single = String::new();
            for (k, word) in words.iter().enumerate() {
                text.push_str(word);
                single.push_str(word);
                text.push_str(&blanks[k]);
                let line_break = blanks[k].contains('\n');
                if k + 1 < words.len() {
                    single.push_str(if line_break { "\n" } else { " " });
                } else if line_break {
                    single.push('\n');
                }
            }
            let (view, _) = detection_view(&text);
            proptest::prop_assert_eq!(&view, &detection_view(&single).0);
            proptest::prop_assert!(
                !view.contains("  ")
                    && !view.contains(['\t', '\r', '\x0b', '\x0c', '\u{85}'])
                    && !view.contains(" \n")
                    && !view.contains("\n ")
                    && !view.starts_with(' ')
                    && !view.ends_with(' '),
                "{view:?}"
            );
        }

        /// Control codes and invisible characters between words: the view
        /// joins the words, the spaced reading reads a blank; inside
        /// words, both join them.
        #[test]
        fn invisible_separators_are_read_joined_and_as_blanks(
            words in proptest::collection::vec("[a-z]{1,6}", 2..6),
            sep in r"\x00|\x1f|\x7f|\x1b\[[0-9;]{0,4}m|\u{200b}|\u{2060}|\u{3164}|\u{ffa0}|\u{feff}|\u{fe0f}|\u{34f}",
        ) {
            let text = words.join(&sep);
            let views = detection_views(&text);
            proptest::prop_assert_eq!(&views.view, &leet_join(&words, ""));
            let spaced = leet_join(&words, " ");
            proptest::prop_assert_eq!(views.others.first(), Some(&spaced));
            proptest::prop_assert_eq!(detection_view(&text).0, views.view);
        }
    }

    /// The view of `words` (ASCII letters) joined by `sep`.
    fn leet_join(words: &[String], sep: &str) -> String {
        ascii_view(&words.join(sep))
    }

    /// A replaced text and whether a sequence took text.
    fn pair(replaced: Replaced) -> (String, bool) {
        (replaced.text, replaced.hides_text)
    }

    #[test]
    fn control_codes_are_replaced_whole() {
        // A sequence cut short is an escape alone.
        let text = "a\x1b[1;31m b\x00c\x1b[2J.d\x7f\x1b[12";
        assert_eq!(
            pair(controls_replaced(text, "", Codes::Whole)),
            ("a bc.d[12".into(), false)
        );
        assert_eq!(
            controls_replaced(text, "_", Codes::Whole).text,
            "a_ b_c_.d__[12"
        );
        // C1 controls, 8-bit CSI, two-byte escapes; a window title's
        // text, hidden by a terminal, is kept in the literal reading.
        let text = "a\u{9b}31mb\u{92}c\x1bMd\x1b]0;title\x07e";
        assert_eq!(
            pair(controls_replaced(text, "_", Codes::Whole)),
            ("a_b_c_d_e".into(), true)
        );
        assert_eq!(
            controls_replaced(text, "_", Codes::Literal).text,
            "a_mb_c_Md_0;title_e"
        );
        // A letter a terminal takes as a sequence's last byte, before
        // another letter, is a word's first letter to a reader.
        let text = "\x1b[Ignore\x1bMall\x1b[0mok";
        assert_eq!(
            pair(controls_replaced(text, "_", Codes::Whole)),
            ("_gnore_all_ok".into(), true)
        );
        assert_eq!(
            controls_replaced(text, "_", Codes::Literal).text,
            "_Ignore_Mall_mok"
        );
        // A character set's name and a shifted character go with their
        // escape; a CSI however long is one code; a run of backspaces is
        // one, which takes back as many characters overstruck.
        let long = format!("\x1b[{}m", "1;".repeat(100));
        let text = format!("a\x1b(Bb\x1b%Gc\x1b Fd\x1bOAe{long}f");
        assert_eq!(
            controls_replaced(&text, "_", Codes::Whole).text,
            "a_b_c_d_e_f"
        );
        let text = "ab\x08\x08xy\nz\x08\x08w";
        assert_eq!(
            controls_replaced(text, "_", Codes::Whole).text,
            "ab_xy\nz_w"
        );
        assert_eq!(
            controls_replaced(text, "_", Codes::Overstruck).text,
            "_xy\n_w"
        );
        assert_eq!(controls_replaced(text, "", Codes::Overstruck).text, "xy\nw");
        // Inside a word, the letter a sequence ends with is read in place.
        let text = "Ign\x1b(ore a\x1bNll pr\x1bNécède";
        assert_eq!(
            controls_replaced(text, "", Codes::Literal).text,
            "Ignore all précède"
        );
        // The view keeps it too; elsewhere the sequence is whole.
        assert_eq!(
            controls_replaced(text, "", Codes::Joined).text,
            "Ignore all précède"
        );
        assert_eq!(
            controls_replaced(text, "_", Codes::Whole).text,
            "Ign_re a_l pr_cède"
        );
        // Escapes written out, read as blanks and as nothing.
        for (text, blank, read) in [
            ("a^[[0mb\\033[1;31mc", " ", "a b c"),
            ("in^[(Bstruc\\x1b[0mtions", "", "instructions"),
            ("a<ESC>[0mb&#27;[Kc\\e[2Jd␛[0me", "", "abcde"),
        ] {
            assert!(may_hold_written_escapes(text), "{text:?}");
            assert_eq!(WRITTEN_ESCAPE.replace_all(text, blank), read, "{text:?}");
        }
        assert!(!may_hold_written_escapes("plain text, 50 [sic] & more"));
        assert!(!has_controls(
            "tab\tline\nvt\x0bff\x0ccr\rnel\u{85}nbsp\u{a0}«»".as_bytes()
        ));
        assert!(has_controls("\u{9b}".as_bytes()));
        for b in (0..0x20).chain([0x7f]) {
            assert_eq!(has_controls(&[b]), !matches!(b, 0x09..=0x0d), "{b:#x}");
        }
        // Nothing to read twice: a control code at a line's end, a
        // zero-width space beside a blank.
        assert!(
            detection_views("done\x1b[0m\nnext \u{200b}word")
                .others
                .is_empty()
        );
        // Fillers beside conjoining jamo complete a syllable.
        assert!(detection_views("\u{1100}\u{1160}").hidden.is_none());
    }
}
