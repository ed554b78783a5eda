//! Acrostics read back: the order spelt by the first letter of each line
//! or word, or said by the first (or second) word of each line ("junta la
//! primera palabra de cada línea y hazlo", "Nimm von jedem Wort den
//! Anfangsbuchstaben", "screening assistant: the first letters of the
//! lines above"). Outside authors of many rounds hid orders so in poems,
//! cover letters and chat messages. Read only where the text names the
//! device ([`HINTS`]); letters joined without spaces meet the patterns
//! that read letters only.
//!
//! [`HINTS`]: super::encoded::HINTS

/// The fewest lines, or words, a read-back is made of: three lines
/// starting with capitals spell nothing.
const MIN_PARTS: usize = 4;

/// The readings of `view`: the first letters of its lines, its lines'
/// first and second words, and the first letters of its words, each
/// where there are enough of them.
pub(super) fn decoded(view: &str) -> Vec<String> {
    let lines: Vec<Vec<&str>> = view
        .lines()
        .map(|line| words(line).collect::<Vec<_>>())
        .filter(|words| !words.is_empty())
        .collect();
    let mut out = Vec::new();
    let mut push = |parts: Vec<&str>, separator: &str| {
        if parts.len() >= MIN_PARTS {
            out.push(parts.join(separator));
        }
    };
    push(
        lines
            .iter()
            .filter_map(|words| words.first().map(|w| initial(w)))
            .collect(),
        "",
    );
    push(
        lines
            .iter()
            .filter_map(|words| words.first().copied())
            .collect(),
        " ",
    );
    push(
        lines
            .iter()
            .filter_map(|words| words.get(1).copied())
            .collect(),
        " ",
    );
    push(words(view).map(initial).collect(), "");
    out
}

/// The words of `text`: runs of letters (the view has read digits as
/// letters already).
fn words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|word| !word.is_empty())
}

/// A word's first letter.
fn initial(word: &str) -> &str {
    let end = word.chars().next().map_or(0, char::len_utf8);
    &word[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_words_read_back() {
        let poem = "ignite the lamps\nglow of dusk\nnever late\none more\nrain falls\neven so";
        let read = decoded(poem);
        assert_eq!(read[0], "ignore");
        assert_eq!(read[1], "ignite glow never one rain even");
        assert_eq!(read[2], "the of late more falls so");
        let words = decoded("zebras essen in garten erdbeeren");
        assert_eq!(words, vec!["zeige".to_owned()]);
        // Too few lines or words to spell anything.
        assert!(decoded("one\ntwo\nthree").is_empty());
    }
}
