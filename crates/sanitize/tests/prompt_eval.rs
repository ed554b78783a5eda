//! The labelled evaluation set (`tests/data/prompt_eval.jsonl`): precision,
//! recall and false-positive rate of `safe_prompt`'s verdicts, on the part
//! the patterns were tuned on (`dev`, where the targets are asserted) and on
//! the held-out part (reported, for the README).
//!
//! Run with `cargo test -p alphaguard-sanitize --test prompt_eval -- --nocapture`
//! to see the figures and every miss.

use alphaguard_sanitize::{PromptGuard, Verdict};
use serde::Deserialize;

#[derive(Deserialize)]
struct Item {
    text: String,
    label: String,
    lang: String,
    category: String,
    split: String,
}

#[derive(Default, Debug)]
struct Counts {
    tp: u32,
    fp: u32,
    tn: u32,
    fn_: u32,
}

impl Counts {
    fn precision(&self) -> f64 {
        f64::from(self.tp) / f64::from((self.tp + self.fp).max(1))
    }
    fn recall(&self) -> f64 {
        f64::from(self.tp) / f64::from((self.tp + self.fn_).max(1))
    }
    fn fpr(&self) -> f64 {
        f64::from(self.fp) / f64::from((self.fp + self.tn).max(1))
    }
}

fn evaluate(split: &str) -> Counts {
    let guard = PromptGuard::new();
    let mut counts = Counts::default();
    for line in include_str!("data/prompt_eval.jsonl").lines() {
        let item: Item = serde_json::from_str(line).expect("valid eval line");
        if item.split != split {
            continue;
        }
        let blocked = guard.check(&item.text).verdict == Verdict::Block;
        let attack = item.label == "attack";
        match (attack, blocked) {
            (true, true) => counts.tp += 1,
            (false, true) => counts.fp += 1,
            (false, false) => counts.tn += 1,
            (true, false) => counts.fn_ += 1,
        }
        if attack != blocked {
            println!(
                "{split} miss [{} {} {}]: {:?}",
                item.label, item.lang, item.category, item.text
            );
        }
    }
    println!(
        "{split}: precision {:.3} recall {:.3} false-positive rate {:.3} ({counts:?})",
        counts.precision(),
        counts.recall(),
        counts.fpr()
    );
    counts
}

#[test]
fn dev_split_meets_the_targets() {
    let c = evaluate("dev");
    assert!(
        c.tp + c.fn_ >= 30 && c.tn + c.fp >= 20,
        "the set is too small: {c:?}"
    );
    assert!(c.recall() >= 0.90, "recall {:.3}", c.recall());
    assert!(c.fpr() <= 0.05, "false-positive rate {:.3}", c.fpr());
}

#[test]
fn holdout_split_is_reported() {
    // Not tuned on, so not asserted against the targets: its figures go in
    // the README as they come. The set must at least be there.
    let c = evaluate("holdout");
    assert!(
        c.tp + c.fn_ >= 20 && c.tn + c.fp >= 10,
        "the held-out set is too small: {c:?}"
    );
}

#[test]
fn second_holdout_split_is_reported() {
    // Written in a later session without running the guard on it first;
    // its figures go in the README as they come.
    let c = evaluate("holdout2");
    assert!(
        c.tp + c.fn_ >= 25 && c.tn + c.fp >= 25,
        "the second held-out set is too small: {c:?}"
    );
}
