//! `safe_prompt` over prompt collections kept outside this repository, for
//! a detection figure that its authors did not write: each file is a JSON
//! array of strings (or of arrays of strings), or JSON lines with a `text`
//! field. Every prompt in the files is taken as an attack; the program
//! prints, per file and in total, how many the default guard blocks.
//!
//! ```text
//! cargo run --release -p example-prompt-eval -- FILE... [--misses|--misses-full] [--part even|odd] [--content-threshold T] [--user-threshold T]
//! ```
//!
//! `--content-threshold` sets the threshold of the document and tool-output
//! channels (0.5 by default, as on the user's), `--user-threshold` that
//! of the user's channel.
//!
//! A JSON-lines file whose lines carry a `label` (`attack` or `benign`) is
//! read as a labelled set instead: each item is checked on its `channel`
//! (`user`, `document` or `tool`; `user` when absent), and the program
//! prints recall per `family` and per channel, and the false-positive rate
//! of the benign items per channel (`scripts/fetch_sources.py` builds such
//! files from public sources).
//!
//! `--learned` adds the learned scorer's evidence on every channel
//! (`PromptGuard::with_learned_scorer`); `--rules` takes it away from
//! every channel; without either the guard is `PromptGuard::new()`.
//!
//! `--dump` prints, instead of figures, one JSON line per item of a
//! labelled set: its label, family, channel and source, the rules' score
//! and findings (kind, score, byte span of the view), and the detection
//! view (`scripts/train_ngram.py` trains the learned
//! scorer on the dev halves so dumped); the score is that of the rules
//! alone, whatever the other flags say, except with `--shipped`: then it
//! is the default guard's, with the learned scorer's finding among the
//! findings.
//!
//! `--part` keeps every other prompt of each file (by position, from the
//! first or the second): one half to study the misses of, the other to
//! report untouched.
//!
//! The sanitize README says which public collections were measured and
//! how to fetch them.

use std::process::ExitCode;

use std::collections::BTreeMap;

use alphaguard_sanitize::{Channel, PromptGuard, Verdict};
use anyhow::Context as _;
use serde_json::Value;

/// `println!` that stops the program quietly when standard output is
/// closed (`example-prompt-eval … | head`), where `println!` panics.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if writeln!(std::io::stdout().lock(), $($arg)*).is_err() {
            std::process::exit(0);
        }
    }};
}

fn prompts(text: &str) -> anyhow::Result<Vec<String>> {
    let mut out = Vec::new();
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        collect(&value, &mut out);
        return Ok(out);
    }
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let value: Value =
            serde_json::from_str(line).with_context(|| format!("line {}: not JSON", n + 1))?;
        collect(&value, &mut out);
    }
    Ok(out)
}

fn collect(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        Value::Object(map) => {
            if let Some(Value::String(s)) = map.get("text").or_else(|| map.get("prompt")) {
                out.push(s.clone());
            }
        }
        _ => {}
    }
}

/// One item of a labelled set.
struct Labelled {
    text: String,
    attack: bool,
    family: String,
    channel: String,
    source: String,
}

/// The items of a labelled JSON-lines file, or `None` when its first line
/// has no `label`.
fn labelled(text: &str) -> anyhow::Result<Option<Vec<Labelled>>> {
    let mut out = Vec::new();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let Ok(value) = serde_json::from_str::<Value>(line) else {
            return Ok(None);
        };
        let field = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_owned);
        let Some(label) = field("label") else {
            return Ok(None);
        };
        let text = field("text").with_context(|| format!("line {}: no text", n + 1))?;
        out.push(Labelled {
            text,
            attack: label == "attack",
            family: field("family")
                .or_else(|| field("category"))
                .unwrap_or_default(),
            channel: field("channel").unwrap_or_else(|| "user".to_owned()),
            source: field("source").unwrap_or_default(),
        });
    }
    Ok(Some(out))
}

fn channel(name: &str) -> Channel {
    match name {
        "document" => Channel::Document,
        "tool" => Channel::ToolOutput,
        _ => Channel::User,
    }
}

/// Caught and total, per key.
type Tally = BTreeMap<String, (usize, usize)>;

fn report_labelled(
    file: &str,
    items: &[Labelled],
    guard: &PromptGuard,
    show_misses: bool,
    head_chars: usize,
) {
    let (mut by_family, mut by_channel, mut by_source, mut benign) =
        (Tally::new(), Tally::new(), Tally::new(), Tally::new());
    let mut all = (0, 0);
    let mut all_benign = (0, 0);
    for item in items {
        let report = guard.check_as(&item.text, channel(&item.channel));
        let blocked = report.verdict == Verdict::Block;
        if item.attack {
            for (tally, key) in [
                (&mut by_family, &item.family),
                (&mut by_channel, &item.channel),
                (&mut by_source, &item.source),
            ] {
                let entry = tally.entry(key.clone()).or_default();
                entry.0 += usize::from(blocked);
                entry.1 += 1;
            }
            all.0 += usize::from(blocked);
            all.1 += 1;
        } else {
            let entry = benign
                .entry(format!("{} ({})", item.channel, item.source))
                .or_default();
            entry.0 += usize::from(blocked);
            entry.1 += 1;
            all_benign.0 += usize::from(blocked);
            all_benign.1 += 1;
        }
        if show_misses && item.attack != blocked {
            let head: String = item.text.chars().take(head_chars).collect();
            let what = if item.attack {
                "miss"
            } else {
                "false positive"
            };
            say!(
                "{what} [{} {} {}]: {head:?}",
                item.family,
                item.channel,
                item.source
            );
            for f in &report.findings {
                let matched = report.normalized.get(f.span.clone()).unwrap_or("");
                let matched: String = matched.chars().take(120).collect();
                say!("    {:?} {:.2} {matched:?}", f.kind, f.score);
            }
        }
    }
    let ratio = |(hit, n): (usize, usize)| hit as f64 / n.max(1) as f64;
    say!(
        "{file}: recall {:.3} ({} of {}), false-positive rate {:.3} ({} of {})",
        ratio(all),
        all.0,
        all.1,
        ratio(all_benign),
        all_benign.0,
        all_benign.1
    );
    for (name, tally) in [
        ("family", &by_family),
        ("channel", &by_channel),
        ("source", &by_source),
    ] {
        for (key, &counts) in tally {
            say!(
                "  recall, {name} {key}: {:.3} ({} of {})",
                ratio(counts),
                counts.0,
                counts.1
            );
        }
    }
    for (key, &counts) in &benign {
        say!(
            "  false-positive rate, channel {key}: {:.3} ({} of {})",
            ratio(counts),
            counts.0,
            counts.1
        );
    }
}

/// The flags that set a threshold, and the channels each one sets.
const THRESHOLD_FLAGS: [(&str, &[Channel]); 2] = [
    (
        "--content-threshold",
        &[Channel::Document, Channel::ToolOutput],
    ),
    ("--user-threshold", &[Channel::User]),
];

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = || {
        eprintln!(
            "usage: example-prompt-eval FILE... [--misses] [--dump [--shipped]] [--learned|--rules] [--part even|odd] [--content-threshold T] [--user-threshold T]"
        );
        ExitCode::from(2)
    };
    let dump = args.iter().any(|a| a == "--dump");
    let show_misses = args.iter().any(|a| a == "--misses" || a == "--misses-full");
    // `--misses-full` prints a miss whole (for a payload in the middle of
    // a document), `--misses` its first 200 characters.
    let head_chars = if args.iter().any(|a| a == "--misses-full") {
        usize::MAX
    } else {
        200
    };
    let part = match args.iter().position(|a| a == "--part") {
        None => None,
        Some(at) => match args.get(at + 1).map(String::as_str) {
            Some("even") => Some(0),
            Some("odd") => Some(1),
            _ => return usage(),
        },
    };
    let files: Vec<&String> = args
        .iter()
        .enumerate()
        .filter(|&(i, a)| {
            let flag_value = i > 0
                && (args[i - 1] == "--part"
                    || THRESHOLD_FLAGS.iter().any(|(flag, _)| args[i - 1] == *flag));
            !(a.starts_with("--") || flag_value)
        })
        .map(|(_, a)| a)
        .collect();
    if files.is_empty() {
        return usage();
    }
    let mut guard = PromptGuard::new();
    let shipped = args.iter().any(|a| a == "--shipped");
    if (dump && !shipped) || args.iter().any(|a| a == "--rules") {
        guard = guard.with_learned_scorer(false);
    } else if args.iter().any(|a| a == "--learned") {
        guard = guard.with_learned_scorer(true);
    }
    for (flag, channels) in THRESHOLD_FLAGS {
        let Some(at) = args.iter().position(|a| a == flag) else {
            continue;
        };
        let Some(threshold) = args.get(at + 1).and_then(|t| t.parse::<f32>().ok()) else {
            return usage();
        };
        for &channel in channels {
            guard = guard.with_channel_threshold(channel, threshold);
        }
    }
    let (mut blocked_all, mut total_all) = (0usize, 0usize);
    for file in files {
        let text = match std::fs::read_to_string(file).with_context(|| format!("reading {file}")) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("{e:#}");
                return ExitCode::FAILURE;
            }
        };
        match labelled(&text) {
            Ok(Some(items)) if dump => {
                for item in &items {
                    let report = guard.check_as(&item.text, channel(&item.channel));
                    let line = serde_json::json!({
                        "label": if item.attack { "attack" } else { "benign" },
                        "family": item.family,
                        "channel": item.channel,
                        "source": item.source,
                        "file": file,
                        "score": report.score,
                        "blocked": report.verdict == Verdict::Block,
                        "findings": report
                            .findings
                            .iter()
                            .map(|f| (format!("{:?}", f.kind), f.score, f.span.start, f.span.end))
                            .collect::<Vec<_>>(),
                        "view": report.normalized,
                    });
                    say!("{line}");
                }
                continue;
            }
            Ok(Some(items)) => {
                report_labelled(file, &items, &guard, show_misses, head_chars);
                continue;
            }
            Ok(None) => {}
            Err(e) => {
                eprintln!("{file}: {e:#}");
                return ExitCode::FAILURE;
            }
        }
        let items = match prompts(&text).with_context(|| format!("parsing {file}")) {
            Ok(items) => items,
            Err(e) => {
                eprintln!("{e:#}");
                return ExitCode::FAILURE;
            }
        };
        let items: Vec<String> = match part {
            None => items,
            Some(parity) => items
                .into_iter()
                .enumerate()
                .filter(|(i, _)| i % 2 == parity)
                .map(|(_, item)| item)
                .collect(),
        };
        let mut blocked = 0;
        for item in &items {
            if guard.check(item).verdict == Verdict::Block {
                blocked += 1;
            } else if show_misses {
                let head: String = item.chars().take(160).collect();
                say!("miss: {head:?}");
            }
        }
        say!(
            "{file}: {blocked} of {} blocked ({:.3})",
            items.len(),
            blocked as f64 / items.len().max(1) as f64
        );
        blocked_all += blocked;
        total_all += items.len();
    }
    say!(
        "total: {blocked_all} of {total_all} blocked ({:.3})",
        blocked_all as f64 / total_all.max(1) as f64
    );
    ExitCode::SUCCESS
}
