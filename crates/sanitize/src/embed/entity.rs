//! HTML character references, decoded as a browser decodes them where a
//! scheme is read.

/// An HTML character reference at the start of `text`: `&#106;`, `&#x6A;`
/// (the `;` optional, as browsers allow), or one of the named ones used to
/// hide schemes (`&colon;`, `&tab;`, `&newline;`, `&sol;`). Returns the
/// character and the bytes it spans.
#[inline]
pub(super) fn decode_entity(text: &[u8]) -> Option<(char, usize)> {
    let rest = text.strip_prefix(b"&")?;
    let (name, c) = match rest.first()? {
        b'#' => return decode_numeric(&rest[1..]),
        b'b' | b'B' => ("bsol", '\\'),
        b'c' | b'C' => ("colon", ':'),
        b't' | b'T' => ("tab", '\t'),
        b'n' | b'N' => ("newline", '\n'),
        b's' | b'S' => ("sol", '/'),
        _ => return None,
    };
    if !rest
        .get(..name.len())
        .is_some_and(|b| b.eq_ignore_ascii_case(name.as_bytes()))
    {
        return None;
    }
    let semicolon = usize::from(rest.get(name.len()) == Some(&b';'));
    Some((c, 1 + name.len() + semicolon))
}

/// The rest of a numeric reference, after its `&#`: decimal, or hexadecimal
/// after an `x`; any number of leading zeros (a browser reads
/// `&#0000000058;` as a colon), then at most eight digits.
pub(crate) fn decode_numeric(num: &[u8]) -> Option<(char, usize)> {
    let (digits, radix, skip) = match num.first() {
        Some(b'x' | b'X') => (&num[1..], 16, 2),
        _ => (num, 10, 1),
    };
    let zeros = digits.iter().take_while(|&&b| b == b'0').count();
    let mut value: u32 = 0;
    let mut len = zeros;
    for &b in digits[zeros..].iter().take(8) {
        let d = match b {
            b'0'..=b'9' => u32::from(b - b'0'),
            b'a'..=b'f' if radix == 16 => u32::from(b - b'a') + 10,
            b'A'..=b'F' if radix == 16 => u32::from(b - b'A') + 10,
            _ => break,
        };
        // Eight hexadecimal digits fit a u32: this never wraps.
        value = value.wrapping_mul(radix).wrapping_add(d);
        len += 1;
    }
    if len == 0 {
        return None;
    }
    let c = char::from_u32(value)?;
    let semicolon = usize::from(digits.get(len) == Some(&b';'));
    Some((c, 1 + skip + len + semicolon))
}
