//! `safe_prompt` over prompt collections kept outside this repository, for
//! a detection figure that its authors did not write: each file is a JSON
//! array of strings (or of arrays of strings), or JSON lines with a `text`
//! field. Every prompt in the files is taken as an attack; the program
//! prints, per file and in total, how many the default guard blocks.
//!
//! ```text
//! cargo run --release -p example-prompt-eval -- FILE... [--misses] [--part even|odd]
//! ```
//!
//! `--part` keeps every other prompt of each file (by position, from the
//! first or the second): one half to study the misses of, the other to
//! report untouched.
//!
//! The sanitize README says which public collections were measured and
//! how to fetch them.

use std::process::ExitCode;

use alphaguard_sanitize::{PromptGuard, Verdict};
use anyhow::Context as _;
use serde_json::Value;

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

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = || {
        eprintln!("usage: example-prompt-eval FILE... [--misses] [--part even|odd]");
        ExitCode::from(2)
    };
    let show_misses = args.iter().any(|a| a == "--misses");
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
            let part_value = i > 0 && args[i - 1] == "--part";
            !(a.starts_with("--") || part_value)
        })
        .map(|(_, a)| a)
        .collect();
    if files.is_empty() {
        return usage();
    }
    let guard = PromptGuard::new();
    let (mut blocked_all, mut total_all) = (0usize, 0usize);
    for file in files {
        let items = match std::fs::read_to_string(file)
            .with_context(|| format!("reading {file}"))
            .and_then(|t| prompts(&t).with_context(|| format!("parsing {file}")))
        {
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
                println!("miss: {head:?}");
            }
        }
        println!(
            "{file}: {blocked} of {} blocked ({:.3})",
            items.len(),
            blocked as f64 / items.len().max(1) as f64
        );
        blocked_all += blocked;
        total_all += items.len();
    }
    println!(
        "total: {blocked_all} of {total_all} blocked ({:.3})",
        blocked_all as f64 / total_all.max(1) as f64
    );
    ExitCode::SUCCESS
}
