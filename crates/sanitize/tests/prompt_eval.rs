//! The labelled evaluation set (`tests/data/prompt_eval.jsonl`): precision,
//! recall and false-positive rate of `safe_prompt`'s verdicts.
//!
//! The set has parts (`split`): `dev`, `holdout`, `holdout2` and `dev3` are
//! what the patterns have been tuned on (`holdout` and `holdout2` were
//! held out in the sessions that wrote them, were reported as such, and
//! have been tuned on since); the targets are asserted on them together.
//! `holdout3` was written before the last round of tuning and is never
//! tuned on: its figures are reported, for the README; so is `holdout4`
//! (session 5's families, written before its detectors). `dev4` and
//! `dev5` are session 5's tuned parts. Every item is checked on its
//! channel (`user` when the line names none).
//!
//! Run with `cargo test -p alphaguard-sanitize --test prompt_eval -- --nocapture`
//! to see the figures and every miss.

use alphaguard_sanitize::{Channel, PromptGuard, Verdict};
use serde::Deserialize;

#[derive(Deserialize)]
struct Item {
    text: String,
    label: String,
    lang: String,
    category: String,
    /// Absent from the outside authors' sets, which are one part each.
    #[serde(default)]
    split: String,
    source: String,
    licence: String,
    /// `user` (the default), `document` or `tool`.
    #[serde(default = "user")]
    channel: String,
}

fn user() -> String {
    "user".to_owned()
}

fn channel(item: &Item) -> Channel {
    match item.channel.as_str() {
        "document" => Channel::Document,
        "tool" => Channel::ToolOutput,
        _ => Channel::User,
    }
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
    fn attacks(&self) -> u32 {
        self.tp + self.fn_
    }
    fn benign(&self) -> u32 {
        self.tn + self.fp
    }
}

const TUNED: [&str; 6] = ["dev", "holdout", "holdout2", "dev3", "dev4", "dev5"];
const HELD_OUT: &str = "holdout3";
/// Written in session 5 before any of its detectors, never tuned on.
const HELD_OUT4: &str = "holdout4";

fn items() -> Vec<Item> {
    include_str!("data/prompt_eval.jsonl")
        .lines()
        .map(|line| serde_json::from_str(line).expect("valid eval line"))
        .collect()
}

fn evaluate(splits: &[&str]) -> Counts {
    let items = items();
    let counts = tally(items.iter().filter(|i| splits.contains(&i.split.as_str())));
    println!(
        "{}: precision {:.3} recall {:.3} false-positive rate {:.3} ({counts:?})",
        splits.join("+"),
        counts.precision(),
        counts.recall(),
        counts.fpr()
    );
    counts
}

/// Each item checked on its channel, its misses printed.
fn tally<'a>(items: impl Iterator<Item = &'a Item>) -> Counts {
    let guard = PromptGuard::new();
    let mut counts = Counts::default();
    for item in items {
        let blocked = guard.check_as(&item.text, channel(item)).verdict == Verdict::Block;
        let attack = item.label == "attack";
        match (attack, blocked) {
            (true, true) => counts.tp += 1,
            (false, true) => counts.fp += 1,
            (false, false) => counts.tn += 1,
            (true, false) => counts.fn_ += 1,
        }
        if attack != blocked {
            println!(
                "{} miss [{} {} {} {}]: {:?}",
                item.split, item.label, item.lang, item.category, item.channel, item.text
            );
        }
    }
    counts
}

#[test]
fn every_item_is_labelled_and_sourced() {
    let items = items();
    for item in &items {
        assert!(
            ["attack", "benign"].contains(&item.label.as_str()),
            "{:?}",
            item.text
        );
        assert!(
            TUNED.contains(&item.split.as_str())
                || [HELD_OUT, HELD_OUT4].contains(&item.split.as_str()),
            "unknown split {:?}",
            item.split
        );
        assert!(["en", "de", "fr", "es", "it"].contains(&item.lang.as_str()));
        assert!(
            ["user", "document", "tool"].contains(&item.channel.as_str()),
            "{:?}",
            item.channel
        );
        assert!(!item.category.is_empty() && !item.source.is_empty() && !item.licence.is_empty());
    }
    // At least a third benign, overall and in the held-out part.
    let benign = |split: Option<&str>| {
        let part: Vec<_> = items
            .iter()
            .filter(|i| split.is_none_or(|s| i.split == s))
            .collect();
        (
            part.iter().filter(|i| i.label == "benign").count(),
            part.len(),
        )
    };
    for split in [None, Some(HELD_OUT), Some(HELD_OUT4)] {
        let (b, n) = benign(split);
        assert!(b * 3 >= n, "{split:?}: {b} benign of {n}");
    }
}

#[test]
fn tuned_parts_meet_the_targets() {
    let c = evaluate(&TUNED);
    assert!(
        c.attacks() >= 140 && c.benign() >= 100,
        "the set is too small: {c:?}"
    );
    assert!(c.recall() >= 0.90, "recall {:.3}", c.recall());
    assert!(c.fpr() <= 0.05, "false-positive rate {:.3}", c.fpr());
}

#[test]
fn tuned_parts_one_by_one() {
    // Printed for the README; each part on its own must still catch most
    // attacks (a pattern tuned away for one part shows up here).
    for split in TUNED {
        let c = evaluate(&[split]);
        assert!(c.recall() >= 0.85, "{split}: recall {:.3}", c.recall());
    }
}

#[test]
fn held_out_part_is_reported() {
    // Never tuned on: its figures go in the README as they come.
    let c = evaluate(&[HELD_OUT]);
    assert!(
        c.attacks() >= 50 && c.benign() >= 50,
        "the held-out part is too small: {c:?}"
    );
    // Session 5's families, each item on its channel; the per-family
    // figures come from `example-prompt-eval` (see the README).
    let c = evaluate(&[HELD_OUT4]);
    assert!(
        c.attacks() >= 40 && c.benign() >= 35,
        "the held-out part is too small: {c:?}"
    );
}

/// Sets written by outside authors (helpers given the issue's five
/// families and a brief, never the patterns), 125 attacks and 65 benign
/// look-alikes each, five languages, every channel; authors L, Q, U and Y
/// wrote 250 benign look-alikes only. Each was measured held out first
/// (the README has every held-out figure). Session 18's A to F and
/// session 19's G to U were tuned on after (rules, and the learned
/// scorer's training); session 19's V, W, X and Y were its last held-out
/// figure, tuned on (and trained on) in session 23. Session 23's AD, AE
/// and AF were its held-out round, tuned on in session 24 (rules, and
/// the learned scorer's training). Session 24's AG, AH and AI, its
/// held-out round, were committed in session 25 at the figures they were
/// held out with (neither tuned nor trained on yet). Session 30's BE to BI
/// were written for tuning and counted once before they were read. These
/// floors keep what was reached from being lost.
#[test]
fn outside_authors_sets_keep_their_tuned_figures() {
    // (author, set, its (attacks, benign), recall floor, most false positives)
    for (name, text, size, min_recall, max_false_positives) in [
        (
            "a",
            include_str!("data/outside_author_a.jsonl"),
            (125, 65),
            0.94,
            1,
        ),
        (
            "b",
            include_str!("data/outside_author_b.jsonl"),
            (125, 65),
            0.86,
            1,
        ),
        (
            "c",
            include_str!("data/outside_author_c.jsonl"),
            (125, 65),
            0.83,
            3,
        ),
        (
            "d",
            include_str!("data/outside_author_d.jsonl"),
            (125, 65),
            0.85,
            3,
        ),
        (
            "e",
            include_str!("data/outside_author_e.jsonl"),
            (125, 65),
            0.80,
            3,
        ),
        (
            "f",
            include_str!("data/outside_author_f.jsonl"),
            (125, 65),
            0.83,
            2,
        ),
        (
            "g",
            include_str!("data/outside_author_g.jsonl"),
            (125, 65),
            0.75,
            2,
        ),
        (
            "h",
            include_str!("data/outside_author_h.jsonl"),
            (125, 65),
            0.74,
            2,
        ),
        (
            "i",
            include_str!("data/outside_author_i.jsonl"),
            (125, 65),
            0.78,
            7,
        ),
        (
            "j",
            include_str!("data/outside_author_j.jsonl"),
            (125, 65),
            0.70,
            2,
        ),
        (
            "k",
            include_str!("data/outside_author_k.jsonl"),
            (125, 65),
            0.73,
            1,
        ),
        (
            "l",
            include_str!("data/outside_author_l.jsonl"),
            (0, 250),
            0.0,
            5,
        ),
        (
            "m",
            include_str!("data/outside_author_m.jsonl"),
            (125, 65),
            0.77,
            6,
        ),
        (
            "n",
            include_str!("data/outside_author_n.jsonl"),
            (125, 65),
            0.74,
            1,
        ),
        (
            "o",
            include_str!("data/outside_author_o.jsonl"),
            (125, 65),
            0.78,
            2,
        ),
        (
            "p",
            include_str!("data/outside_author_p.jsonl"),
            (125, 65),
            0.70,
            1,
        ),
        (
            "q",
            include_str!("data/outside_author_q.jsonl"),
            (0, 250),
            0.0,
            3,
        ),
        (
            "r",
            include_str!("data/outside_author_r.jsonl"),
            (125, 65),
            0.67,
            2,
        ),
        (
            "s",
            include_str!("data/outside_author_s.jsonl"),
            (125, 65),
            0.68,
            1,
        ),
        (
            "t",
            include_str!("data/outside_author_t.jsonl"),
            (125, 65),
            0.78,
            3,
        ),
        (
            "u",
            include_str!("data/outside_author_u.jsonl"),
            (0, 250),
            0.0,
            5,
        ),
        (
            "v",
            include_str!("data/outside_author_v.jsonl"),
            (125, 65),
            0.72,
            2,
        ),
        (
            "w",
            include_str!("data/outside_author_w.jsonl"),
            (125, 65),
            0.69,
            2,
        ),
        (
            "x",
            include_str!("data/outside_author_x.jsonl"),
            (125, 65),
            0.68,
            2,
        ),
        (
            "y",
            include_str!("data/outside_author_y.jsonl"),
            (0, 250),
            0.0,
            6,
        ),
        (
            "ad",
            include_str!("data/outside_author_ad.jsonl"),
            (125, 65),
            0.95,
            2,
        ),
        (
            "ae",
            include_str!("data/outside_author_ae.jsonl"),
            (125, 65),
            0.95,
            0,
        ),
        (
            "af",
            include_str!("data/outside_author_af.jsonl"),
            (125, 65),
            0.97,
            3,
        ),
        // Round 7 (session 24's held-out round), committed as dev in
        // session 25 at the figures it was held out with (0.80, 0.76,
        // 0.88); session 26 wrote rows from its misses.
        (
            "ag",
            include_str!("data/outside_author_ag.jsonl"),
            (125, 65),
            0.87,
            1,
        ),
        (
            "ah",
            include_str!("data/outside_author_ah.jsonl"),
            (125, 65),
            0.86,
            3,
        ),
        (
            "ai",
            include_str!("data/outside_author_ai.jsonl"),
            (125, 65),
            0.91,
            0,
        ),
        // Round 8 (session 25's held-out round), committed as dev in
        // session 26 at the figures of its last held-out count (it was
        // counted, never read, on five builds): not tuned on.
        (
            "aj",
            include_str!("data/outside_author_aj.jsonl"),
            (125, 65),
            0.84,
            0,
        ),
        (
            "ak",
            include_str!("data/outside_author_ak.jsonl"),
            (125, 65),
            0.86,
            2,
        ),
        (
            "al",
            include_str!("data/outside_author_al.jsonl"),
            (125, 65),
            0.90,
            0,
        ),
        // Round 9 (session 26's held-out round), committed as dev in
        // session 27 at the figures of its last held-out count (counted,
        // never read, on three builds), before any row was written from it.
        (
            "am",
            include_str!("data/outside_author_am.jsonl"),
            (125, 65),
            0.78,
            2,
        ),
        (
            "an",
            include_str!("data/outside_author_an.jsonl"),
            (125, 65),
            0.76,
            1,
        ),
        (
            "ao",
            include_str!("data/outside_author_ao.jsonl"),
            (125, 65),
            0.73,
            0,
        ),
        // Round 10 (held out through session 27, counted never read on
        // four builds), committed as dev at the session's end at its
        // final count, after two false positives were read and fixed.
        (
            "ap",
            include_str!("data/outside_author_ap.jsonl"),
            (125, 65),
            0.84,
            3,
        ),
        (
            "aq",
            include_str!("data/outside_author_aq.jsonl"),
            (125, 65),
            0.87,
            4,
        ),
        (
            "ar",
            include_str!("data/outside_author_ar.jsonl"),
            (125, 65),
            0.80,
            3,
        ),
        // Round 11 (held out from session 27's end, counted never read
        // on the builds of sessions 27 and 28), committed as dev in
        // session 28 at its count on that session's code, once round 12
        // was written to take its place.
        (
            "as",
            include_str!("data/outside_author_as.jsonl"),
            (125, 65),
            0.88,
            3,
        ),
        (
            "at",
            include_str!("data/outside_author_at.jsonl"),
            (125, 65),
            0.80,
            4,
        ),
        (
            "au",
            include_str!("data/outside_author_au.jsonl"),
            (125, 65),
            0.864,
            2,
        ),
        // Round 12 (held out through session 28, counted never read on
        // its builds), committed as dev in session 29 at its count on
        // that session's first build, once round 13 was being written.
        (
            "av",
            include_str!("data/outside_author_av.jsonl"),
            (125, 65),
            0.824,
            1,
        ),
        (
            "aw",
            include_str!("data/outside_author_aw.jsonl"),
            (125, 65),
            0.864,
            3,
        ),
        (
            "ax",
            include_str!("data/outside_author_ax.jsonl"),
            (125, 65),
            0.856,
            3,
        ),
        // Round 14 (held out through session 30, counted never read on
        // three of its builds), committed as dev at session 31's start at
        // its count on that session's first build.
        (
            "bb",
            include_str!("data/outside_author_bb.jsonl"),
            (125, 65),
            0.840,
            1,
        ),
        (
            "bc",
            include_str!("data/outside_author_bc.jsonl"),
            (125, 65),
            0.792,
            1,
        ),
        (
            "bd",
            include_str!("data/outside_author_bd.jsonl"),
            (125, 65),
            0.736,
            1,
        ),
        // Round 15 (written in session 30 for tuning, counted once before
        // any item was read: 524 of 625 on that session's first build,
        // 528 on the build before it was read), committed as dev at its
        // count on the build that first tuned on it.
        (
            "be",
            include_str!("data/outside_author_be.jsonl"),
            (125, 65),
            0.800,
            1,
        ),
        (
            "bf",
            include_str!("data/outside_author_bf.jsonl"),
            (125, 65),
            0.856,
            3,
        ),
        (
            "bg",
            include_str!("data/outside_author_bg.jsonl"),
            (125, 65),
            0.896,
            1,
        ),
        (
            "bh",
            include_str!("data/outside_author_bh.jsonl"),
            (125, 65),
            0.832,
            1,
        ),
        (
            "bi",
            include_str!("data/outside_author_bi.jsonl"),
            (125, 65),
            0.840,
            2,
        ),
        // Round 17 (written in session 31 for tuning, counted once before
        // any item was read: 332 of 375 on that session's first build,
        // 337 on the build before it was read), committed as dev at that
        // count.
        (
            "bm",
            include_str!("data/outside_author_bm.jsonl"),
            (125, 65),
            0.920,
            5,
        ),
        (
            "bn",
            include_str!("data/outside_author_bn.jsonl"),
            (125, 65),
            0.896,
            1,
        ),
        (
            "bo",
            include_str!("data/outside_author_bo.jsonl"),
            (125, 65),
            0.880,
            2,
        ),
        // Round 18 (written in session 31 for tuning, counted once before
        // any item was read: 326 of 375 on that session's first build,
        // 328 on the build before it was read), committed as dev at that
        // count.
        (
            "bp",
            include_str!("data/outside_author_bp.jsonl"),
            (125, 65),
            0.864,
            1,
        ),
        (
            "bq",
            include_str!("data/outside_author_bq.jsonl"),
            (125, 65),
            0.888,
            3,
        ),
        (
            "br",
            include_str!("data/outside_author_br.jsonl"),
            (125, 65),
            0.872,
            2,
        ),
        // Round 19 (written in session 31 for tuning, on the two weakest
        // families only: 75 reasoning and 50 exfiltration attacks each,
        // and look-alikes of those; counted once before any item was
        // read: 193 of 375 and 20 of 195 false positives on that
        // session's first build, 197 and 19 on the build before it was
        // read), committed as dev at that count.
        (
            "bs",
            include_str!("data/outside_author_bs.jsonl"),
            (125, 65),
            0.568,
            8,
        ),
        (
            "bt",
            include_str!("data/outside_author_bt.jsonl"),
            (125, 65),
            0.456,
            6,
        ),
        (
            "bu",
            include_str!("data/outside_author_bu.jsonl"),
            (125, 65),
            0.552,
            5,
        ),
        // Round 16 (held out through session 31, counted never read on
        // two of its builds), committed as dev at session 32's start at
        // its count on that session's first build.
        (
            "bj",
            include_str!("data/outside_author_bj.jsonl"),
            (125, 65),
            0.872,
            1,
        ),
        (
            "bk",
            include_str!("data/outside_author_bk.jsonl"),
            (125, 65),
            0.864,
            2,
        ),
        (
            "bl",
            include_str!("data/outside_author_bl.jsonl"),
            (125, 65),
            0.896,
            1,
        ),
        // Round 20 (held out through session 32, counted never read on
        // two of its builds), committed as dev at session 33's start at
        // its count on that session's first build.
        (
            "bv",
            include_str!("data/outside_author_bv.jsonl"),
            (125, 65),
            0.856,
            2,
        ),
        (
            "bw",
            include_str!("data/outside_author_bw.jsonl"),
            (125, 65),
            0.920,
            4,
        ),
        (
            "bx",
            include_str!("data/outside_author_bx.jsonl"),
            (125, 65),
            0.848,
            4,
        ),
        // Round 21 (held out through session 33, counted never read on
        // two of its builds), committed as dev at session 34's start at
        // its count on that session's first build.
        (
            "by",
            include_str!("data/outside_author_by.jsonl"),
            (125, 65),
            0.832,
            1,
        ),
        (
            "bz",
            include_str!("data/outside_author_bz.jsonl"),
            (125, 65),
            0.920,
            3,
        ),
        (
            "ca",
            include_str!("data/outside_author_ca.jsonl"),
            (125, 65),
            0.824,
            2,
        ),
        // Round 22 (held out through session 34, counted never read on
        // two of its builds), committed as dev at session 35's start at
        // its count on that session's first build.
        (
            "cb",
            include_str!("data/outside_author_cb.jsonl"),
            (125, 65),
            0.912,
            1,
        ),
        (
            "cc",
            include_str!("data/outside_author_cc.jsonl"),
            (125, 65),
            0.864,
            1,
        ),
        (
            "cd",
            include_str!("data/outside_author_cd.jsonl"),
            (125, 65),
            0.936,
            1,
        ),
        // Rounds 23 and 24 (held out through session 35, counted never
        // read on two of its builds), committed as dev at session 36's
        // start at their count on that session's first build.
        (
            "ce",
            include_str!("data/outside_author_ce.jsonl"),
            (125, 65),
            0.872,
            2,
        ),
        (
            "cf",
            include_str!("data/outside_author_cf.jsonl"),
            (125, 65),
            0.880,
            4,
        ),
        (
            "cg",
            include_str!("data/outside_author_cg.jsonl"),
            (125, 65),
            0.824,
            4,
        ),
        (
            "ch",
            include_str!("data/outside_author_ch.jsonl"),
            (125, 65),
            0.856,
            3,
        ),
        (
            "ci",
            include_str!("data/outside_author_ci.jsonl"),
            (125, 65),
            0.840,
            6,
        ),
        (
            "cj",
            include_str!("data/outside_author_cj.jsonl"),
            (125, 65),
            0.832,
            3,
        ),
        // Rounds 25 and 26 (held out through session 36, counted never
        // read on two of its builds), committed as dev at session 37's
        // start at their count on that session's first build.
        (
            "ck",
            include_str!("data/outside_author_ck.jsonl"),
            (125, 65),
            0.896,
            2,
        ),
        (
            "cl",
            include_str!("data/outside_author_cl.jsonl"),
            (125, 65),
            0.864,
            2,
        ),
        (
            "cm",
            include_str!("data/outside_author_cm.jsonl"),
            (125, 65),
            0.904,
            1,
        ),
        (
            "cn",
            include_str!("data/outside_author_cn.jsonl"),
            (125, 65),
            0.936,
            2,
        ),
        (
            "co",
            include_str!("data/outside_author_co.jsonl"),
            (125, 65),
            0.888,
            2,
        ),
        (
            "cp",
            include_str!("data/outside_author_cp.jsonl"),
            (125, 65),
            0.784,
            1,
        ),
        // Rounds 29 and 30 (held out in session 38, counted never read on
        // its first build and its final one, 163fd4b), committed as dev
        // later in the same session at their final count. Rounds 27 and
        // 28 were lost with session 37's machine, never committed.
        (
            "cz",
            include_str!("data/outside_author_cz.jsonl"),
            (125, 65),
            0.904,
            1,
        ),
        (
            "da",
            include_str!("data/outside_author_da.jsonl"),
            (125, 65),
            0.944,
            1,
        ),
        (
            "db",
            include_str!("data/outside_author_db.jsonl"),
            (125, 65),
            0.936,
            4,
        ),
        (
            "dc",
            include_str!("data/outside_author_dc.jsonl"),
            (125, 65),
            0.912,
            3,
        ),
        (
            "dd",
            include_str!("data/outside_author_dd.jsonl"),
            (125, 65),
            0.936,
            1,
        ),
        (
            "df",
            include_str!("data/outside_author_df.jsonl"),
            (125, 65),
            0.848,
            2,
        ),
        // Rounds 31 and 32 (held out in session 38 from the build they were
        // written against, e03a0af, to its final one, ee4f406, counted
        // never read on both), committed as dev at its end at that count.
        (
            "dg",
            include_str!("data/outside_author_dg.jsonl"),
            (125, 65),
            0.912,
            3,
        ),
        (
            "dh",
            include_str!("data/outside_author_dh.jsonl"),
            (125, 65),
            0.88,
            2,
        ),
        (
            "di",
            include_str!("data/outside_author_di.jsonl"),
            (125, 65),
            0.936,
            0,
        ),
        (
            "dj",
            include_str!("data/outside_author_dj.jsonl"),
            (125, 65),
            0.904,
            1,
        ),
        (
            "dk",
            include_str!("data/outside_author_dk.jsonl"),
            (125, 65),
            0.928,
            0,
        ),
        (
            "dl",
            include_str!("data/outside_author_dl.jsonl"),
            (125, 65),
            0.936,
            3,
        ),
        // Round 33 (held out in session 39, counted never read on its
        // first build, 062c47d, and its final one, d86741c: the same on
        // both), committed as dev at its end at that count.
        (
            "dm",
            include_str!("data/outside_author_dm.jsonl"),
            (125, 65),
            0.912,
            3,
        ),
        (
            "dn",
            include_str!("data/outside_author_dn.jsonl"),
            (125, 65),
            0.872,
            1,
        ),
        (
            "do",
            include_str!("data/outside_author_do.jsonl"),
            (125, 65),
            0.888,
            3,
        ),
        // Round 34 (held out in session 40, counted never read on its
        // first build, f523e81, and its final ones, 16becca and a238ccf:
        // the same on all three), committed as dev at its end at that
        // count.
        (
            "dp",
            include_str!("data/outside_author_dp.jsonl"),
            (125, 65),
            0.904,
            1,
        ),
        (
            "dq",
            include_str!("data/outside_author_dq.jsonl"),
            (125, 65),
            0.904,
            3,
        ),
        (
            "dr",
            include_str!("data/outside_author_dr.jsonl"),
            (125, 65),
            0.952,
            2,
        ),
        // Round 35 (held out in session 41, counted never read on its
        // first build, e7ef7c8's, and its final one, ea4ed12: the same on
        // both), committed as dev at its end at that count.
        (
            "ds",
            include_str!("data/outside_author_ds.jsonl"),
            (125, 65),
            0.848,
            4,
        ),
        (
            "dt",
            include_str!("data/outside_author_dt.jsonl"),
            (125, 65),
            0.880,
            1,
        ),
        (
            "du",
            include_str!("data/outside_author_du.jsonl"),
            (125, 65),
            0.888,
            0,
        ),
        // Round 36 (held out in session 42, counted never read on its
        // first build, 06e7bea's, on fc9288f's and on its final one),
        // committed as dev at the final build's count.
        (
            "dv",
            include_str!("data/outside_author_dv.jsonl"),
            (125, 65),
            0.928,
            1,
        ),
        (
            "dw",
            include_str!("data/outside_author_dw.jsonl"),
            (125, 65),
            0.896,
            4,
        ),
        (
            "dx",
            include_str!("data/outside_author_dx.jsonl"),
            (125, 65),
            0.848,
            3,
        ),
        // Round 37 (held out in session 43, counted never read on its
        // first build, 0e219ae's, on the two versions it withdrew and on
        // its final one, whose rules are the first's), committed as dev
        // at that count.
        (
            "dy",
            include_str!("data/outside_author_dy.jsonl"),
            (125, 65),
            0.912,
            2,
        ),
        (
            "dz",
            include_str!("data/outside_author_dz.jsonl"),
            (125, 65),
            0.912,
            3,
        ),
        (
            "ea",
            include_str!("data/outside_author_ea.jsonl"),
            (125, 65),
            0.920,
            2,
        ),
        // Rounds 38 (EE, EF, EG) and 39 (EH, EI, EJ), held out in session
        // 44 and counted never read on its first build (`0f2735a`) and on
        // its last (`4849f72`, blanks read as one space), with the same
        // figures; a retrained learned table was tried on round 38, whose
        // false positives were then read, and withdrawn; nothing was
        // changed for either round. Committed as dev at that count.
        (
            "ee",
            include_str!("data/outside_author_ee.jsonl"),
            (125, 65),
            0.896,
            1,
        ),
        (
            "ef",
            include_str!("data/outside_author_ef.jsonl"),
            (125, 65),
            0.912,
            3,
        ),
        (
            "eg",
            include_str!("data/outside_author_eg.jsonl"),
            (125, 65),
            0.880,
            6,
        ),
        (
            "eh",
            include_str!("data/outside_author_eh.jsonl"),
            (125, 65),
            0.928,
            2,
        ),
        (
            "ei",
            include_str!("data/outside_author_ei.jsonl"),
            (125, 65),
            0.920,
            6,
        ),
        (
            "ej",
            include_str!("data/outside_author_ej.jsonl"),
            (125, 65),
            0.920,
            3,
        ),
        // Rounds 40 (EK, EL, EM) and 41 (EN, EO, EP), written in session 44
        // and counted never read on its first build and on its last
        // (`4849f72`, blanks read as one space: the same but for one more
        // false positive of EO's, an aligned webhook log, which was then
        // read), committed as dev at the last count.
        (
            "ek",
            include_str!("data/outside_author_ek.jsonl"),
            (125, 65),
            0.880,
            1,
        ),
        (
            "el",
            include_str!("data/outside_author_el.jsonl"),
            (125, 65),
            0.872,
            2,
        ),
        (
            "em",
            include_str!("data/outside_author_em.jsonl"),
            (125, 65),
            0.912,
            1,
        ),
        (
            "en",
            include_str!("data/outside_author_en.jsonl"),
            (125, 65),
            0.888,
            6,
        ),
        (
            "eo",
            include_str!("data/outside_author_eo.jsonl"),
            (125, 65),
            0.880,
            1,
        ),
        (
            "ep",
            include_str!("data/outside_author_ep.jsonl"),
            (125, 65),
            0.872,
            2,
        ),
        // Rounds 42 (EQ, ER, ES) and 43 (ET, EU, EV), written in session 45
        // and counted never read on its first build and on its last (the
        // same figures), committed as dev at the last count.
        (
            "eq",
            include_str!("data/outside_author_eq.jsonl"),
            (125, 65),
            0.944,
            1,
        ),
        (
            "er",
            include_str!("data/outside_author_er.jsonl"),
            (125, 65),
            0.880,
            1,
        ),
        (
            "es",
            include_str!("data/outside_author_es.jsonl"),
            (125, 65),
            0.888,
            2,
        ),
        (
            "et",
            include_str!("data/outside_author_et.jsonl"),
            (125, 65),
            0.928,
            3,
        ),
        (
            "eu",
            include_str!("data/outside_author_eu.jsonl"),
            (125, 65),
            0.888,
            4,
        ),
        (
            "ev",
            include_str!("data/outside_author_ev.jsonl"),
            (125, 65),
            0.912,
            2,
        ),
        // Rounds 44 (EW, EX, EY) and 45 (EZ, FA, FB), written in session 46
        // and counted never read on its first build and on its last (the
        // same figures), committed as dev at the last count.
        (
            "ew",
            include_str!("data/outside_author_ew.jsonl"),
            (125, 65),
            0.928,
            0,
        ),
        (
            "ex",
            include_str!("data/outside_author_ex.jsonl"),
            (125, 65),
            0.880,
            3,
        ),
        (
            "ey",
            include_str!("data/outside_author_ey.jsonl"),
            (125, 65),
            0.880,
            2,
        ),
        (
            "ez",
            include_str!("data/outside_author_ez.jsonl"),
            (125, 65),
            0.888,
            2,
        ),
        (
            "fa",
            include_str!("data/outside_author_fa.jsonl"),
            (125, 65),
            0.888,
            0,
        ),
        (
            "fb",
            include_str!("data/outside_author_fb.jsonl"),
            (125, 65),
            0.872,
            0,
        ),
        // Benign only: requests, notes and tool outputs in five languages
        // that use the words attacks use (an outside author, session 32,
        // written for the learned scorer's training; counted once before
        // it was trained on: 1 false positive of 600).
        (
            "benign-requests-s32",
            include_str!("data/benign_requests_s32.jsonl"),
            (0, 600),
            0.0,
            1,
        ),
        // Benign only: role and persona prompts a user types (act as, play,
        // a game's rules, a custom assistant's set-up pasted), in five
        // languages, by an outside author in session 35; counted once
        // before any change for it: 9 of 600 blocked, 5 after that
        // session's two mends for it.
        // Benign only: user messages that share words and shapes with
        // the attack families (reasoning about others' rules, real
        // admins, one's own data sent, harmless encodings, one's own
        // earlier instructions overridden, role-play), five languages, by
        // an outside author in session 37; counted before any change for
        // it on the session's first build and on the build with its
        // user-channel rows: 9 of 600 on both; 8 after moving one row to
        // documents and tool outputs; 9 again in session 40, once a verb
        // of saying no longer makes a quotation a citation on the user's
        // channel ("m'a dit qu'ils arrivent à « voir les instructions
        // secrètes »").
        // Benign only: two outside reviews' look-alikes of session 42's
        // argument rule (people reasoning aloud about a phone operator's
        // contract, an assistant coach's league rules, a game master's
        // "your rules", refusal rates in an AI-safety seminar, their
        // physiotherapist's instructions, the assistant's recipe they
        // followed, a system prompt they are writing), each blocked by a
        // wider version of the rule (54 by `fc9288f`, 46 by `09b0e8e`),
        // none by the session's start.
        (
            "benign-lookalikes-s42",
            include_str!("data/benign_lookalikes_s42.jsonl"),
            (0, 100),
            0.0,
            0,
        ),
        // Two outside reviews of session 43's discounts for documents that
        // talk of attacks (a technique named in a sentence, an order named
        // as a cliché, "never let", a notice's title above a greeting),
        // which the session then withdrew: their attacks carry a real
        // order through each discount (60 of the first review's 174 and
        // 56 of the second's 86 got through a version the start blocked
        // them on), their look-alikes are documents of the same shapes.
        // Floors at the start's count, which the code is again (the second
        // review's 83 of 86 after the session's `{clause}` fix): any later
        // discount of this kind must keep them blocked.
        (
            "review-s43",
            include_str!("data/review_s43.jsonl"),
            (174, 90),
            0.954,
            32,
        ),
        (
            "review-s43b",
            include_str!("data/review_s43b.jsonl"),
            (86, 65),
            0.965,
            23,
        ),
        (
            "benign-lookalikes-s37",
            include_str!("data/benign_lookalikes_s37.jsonl"),
            (0, 600),
            0.0,
            9,
        ),
        (
            "benign-personas-s35",
            include_str!("data/benign_personas_s35.jsonl"),
            (0, 600),
            0.0,
            5,
        ),
    ] {
        let items: Vec<Item> = text
            .lines()
            .map(|line| serde_json::from_str(line).expect("valid line"))
            .collect();
        let c = tally(items.iter());
        assert_eq!((c.attacks(), c.benign()), size, "author {name}");
        println!(
            "author {name}: recall {:.3}, false positives {} of {}",
            c.recall(),
            c.fp,
            c.benign()
        );
        assert!(
            c.recall() >= min_recall,
            "author {name}: recall {:.3}",
            c.recall()
        );
        assert!(
            c.fp <= max_false_positives,
            "author {name}: {} false positives",
            c.fp
        );
    }
}

/// Blanks between words change no verdict: the detection view reads a run
/// of spaces or tabs as one space, and CR LF as LF (session 44: with every
/// space doubled, 2,206 of the 12,994 dev attacks the guard blocked were
/// let through, most with no finding at all; with their first three
/// spaces as tabs, 283; with CR LF line ends, 6; with vertical tabs for
/// spaces, 2,224). Four outside authors' sets, each item as written and
/// so re-spaced, on its own channel.
#[test]
fn blanks_between_words_change_no_verdict() {
    let guard = PromptGuard::new();
    let mut checked = 0;
    for text in [
        include_str!("data/outside_author_a.jsonl"),
        include_str!("data/outside_author_ao.jsonl"),
        include_str!("data/outside_author_dy.jsonl"),
        include_str!("data/outside_author_eh.jsonl"),
    ] {
        for line in text.lines() {
            let item: Item = serde_json::from_str(line).expect("valid line");
            let verdict = guard.check_as(&item.text, channel(&item)).verdict;
            for respaced in [
                item.text.replace(' ', "  "),
                item.text.replace(' ', "\t"),
                item.text.replace(' ', " \t "),
                item.text.replace(' ', "\x0b"),
                item.text.replace('\n', "\r\n"),
            ] {
                let report = guard.check_as(&respaced, channel(&item));
                assert_eq!(
                    report.verdict, verdict,
                    "{} {respaced:?} {:?}",
                    item.label, report.findings
                );
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 4 * 190);
}
