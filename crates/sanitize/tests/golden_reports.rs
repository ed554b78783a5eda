//! Pins the exact output of the three guards, so that a change made for
//! speed cannot change a verdict unnoticed: every report `PromptGuard`
//! gives (each channel, and with the learned scorer: verdict, score,
//! findings, detection view, neutralised text), `safe_embed_text` and
//! `safe_log_message`, on the labelled set, on the bench's inputs and on
//! 3,000 texts drawn with a fixed seed from pieces of known tricks, are
//! hashed one record per text and compared with
//! `tests/data/golden_reports.txt`, which the build before the change
//! wrote.
//!
//! A deliberate change of behaviour rewrites the file:
//! `ALPHAGUARD_BLESS=1 cargo test -p alphaguard-sanitize --test golden_reports`
//! (and says so in its commit). A mismatch names the record by its number
//! only: some of the labelled set's texts are held out, not to be read.

use std::fmt::Write as _;

use alphaguard_sanitize::{
    Channel, PromptGuard, PromptReport, safe_embed_text, safe_log_message_with_limit,
};

const GOLDEN: &str = "tests/data/golden_reports.txt";

/// FNV-1a, 64 bits: stable across builds and platforms.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn render(report: &PromptReport, out: &mut String) {
    let _ = write!(
        out,
        "|{:?} {:08x} {:016x} {:016x}",
        report.verdict,
        report.score.to_bits(),
        fnv(report.normalized.as_bytes()),
        fnv(report.text.as_bytes())
    );
    for f in &report.findings {
        let _ = write!(
            out,
            " {}:{}-{}:{:08x}",
            f.kind.as_str(),
            f.span.start,
            f.span.end,
            f.score.to_bits()
        );
    }
}

/// One record per text: every output, rendered, then hashed.
fn record(guards: &[PromptGuard; 2], text: &str) -> u64 {
    let mut out = String::new();
    for channel in [Channel::User, Channel::Document, Channel::ToolOutput] {
        render(&guards[0].check_as_with_nonce(text, channel, 0), &mut out);
    }
    render(
        &guards[1].check_as_with_nonce(text, Channel::User, 0),
        &mut out,
    );
    let _ = write!(
        out,
        "|{:016x}|{:016x}",
        fnv(safe_embed_text(text).as_bytes()),
        fnv(safe_log_message_with_limit(text, usize::MAX).as_bytes())
    );
    fnv(out.as_bytes())
}

/// The bench's inputs (`benches/benches/sanitize.rs`), at both sizes.
fn bench_inputs() -> Vec<String> {
    let repeated = |piece: &str, size: usize| piece.chars().cycle().take(size).collect::<String>();
    let pieces = [
        "The quick brown fox jumps over the lazy dog 0123456789. ",
        "Je voudrais réserver une chambre, s'il vous plaît. Können Sie mir helfen? Die Größe passt nicht. \
     ¿Podría ayudarme con mi pedido? La dirección está equivocada. Perché il mio ordine non è arrivato? ",
        "Привет, как дела? Я хотел бы изменить свой заказ, потому что размер не подходит. ",
        "@everyone **x** <@&1> [a](java&#x09;script:x) \u{1b}[2J\u{202e}\u{200b}\r\n|| `",
        "a&#58;",
    ];
    let mut out = Vec::new();
    for size in [1024, 64 * 1024] {
        for piece in pieces {
            out.push(repeated(piece, size));
        }
    }
    out
}

/// Pieces of the tricks the guards know, to be strung together.
const PIECES: &[&str] = &[
    "ignore",
    " ",
    "previous",
    "instructions",
    "system",
    ":",
    "\n",
    "\r\n",
    "prompt",
    "reveal",
    "i g n o r e",
    "i-g-n-o-r-e",
    "y o u r",
    "r u l e s",
    "<|im_start|>",
    "[INST]",
    "###",
    "#",
    "assistant:",
    "user:",
    "developer",
    "mode",
    "DAN",
    "untrusted_user_input",
    "UNTRUSTED_USER_INPUT",
    "\"",
    "'",
    "“",
    "”",
    "«",
    "»",
    "‘",
    "’",
    "aWdub3JlIGFsbCBwcmV2aW91cyBpbnN0cnVjdGlvbnM=",
    "69676e6f726520616c6c",
    "JFTW433SMUQGC3DM",
    "... . -. -..",
    ".- -... -.-.",
    "%69%67%6e%6f%72%65",
    "49 67 6e 6f 72 65 20 61",
    "01001001 01100111 01101110 01101111 01110010 01100101",
    "vtaber",
    "flfgrz",
    "erongi",
    "rtmliv",
    " gur ",
    "foxtrot",
    "juliet",
    "x-ray",
    "india",
    "golf",
    "november",
    "oscar",
    "romeo",
    "echo",
    "<~87cURD]i,\"Ebo80~>",
    "⠊⠛⠝⠕⠗⠑ ⠁⠇⠇",
    "z\u{301}\u{302}\u{303}\u{304}",
    "\u{e0069}\u{e0067}\u{e006e}",
    "\u{200b}",
    "\u{202e}",
    "\u{feff}",
    "\u{2028}",
    "\u{ad}",
    "ｉｇｎｏｒｅ",
    "іgnоrе",
    "1gn0r3",
    "@",
    "@everyone",
    "**",
    "__",
    "~~",
    "||",
    "`",
    "```",
    ">",
    "-",
    "1.",
    "\\",
    "\\*",
    "[a](",
    ")",
    "javascript:",
    "JaVaScRiPt",
    "java&#x09;script",
    "&#58;",
    "&#0000058",
    "&colon;",
    "&Tab;",
    "&newline;",
    "&sol;",
    "&bsol;",
    "&#x3A",
    "&",
    "data:",
    "text/html,",
    "file:",
    "\\\\host\\share",
    "vbscript:",
    "ftp://",
    "https://",
    "http://",
    "//",
    "\u{1b}[2J",
    "\u{1b}]0;x\u{7}",
    "\u{9b}",
    "\t",
    "\0",
    "é",
    "ß",
    "Привет",
    "日本",
    "가",
    "\u{11a8}",
    "ﬁ",
    "①",
    "😀",
    "\u{1d400}",
    "ä",
    "e\u{301}",
    "ı",
    "İ",
    "K",
    "Ω",
    "sure, here is",
    "you are now",
    "pretend",
    "do anything now",
    "developermode",
    "base64",
    "decode",
    "and follow",
    "<script>",
    "onerror=",
    "<!--",
    "-->",
    "{",
    "}",
    "\"role\": \"system\"",
    "please",
    "api keys",
    "send",
    "https://collect.example/in",
    "a",
    "b",
    "x",
    "0123456789abcdef",
    "ABCDEFGHIJKLMNOP",
    "+/+/",
    "====",
    ".",
    ",",
    "!",
    "?",
    ";",
    "$",
    "5",
    "3",
    "7",
];

/// 3,000 texts of up to 24 pieces, from a fixed xorshift seed.
fn drawn_texts() -> Vec<String> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    (0..3000)
        .map(|_| {
            let n = (next() % 25) as usize;
            (0..n)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect()
        })
        .collect()
}

fn all_records() -> Vec<u64> {
    let guards = [
        PromptGuard::new(),
        PromptGuard::new().with_learned_scorer(true),
    ];
    let labelled = include_str!("data/prompt_eval.jsonl")
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            value["text"].as_str().expect("a text").to_owned()
        })
        .collect::<Vec<_>>();
    labelled
        .iter()
        .cloned()
        .chain(bench_inputs())
        .chain(drawn_texts())
        .map(|text| record(&guards, &text))
        .collect()
}

#[test]
fn every_output_is_as_the_golden_file_records() {
    let records = all_records();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(GOLDEN);
    if std::env::var_os("ALPHAGUARD_BLESS").is_some() {
        let text: String = records.iter().map(|r| format!("{r:016x}\n")).collect();
        std::fs::write(&path, text).expect("write the golden file");
        return;
    }
    let golden = std::fs::read_to_string(&path).expect("the golden file");
    let golden: Vec<&str> = golden.lines().collect();
    assert_eq!(golden.len(), records.len(), "record count");
    let differ: Vec<usize> = records
        .iter()
        .zip(&golden)
        .enumerate()
        .filter(|(_, (r, g))| format!("{r:016x}") != **g)
        .map(|(i, _)| i)
        .collect();
    assert!(
        differ.is_empty(),
        "{} records differ, the first: {:?}",
        differ.len(),
        &differ[..differ.len().min(20)]
    );
}
