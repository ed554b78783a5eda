//! Step 4: markdown escaped and `@` made inert, by a byte transducer.

use super::{ESCAPED, SAFE_AT};

/// [`SAFE_AT`] in UTF-8.
pub(super) const SAFE_AT_UTF8: [u8; 3] = {
    let mut utf8 = [0; 3];
    SAFE_AT.encode_utf8(&mut utf8);
    utf8
};

/// Whether markdown escaping puts a backslash before `b` (in [`ESCAPED`]).
pub(super) const fn is_escaped(b: u8) -> bool {
    let mut i = 0;
    while i < ESCAPED.len() {
        if ESCAPED[i] as u32 == b as u32 {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether `b` after a backslash makes an escape pair already.
pub(super) const fn pairs_with_backslash(b: u8) -> bool {
    is_escaped(b) || b == b'.'
}

/// What markdown escaping remembers of the text before a byte: the states
/// of the transducer in [`ESCAPE_TABLE`].
pub(super) mod state {
    /// Mid-line.
    pub(super) const MID_LINE: usize = 0;
    /// Mid-line, right after an `&` (where `#` starts a character
    /// reference, and is left as it is).
    pub(super) const AFTER_AMPERSAND: usize = 1;
    /// At the start of a line, or after its leading spaces.
    pub(super) const LINE_START: usize = 2;
    /// After the leading digits of a line (a `.` would make a list).
    pub(super) const LEADING_DIGITS: usize = 3;
    /// After a backslash not written yet: whether it is escaped depends on
    /// the byte after it.
    pub(super) const BACKSLASH: usize = 4;
    pub(super) const COUNT: usize = 5;
}

/// One entry of [`ESCAPE_TABLE`]: up to five bytes to write, in the low
/// bytes; how many, in bits 40 to 46; [`LEAVES_MID_LINE`]; the next state
/// times 256, in bits 48 to 63.
pub(super) const fn entry(out: &[u8], next: usize) -> u64 {
    let mut e = 0u64;
    let mut k = 0;
    while k < out.len() {
        e |= (out[k] as u64) << (8 * k);
        k += 1;
    }
    let leaves = if next == state::MID_LINE {
        0
    } else {
        LEAVES_MID_LINE
    };
    e | (out.len() as u64) << 40 | leaves | ((next * 256) as u64) << 48
}

/// Set in an entry whose next state is not [`state::MID_LINE`]: mid-line,
/// the bytes that change what the next one means (`\\`, `&`, LF).
pub(super) const LEAVES_MID_LINE: u64 = 1 << 47;

/// The number of bytes an entry writes.
pub(super) fn written_len(e: u64) -> usize {
    usize::from((e >> 40) as u8 & 0x7f)
}

/// What a byte other than a backslash writes mid-line (the first so many
/// bytes of the array), and the state after it.
pub(super) const fn mid_line_bytes(b: u8) -> ([u8; 3], usize, usize) {
    let next = match b {
        b'\n' => state::LINE_START,
        b'&' => state::AFTER_AMPERSAND,
        _ => state::MID_LINE,
    };
    if b == b'@' {
        (SAFE_AT_UTF8, 3, next)
    } else if is_escaped(b) {
        ([b'\\', b, 0], 2, next)
    } else {
        ([b, 0, 0], 1, next)
    }
}

/// [`mid_line_bytes`] as an entry.
pub(super) const fn mid_line_entry(b: u8) -> u64 {
    let (out, len, next) = mid_line_bytes(b);
    entry(out.split_at(len).0, next)
}

/// Markdown escaping as a transducer: for a state (times 256) plus a byte,
/// what to write and the next state. Bytes of non-ASCII characters are
/// copied: every character markdown gives a meaning to is ASCII.
pub(super) static ESCAPE_TABLE: [u64; state::COUNT * 256] = {
    let mut table = [0u64; state::COUNT * 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        let mid_line = if byte == b'\\' {
            entry(&[], state::BACKSLASH)
        } else {
            mid_line_entry(byte)
        };
        table[state::MID_LINE * 256 + b] = mid_line;
        table[state::AFTER_AMPERSAND * 256 + b] = if byte == b'#' {
            entry(b"#", state::MID_LINE)
        } else {
            mid_line
        };
        // At the start of a line spaces, digits and `.` are copied; after
        // leading digits a `.` is escaped.
        table[state::LINE_START * 256 + b] = match byte {
            b' ' => entry(b" ", state::LINE_START),
            b'0'..=b'9' => entry(&[byte], state::LEADING_DIGITS),
            b'.' => entry(b".", state::MID_LINE),
            _ => mid_line,
        };
        table[state::LEADING_DIGITS * 256 + b] = match byte {
            b'0'..=b'9' => entry(&[byte], state::LEADING_DIGITS),
            b'.' => entry(b"\\.", state::MID_LINE),
            _ => mid_line,
        };
        // An escape pair already is kept, so a second pass is a no-op;
        // another backslash is escaped, and the byte after it is read
        // mid-line.
        table[state::BACKSLASH * 256 + b] = if pairs_with_backslash(byte) {
            entry(&[b'\\', byte], state::MID_LINE)
        } else {
            let (then, len, next) = mid_line_bytes(byte);
            let out = [b'\\', b'\\', then[0], then[1], then[2]];
            entry(out.split_at(2 + len).0, next)
        };
        b += 1;
    }
    table
};

/// Step 4: backslash-escape markdown, make `@` inert.
#[cfg(test)]
pub(super) fn escape_markdown(input: &str) -> String {
    escape_markdown_with(input, &[])
}

/// Whether `b` mid-line writes itself and leaves the state as it is: every
/// byte of a non-ASCII character, and ASCII but for `\`, `&`, LF, `@` and
/// the escaped ones.
pub(super) static PLAIN_MID_LINE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let e = ESCAPE_TABLE[state::MID_LINE * 256 + b];
        table[b] =
            e & LEAVES_MID_LINE == 0 && written_len_const(e) == 1 && (e & 0xff) as usize == b;
        b += 1;
    }
    table
};

/// [`written_len`] in a constant.
const fn written_len_const(e: u64) -> usize {
    ((e >> 40) as u8 & 0x7f) as usize
}

/// The escaped ASCII is gathered in a buffer of this many bytes on the
/// stack (whose length the compiler keeps in a register) and moved to the
/// output whenever it is nearly full, or a run of other characters comes.
pub(super) const BUFFER: usize = 512;

/// Markdown escaping (step 4) of `input` with each of the `defang` spans (in
/// order, never overlapping, each starting at a `:` or `&`) replaced by
/// `[:]`, in one pass.
///
/// One table lookup a byte ([`ESCAPE_TABLE`]). What the table writes for
/// an ASCII byte is ASCII, or [`SAFE_AT`] whole: it goes to a buffer that
/// is always UTF-8, checked when it is moved to the output. Mid-line most
/// bytes write themselves ([`PLAIN_MID_LINE`]): a short run of them joins
/// the buffer, a long one is copied from `input` as a `str`, unchecked.
/// Every byte the table escapes or replaces is ASCII, so such a
/// run starts and ends on character boundaries. A state other than
/// mid-line is only ever entered by an ASCII byte, so a non-ASCII byte read
/// in one starts a character; what the table writes for it is an ASCII
/// prefix (a pending backslash escaped) and the byte itself, which the
/// mid-line run copies.
pub(super) fn escape_markdown_with(input: &str, defang: &[(usize, usize)]) -> String {
    let bytes = input.as_bytes();
    let mut defang = defang.iter().copied();
    let mut next_span = defang.next().unwrap_or((usize::MAX, usize::MAX));
    // Hostile text grows by about half (escapes, `[:]`): room for that, so
    // the output is not moved halfway.
    let mut out = String::with_capacity(input.len() + input.len() / 2 + 16);
    let mut buffer = [0u8; BUFFER];
    // Bytes of `buffer` in use.
    let mut used = 0;
    // The state, times 256.
    let mut state = state::LINE_START * 256;
    let mut i = 0;
    while i < bytes.len() {
        if used > BUFFER - 32 {
            flush(&mut out, &buffer[..used]);
            used = 0;
        }
        if state == state::MID_LINE * 256 {
            // Mid-line the state stays as it is until a byte that changes
            // it: up to that byte, or the next defanged colon, or as many
            // bytes as the buffer has room for (three each at most, and the
            // eight an entry's store writes), no byte waits for the one
            // before it.
            let room = (BUFFER - 8 - used) / 3;
            let end = bytes.len().min(next_span.0).min(i + room);
            while i < end && bytes[i].is_ascii() {
                let e = ESCAPE_TABLE[usize::from(bytes[i])];
                if e & LEAVES_MID_LINE != 0 {
                    // After an `&` only a `#` is read otherwise than
                    // mid-line (it is left as it is): with the byte after
                    // it in reach, the `&` stays in this loop.
                    if bytes[i] == b'&' && i + 1 < end {
                        let pair = usize::from(bytes[i + 1] == b'#');
                        buffer[used..used + 2].copy_from_slice(b"&#");
                        used += 1 + pair;
                        i += 1 + pair;
                        continue;
                    }
                    break;
                }
                buffer[used..used + 8].copy_from_slice(&e.to_le_bytes());
                used += written_len(e);
                i += 1;
            }
            if i < end && !bytes[i].is_ascii() {
                // A run of other characters (and the plain ASCII between
                // them), copied as it is.
                flush(&mut out, &buffer[..used]);
                used = 0;
                let run = i;
                let end = bytes.len().min(next_span.0);
                while i < end && PLAIN_MID_LINE[usize::from(bytes[i])] {
                    i += 1;
                }
                push_run(&mut out, input, run..i);
                continue;
            }
            // Out of room: moved to the output first.
            if i == end && i < next_span.0 {
                continue;
            }
        }
        if next_span.0 <= i {
            // A backslash waiting is escaped (none comes right before a
            // defanged colon: the letters of its scheme, or what the scheme
            // check drops, do).
            if state == state::BACKSLASH * 256 {
                buffer[used..used + 2].copy_from_slice(b"\\\\");
                used += 2;
            }
            buffer[used..used + 5].copy_from_slice(b"\\[:\\]");
            used += 5;
            i = next_span.1.max(i + 1);
            state = state::MID_LINE * 256;
            next_span = defang.next().unwrap_or((usize::MAX, usize::MAX));
            continue;
        }
        // One byte through the whole transducer.
        let b = bytes[i];
        let e = ESCAPE_TABLE[state + usize::from(b)];
        if !b.is_ascii() {
            // Not mid-line: the prefix now, the byte with its run.
            let prefix = written_len(e).saturating_sub(1);
            buffer[used..used + 8].copy_from_slice(&e.to_le_bytes());
            used += prefix;
            state = state::MID_LINE * 256;
            continue;
        }
        buffer[used..used + 8].copy_from_slice(&e.to_le_bytes());
        used += written_len(e);
        state = (e >> 48) as usize;
        i += 1;
    }
    flush(&mut out, &buffer[..used]);
    if state == state::BACKSLASH * 256 {
        out.push_str("\\\\");
    }
    out
}

/// Moves the buffer's bytes (ASCII and whole [`SAFE_AT`]s) to the output.
fn flush(out: &mut String, buffer: &[u8]) {
    // Never fails (see above); were it to, the bad bytes would be replaced
    // rather than panic.
    match std::str::from_utf8(buffer) {
        Ok(text) => out.push_str(text),
        Err(_) => out.push_str(&String::from_utf8_lossy(buffer)),
    }
}

/// Copies `input[run]`, a run of whole characters.
fn push_run(out: &mut String, input: &str, run: std::ops::Range<usize>) {
    // Always on character boundaries (see above); were it not, the bytes
    // would be copied with replacements rather than panic.
    match input.get(run.clone()) {
        Some(text) => out.push_str(text),
        None => out.push_str(&String::from_utf8_lossy(&input.as_bytes()[run])),
    }
}
