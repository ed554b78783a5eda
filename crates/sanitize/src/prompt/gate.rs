//! The literal gate: which patterns can match a view at all, read off
//! each pattern's syntax tree, so that most patterns never run on most
//! texts; and, of the patterns that need an address outside, whether the
//! view has one.

use std::sync::LazyLock;

use aho_corasick::Anchored;
use aho_corasick::automaton::Automaton as _;

use super::encoded::{HINTS, Hints, hints};
use super::{Pattern, patterns};

/// A pre-check that spares most patterns most texts: every match of a
/// pattern contains one of its required literals (read off the compiled
/// pattern by [`required_literals`]), so one multi-literal search over the
/// view tells which patterns can match at all; only those run. A pattern
/// with no such literals (or only ones shorter than three bytes, which
/// most texts contain) always runs.
///
/// The same pass finds the keywords that call for a re-reading of the
/// view ([`HINTS`]): their literals are in the same automaton.
///
/// A second stage closes the patterns that cannot match without an
/// address outside or a webhook named ([`needs_address`], read off their
/// syntax) where the view has none ([`may_hold_address`]): their verbs
/// ("post", "sync", "send") are in every web page, and each of their
/// occurrences set the pattern searching for an address that is not
/// there. (Adding the address's literals to the automaton instead made it
/// seven times larger and its walk twice as slow: session 33.)
#[derive(Debug, Clone)]
pub(super) struct Gate {
    /// Every pattern's required literals and the hints' keywords, as a DFA
    /// walked byte by byte (`None`: every pattern runs). Without a
    /// prefilter: in prose the automaton is back in its start state after
    /// nearly every byte, and a prefilter would be called each time.
    literals: Option<aho_corasick::dfa::DFA>,
    /// For each literal, the patterns it opens.
    opens: Vec<Vec<usize>>,
    /// For each literal, the re-readings it calls for.
    hints: Vec<Hints>,
    /// Patterns that always run.
    always: Vec<usize>,
    patterns: usize,
    /// The longest literal's length, in bytes.
    longest: usize,
    /// Patterns that cannot match without an address outside (`{addr}`)
    /// or a webhook named: opened by their literals, they run only where
    /// [`may_hold_address`] finds one.
    needs_address: Vec<usize>,
}

/// The shortest literal worth a gate: shorter ones occur in most texts.
pub(super) const MIN_GATE_LITERAL: usize = 3;
/// The most literals one pattern's gate may hold.
pub(super) const MAX_GATE_LITERALS: usize = 256;

/// Literals of which every match of `hir` contains at least one, if there
/// is such a set (at most [`MAX_GATE_LITERALS`]); of several, the one with
/// the longest shortest literal.
pub(super) fn required_literals(hir: &regex_syntax::hir::Hir) -> Option<Vec<Vec<u8>>> {
    use regex_syntax::hir::HirKind;
    let quality = |set: &Vec<Vec<u8>>| set.iter().map(Vec::len).min().unwrap_or(0);
    let set = match hir.kind() {
        HirKind::Literal(literal) => vec![literal.0.to_vec()],
        HirKind::Capture(capture) => required_literals(&capture.sub)?,
        HirKind::Repetition(rep) if rep.min >= 1 => required_literals(&rep.sub)?,
        // Any part of a sequence is required: take the best.
        HirKind::Concat(parts) => parts
            .iter()
            .filter_map(required_literals)
            .max_by_key(|set| (quality(set), std::cmp::Reverse(set.len())))?,
        // One branch or another: all of their literals.
        HirKind::Alternation(branches) => {
            let mut union = Vec::new();
            for branch in branches {
                union.extend(required_literals(branch)?);
            }
            union.sort();
            union.dedup();
            union
        }
        _ => return None,
    };
    (!set.is_empty() && set.len() <= MAX_GATE_LITERALS).then_some(set)
}

/// [`required_literals`] of a pattern, when all are long enough to gate.
pub(super) fn gate_literals(pattern: &str) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    required_literals(&hir).filter(|set| set.iter().all(|l| l.len() >= MIN_GATE_LITERAL))
}

/// A webhook named, as the patterns write it after the address.
const WEBHOOK: &str = r"(?-u:\b)webhook(?-u:\b)";

/// Whether every match of `pattern` (compiled, vocabularies expanded)
/// holds an address outside or a webhook named: with each of them made
/// a class that matches nothing, the pattern matches nothing.
/// `address` is `{addr}` expanded.
pub(super) fn needs_address(pattern: &str, address: &str) -> bool {
    if !pattern.contains(address) && !pattern.contains(WEBHOOK) {
        return false;
    }
    // The empty intersection of two classes: matches no character.
    let cut = pattern
        .replace(address, "[a&&b]")
        .replace(WEBHOOK, "[a&&b]");
    regex_syntax::Parser::new()
        .parse(&cut)
        .is_ok_and(|hir| !matches_something(&hir))
}

/// Whether `hir` matches some text (its assertions, `\b`, `^`, taken as
/// met: a pattern is said to need what it may not, never the other way
/// round). `regex_syntax`'s `minimum_len` is `None` for any pattern with
/// a class that matches nothing, even one in a branch or an optional part.
fn matches_something(hir: &regex_syntax::hir::Hir) -> bool {
    use regex_syntax::hir::{Class, HirKind};
    match hir.kind() {
        HirKind::Empty | HirKind::Literal(_) | HirKind::Look(_) => true,
        HirKind::Class(Class::Unicode(class)) => !class.ranges().is_empty(),
        HirKind::Class(Class::Bytes(class)) => !class.ranges().is_empty(),
        HirKind::Repetition(rep) => rep.min == 0 || matches_something(&rep.sub),
        HirKind::Capture(capture) => matches_something(&capture.sub),
        HirKind::Concat(parts) => parts.iter().all(matches_something),
        HirKind::Alternation(branches) => branches.iter().any(matches_something),
    }
}

/// The vocabulary's top-level domains ([`patterns::TOP_LEVEL_DOMAINS`]),
/// split once rather than at every dot of every text.
static TOP_LEVEL_DOMAINS: LazyLock<Vec<&'static [u8]>> = LazyLock::new(|| {
    patterns::TOP_LEVEL_DOMAINS
        .split('|')
        .map(str::as_bytes)
        .collect()
});

/// Whether `view` may hold a match of `{addr}` or a webhook named: a
/// check that never says no where there is one (a test holds it to the
/// vocabulary's regex), and reads a text without `://`, `www.`, a dot
/// before a top-level domain or an IPv4-shaped run in a few vector
/// searches. `{addr}` is a URL (`://`), `www.`, an e-mail address
/// (ending in `.` and one of the vocabulary's top-level domains, a word
/// boundary after it) or four groups of one to three digits (or the
/// letters the view reads digits as) with dots between.
pub(super) fn may_hold_address(view: &str) -> bool {
    let bytes = view.as_bytes();
    if memchr::memmem::find(bytes, b"://").is_some()
        || memchr::memmem::find(bytes, b"www.").is_some()
        || memchr::memmem::find(bytes, b"webhook").is_some()
    {
        return true;
    }
    let domains: &[&[u8]] = &TOP_LEVEL_DOMAINS;
    memchr::memchr_iter(b'.', bytes).any(|dot| {
        let after = &bytes[dot + 1..];
        let top_level = domains.iter().any(|tld| {
            after.starts_with(tld) && !after.get(tld.len()).is_some_and(|&b| is_word_byte(b))
        });
        top_level || (dot > 0 && is_ip_digit(bytes[dot - 1]) && ip_groups_after(after))
    })
}

/// Whether `b` is a word byte of the ASCII `\b`.
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// What an IPv4 group of `{addr}` is made of: digits, and the letters the
/// view reads digits as.
fn is_ip_digit(b: u8) -> bool {
    matches!(b, b'0'..=b'9' | b'o' | b'i' | b'e' | b'a' | b's' | b't')
}

/// Whether `rest` starts with the three groups that follow an IPv4
/// address's first dot: one to three digits, a dot, one to three digits, a
/// dot, and a digit.
fn ip_groups_after(rest: &[u8]) -> bool {
    let mut at = 0;
    for _ in 0..2 {
        let run = rest[at..].iter().take_while(|&&b| is_ip_digit(b)).count();
        if !(1..=3).contains(&run) || rest.get(at + run) != Some(&b'.') {
            return false;
        }
        at += run + 1;
    }
    rest.get(at).is_some_and(|&b| is_ip_digit(b))
}

impl Gate {
    pub(super) fn new(patterns: &[Pattern]) -> Self {
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut opens: Vec<Vec<usize>> = Vec::new();
        let mut hint_of: Vec<Hints> = Vec::new();
        let mut always = Vec::new();
        let mut needs = Vec::new();
        let address = patterns::expand("{addr}");
        for (i, p) in patterns.iter().enumerate() {
            if needs_address(p.regex.as_str(), &address) {
                needs.push(i);
            }
            match gate_literals(p.regex.as_str()) {
                Some(prefixes) => {
                    for literal in prefixes {
                        match literals.iter().position(|l| *l == literal) {
                            Some(at) => opens[at].push(i),
                            None => {
                                literals.push(literal);
                                opens.push(vec![i]);
                                hint_of.push(Hints::default());
                            }
                        }
                    }
                }
                None => always.push(i),
            }
        }
        for &(keyword, reading) in HINTS {
            let keyword = keyword.as_bytes();
            let at = match literals.iter().position(|l| l == keyword) {
                Some(at) => at,
                None => {
                    literals.push(keyword.to_vec());
                    opens.push(Vec::new());
                    hint_of.push(Hints::default());
                    literals.len() - 1
                }
            };
            hint_of[at].add(reading);
        }
        // Built from byte strings with the standard match semantics, which
        // cannot fail; should it ever, every pattern runs (and the hints
        // are looked for on their own).
        let searcher = aho_corasick::dfa::DFA::builder()
            .match_kind(aho_corasick::MatchKind::Standard)
            .prefilter(false)
            .build(&literals)
            .ok();
        if searcher.is_none() {
            always = (0..patterns.len()).collect();
        }
        Self {
            longest: literals.iter().map(Vec::len).max().unwrap_or(1),
            literals: searcher,
            opens,
            hints: hint_of,
            always,
            patterns: patterns.len(),
            needs_address: needs,
        }
    }

    /// For each pattern, whether it can match `view`; and which
    /// re-readings of `view` its keywords call for.
    pub(super) fn candidates(&self, view: &str) -> (Vec<bool>, Hints) {
        let (mut open, hints) = self.walk::<LANES>(view);
        // Looked for once, and only where a pattern that needs it is open.
        let mut address = None;
        for &i in &self.needs_address {
            if open[i] && !*address.get_or_insert_with(|| may_hold_address(view)) {
                open[i] = false;
            }
        }
        (open, hints)
    }

    /// [`Self::candidates`], the view walked as `N` stretches.
    fn walk<const N: usize>(&self, view: &str) -> (Vec<bool>, Hints) {
        let mut open = vec![false; self.patterns];
        for &i in &self.always {
            open[i] = true;
        }
        let mut found = Hints::default();
        let Some(dfa) = &self.literals else {
            return (open, hints(view));
        };
        let Ok(start) = dfa.start_state(Anchored::No) else {
            return (vec![true; self.patterns], hints(view));
        };
        // Every literal that ends in a state: what an overlapping search
        // reports, without stopping for each match.
        let mut visit = |state| {
            if dfa.is_match(state) {
                for k in 0..dfa.match_len(state) {
                    let literal = dfa.match_pattern(state, k).as_usize();
                    for &i in &self.opens[literal] {
                        open[i] = true;
                    }
                    found = found.or(self.hints[literal]);
                }
            }
        };
        // Each byte's transition is a load that waits for the one before,
        // so one walk over the view waits on memory at every byte. The
        // view is walked as `N` stretches side by side instead, whose
        // loads overlap. A stretch after the first starts `longest - 1`
        // bytes before its own bytes, from the start state, so a literal
        // that ends in it is seen whole (one that ends in the overlap is
        // seen twice, which changes nothing).
        let bytes = view.as_bytes();
        let stretch = bytes.len() / N;
        if stretch < self.longest.max(MIN_STRETCH) {
            let mut state = start;
            for &b in bytes {
                state = dfa.next_state(Anchored::No, state, b);
                if dfa.is_special(state) {
                    visit(state);
                }
            }
            return (open, found);
        }
        let overlap = self.longest - 1;
        // Lane `k` reads `bytes[at[k]..end[k]]`.
        let at: [usize; N] = std::array::from_fn(|k| (k * stretch).saturating_sub(overlap));
        let end: [usize; N] = std::array::from_fn(|k| {
            if k + 1 == N {
                bytes.len()
            } else {
                (k + 1) * stretch
            }
        });
        // Every lane reads at least `stretch` bytes: those first, together.
        let mut state = [start; N];
        for step in 0..stretch {
            for k in 0..N {
                state[k] = dfa.next_state(Anchored::No, state[k], bytes[at[k] + step]);
                if dfa.is_special(state[k]) {
                    visit(state[k]);
                }
            }
        }
        for k in 0..N {
            for &b in &bytes[at[k] + stretch..end[k]] {
                state[k] = dfa.next_state(Anchored::No, state[k], b);
                if dfa.is_special(state[k]) {
                    visit(state[k]);
                }
            }
        }
        (open, found)
    }
}

/// How many stretches of a view the gate walks side by side.
const LANES: usize = 4;
/// The shortest stretch worth a lane of its own.
const MIN_STRETCH: usize = 64;

#[cfg(test)]
mod tests {
    use std::sync::LazyLock;

    use proptest::prelude::*;

    use super::super::PromptGuard;
    use super::super::view::detection_view;
    use super::*;

    /// The gate may open patterns that then do not match, never the other
    /// way round.
    fn gate_lets_every_match_through(guard: &PromptGuard, view: &str) {
        let (open, found) = guard.gate.candidates(view);
        assert_eq!(found, hints(view), "{view:?}");
        for (p, open) in guard.patterns.iter().zip(open) {
            assert!(
                open || !p.regex.is_match(view),
                "gate closed on a match of {:?} in {view:?}",
                p.regex.as_str()
            );
        }
    }

    #[test]
    fn the_gate_is_sound_on_the_evaluation_set() {
        let guard = PromptGuard::new();
        let mut gated = 0;
        for line in include_str!("../../tests/data/prompt_eval.jsonl").lines() {
            let start = line.find("\"text\": \"").map_or(0, |i| i + 9);
            let (view, _) = detection_view(&line[start..]);
            gate_lets_every_match_through(&guard, &view);
            gated += 1;
        }
        assert!(gated > 300);
        // Nearly every built-in pattern has a gate.
        assert!(guard.gate.always.len() <= 2, "{:?}", guard.gate.always);
    }

    /// The gate's walk over `N` stretches side by side opens what one walk
    /// from the first byte to the last opens.
    fn lanes_agree_with_one_walk(guard: &PromptGuard, view: &str) {
        let one = guard.gate.walk::<1>(view);
        assert_eq!(guard.gate.walk::<2>(view), one, "{view:?}");
        assert_eq!(guard.gate.walk::<LANES>(view), one, "{view:?}");
        assert_eq!(guard.gate.walk::<7>(view), one, "{view:?}");
    }

    #[test]
    fn lanes_see_every_literal_one_walk_sees_in_long_texts() {
        let guard = PromptGuard::new();
        let views: Vec<String> = include_str!("../../tests/data/prompt_eval.jsonl")
            .lines()
            .map(|line| {
                let start = line.find("\"text\": \"").map_or(0, |i| i + 9);
                detection_view(&line[start..]).0
            })
            .collect();
        // Runs of the evaluation set's texts, each long enough for lanes,
        // cut at every length around the lanes' boundaries.
        let mut walked = 0;
        for run in views.chunks(6) {
            let text = run.join(" ");
            gate_lets_every_match_through(&guard, &text);
            for cut in
                (text.len().saturating_sub(40)..=text.len()).filter(|&c| text.is_char_boundary(c))
            {
                lanes_agree_with_one_walk(&guard, &text[..cut]);
                walked += 1;
            }
        }
        assert!(walked > 1000, "{walked}");
        // The walk in lanes opened patterns: the comparison is not empty.
        let all = views.join(" ");
        assert!(all.len() > 64 * LANES * 4);
        assert!(
            guard
                .gate
                .walk::<LANES>(&all)
                .0
                .iter()
                .filter(|&&open| open)
                .count()
                > 100
        );
    }

    #[test]
    fn lanes_see_every_literal_ending_at_every_lanes_edge() {
        let guard = PromptGuard::new();
        let mut literals: Vec<Vec<u8>> = guard
            .patterns
            .iter()
            .filter_map(|p| gate_literals(p.regex.as_str()))
            .flatten()
            .chain(HINTS.iter().map(|(keyword, _)| keyword.as_bytes().to_vec()))
            .collect();
        literals.sort();
        literals.dedup();
        let longest = literals.iter().map(Vec::len).max().unwrap_or(0);
        assert_eq!(longest, guard.gate.longest);
        // Every literal, the longest first, ending one byte before, at and
        // after each edge between two lanes' own bytes (where a lane that
        // started too late would miss it), in texts of a few lengths.
        literals.sort_by_key(|l| std::cmp::Reverse(l.len()));
        let mut opened = 0;
        for len in [
            4 * longest.max(MIN_STRETCH),
            4 * longest.max(MIN_STRETCH) + 3,
        ] {
            let stretch = len / LANES;
            for literal in &literals {
                for k in 1..LANES {
                    for last in [k * stretch - 1, k * stretch, k * stretch + 1] {
                        let mut text = vec![b'#'; len];
                        let start = last + 1 - literal.len();
                        text[start..=last].copy_from_slice(literal);
                        let Ok(view) = std::str::from_utf8(&text) else {
                            continue;
                        };
                        lanes_agree_with_one_walk(&guard, view);
                        let (alone, _) = guard
                            .gate
                            .walk::<LANES>(std::str::from_utf8(literal).unwrap_or(""));
                        let (open, _) = guard.gate.walk::<LANES>(view);
                        assert!(alone.iter().zip(&open).all(|(a, o)| !a || *o), "{view:?}");
                        opened += alone.iter().filter(|&&a| a).count();
                    }
                }
            }
        }
        assert!(opened > literals.len(), "{opened}");
    }

    #[test]
    fn required_literals_of_simple_patterns() {
        let literals = |p: &str| gate_literals(&patterns::expand(p));
        // The part whose shortest literal is longest.
        assert_eq!(
            literals(r"\b(?:ignore|forget)\b{g}\brules\b"),
            Some(vec![b"forget".to_vec(), b"ignore".to_vec()])
        );
        assert_eq!(
            literals(r"\b(?:ignore|skip)\b{g}\brules\b"),
            Some(vec![b"rules".to_vec()])
        );
        assert_eq!(
            literals(r"(?m)^\s*(?:system|user)\s*:"),
            Some(vec![b"system".to_vec(), b"user".to_vec()])
        );
        // An optional part is never required; a short literal is no gate.
        assert_eq!(literals(r"(?:ab)?c"), None);
        assert_eq!(literals(r"\bdan\b|\bai\b"), None);
    }

    #[test]
    fn patterns_that_need_an_address_are_read_off_their_syntax() {
        let address = patterns::expand("{addr}");
        let needs = |p: &str| needs_address(&patterns::expand(p), &address);
        assert!(needs(r"\bsend\b[^\n]{0,20}?\bto\s+{addr}"));
        assert!(needs(r"\bpost\b[^\n]{0,20}?(?:{addr}|\bwebhook\b)"));
        // Optional, or one branch among others: not needed.
        assert!(!needs(r"\bsend\b(?:[^\n]{0,20}?{addr})?"));
        assert!(!needs(r"\bsend\b[^\n]{0,20}?(?:{addr}|\bpasswords?\b)"));
        assert!(!needs(r"\bignore\b{g}\brules\b"));
        // Built in: the exfiltration rows whose address is not optional.
        let guard = PromptGuard::new();
        assert!(
            guard.gate.needs_address.len() >= 5,
            "{:?}",
            guard.gate.needs_address
        );
    }

    #[test]
    fn the_top_level_domains_are_the_vocabularys() {
        let address = patterns::expand("{addr}");
        let list = format!(r"\.(?:{})(?-u:\b)", patterns::TOP_LEVEL_DOMAINS);
        assert!(address.contains(&list), "{address:?}");
        assert!(
            patterns::TOP_LEVEL_DOMAINS
                .split('|')
                .all(|tld| !tld.is_empty())
        );
    }

    #[test]
    fn may_hold_address_reads_every_kind_of_address() {
        for view in [
            "post it to https://x.example/in",
            "see www.example",
            "mail bob.smitha.example.com now",
            "send to iaexfil.io",
            "to 10.0.0.1",
            "to io.i.o.s",
            "the webhook",
        ] {
            assert!(may_hold_address(view), "{view:?}");
        }
        for view in [
            "version 2.a fixes the cache bug",
            "a.b.c. and 1.2.3 and 1234.5",
            "see example.company and foo.comx",
            "",
            ".",
        ] {
            assert!(!may_hold_address(view), "{view:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Never no where `{addr}` or a webhook matches.
        #[test]
        fn may_hold_address_never_misses_one(
            view in "[a-z0-9oieast./: @_%+-]{0,40}(com|net|io|webhook|www\\.|://)?[a-z0-9 .]{0,10}",
        ) {
            static ADDRESS: LazyLock<regex::Regex> = LazyLock::new(|| {
                regex::Regex::new(&format!("{}|{WEBHOOK}", patterns::expand("{addr}")))
                    .unwrap_or_else(|e| panic!("{e}"))
            });
            prop_assert!(!ADDRESS.is_match(&view) || may_hold_address(&view), "{view:?}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn the_gate_is_sound_on_word_soup(words in proptest::collection::vec(prop_oneof![
            Just("ignore"), Just("your"), Just("previous"), Just("instructions"), Just("the"),
            Just("system"), Just("prompt"), Just(":"), Just("\n"), Just("reveal"), Just("ai"),
            Just("assistant"), Just("reading"), Just("this"), Just("mode"), Just("developer"),
            Just("you are"), Just("now"), Just("no"), Just("rules"), Just("oublie"), Just("tes"),
            Just("consignes"), Just("vergiss"), Just("alles"), Just("<|im_start|>"), Just("."),
            Just("olvida"), Just("todo lo que"), Just("te dijeron"), Just("ignora"), Just("le"),
            Just("tue"), Just("regole"), Just("what"), Just("were"), Just("you"), Just("given"),
        ], 0..24), seps in proptest::collection::vec(prop_oneof![Just(" "), Just(", "), Just("")], 24)) {
            static GUARD: LazyLock<PromptGuard> = LazyLock::new(PromptGuard::new);
            let guard = &*GUARD;
            let view: String = words.iter().zip(&seps).flat_map(|(w, s)| [*w, *s]).collect();
            gate_lets_every_match_through(guard, &view);
        }

        /// A keyword anywhere in a long text, across any lane's edge.
        #[test]
        fn lanes_see_a_keyword_at_every_offset(
            before in 0usize..1200,
            after in 0usize..1200,
            word in prop_oneof![
                Just("instructions"), Just("ignore"), Just("system prompt"), Just("developer mode"),
                Just("vergiss"), Just("consignes"), Just("<|im_start|>"), Just("base64"),
                Just("disregard all previous instructions"),
            ],
        ) {
            static GUARD: LazyLock<PromptGuard> = LazyLock::new(PromptGuard::new);
            let view = format!("{}{word}{}", "a ".repeat(before / 2), " z".repeat(after / 2));
            lanes_agree_with_one_walk(&GUARD, &view);
            let (open, _) = GUARD.gate.walk::<LANES>(&view);
            let (alone, _) = GUARD.gate.walk::<LANES>(word);
            // What the keyword opens alone, it opens anywhere.
            prop_assert!(alone.iter().zip(&open).all(|(a, o)| !a || *o));
        }
    }
}
