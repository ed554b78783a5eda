//! The literal gate: which patterns can match a view at all, read off
//! each pattern's syntax tree, so that most patterns never run on most
//! texts.

use aho_corasick::Anchored;
use aho_corasick::automaton::Automaton as _;

use super::Pattern;
use super::encoded::{HINTS, Hints, hints};

/// A pre-check that spares most patterns most texts: every match of a
/// pattern contains one of its required literals (read off the compiled
/// pattern by [`required_literals`]), so one multi-literal search over the
/// view tells which patterns can match at all; only those run. A pattern
/// with no such literals (or only ones shorter than three bytes, which
/// most texts contain) always runs.
///
/// The same pass finds the keywords that call for a re-reading of the
/// view ([`HINTS`]): their literals are in the same automaton.
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

impl Gate {
    pub(super) fn new(patterns: &[Pattern]) -> Self {
        let mut literals: Vec<Vec<u8>> = Vec::new();
        let mut opens: Vec<Vec<usize>> = Vec::new();
        let mut hint_of: Vec<Hints> = Vec::new();
        let mut always = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
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
        }
    }

    /// For each pattern, whether it can match `view`; and which
    /// re-readings of `view` its keywords call for.
    pub(super) fn candidates(&self, view: &str) -> (Vec<bool>, Hints) {
        self.walk::<LANES>(view)
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

    use super::super::view::detection_view;
    use super::super::{PromptGuard, patterns};
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
                .candidates(&all)
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
                            .candidates(std::str::from_utf8(literal).unwrap_or(""));
                        let (open, _) = guard.gate.candidates(view);
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
            let (open, _) = GUARD.gate.candidates(&view);
            let (alone, _) = GUARD.gate.candidates(word);
            // What the keyword opens alone, it opens anywhere.
            prop_assert!(alone.iter().zip(&open).all(|(a, o)| !a || *o));
        }
    }
}
