//! Throughput of the text guards on 1 KiB and 64 KiB of ASCII, accented and
//! Cyrillic prose, of hostile text and of HTML (`safe_prompt` also as a tool's
//! output, where more detectors run). Run with
//! `cargo bench -p alphaguard-benches --bench sanitize`.
//!
//! Each guard is single-threaded and CPU-bound, so it is measured in the
//! thread's CPU time with the shared settings (`support`), as the webhook
//! and limiter benches are. In wall time session 25's two runs disagreed
//! by up to 18 % on the 1-4 µs rows; of session 26's three runs in CPU
//! time, two agreed on 51 of 52 rows within 5 % and one, started right
//! after a build, disagreed by up to 55 % (the sanitize README).

mod support;

use std::hint::black_box;

use alphaguard_sanitize::{Channel, PromptGuard, safe_embed_text, safe_log_message_with_limit};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use support::CpuTime;

/// `piece` over and over, cut to `size` characters.
fn repeated(piece: &str, size: usize) -> String {
    piece.chars().cycle().take(size).collect()
}

/// Plain prose in ASCII.
fn clean(size: usize) -> String {
    repeated(
        "The quick brown fox jumps over the lazy dog 0123456789. ",
        size,
    )
}

/// Support requests in French, German, Spanish and Italian: the accented
/// letters of the detector's languages.
fn accented(size: usize) -> String {
    repeated(
        "Je voudrais réserver une chambre, s'il vous plaît. Können Sie mir helfen? Die Größe passt nicht. \
     ¿Podría ayudarme con mi pedido? La dirección está equivocada. Perché il mio ordine non è arrivato? ",
        size,
    )
}

/// Russian prose: nearly every character outside ASCII.
fn cyrillic(size: usize) -> String {
    repeated(
        "Привет, как дела? Я хотел бы изменить свой заказ, потому что размер не подходит. ",
        size,
    )
}

/// Every trick at once, repeated: mentions, markdown, obfuscated schemes,
/// escape sequences, bidi and zero-width characters, CR LF.
fn hostile(size: usize) -> String {
    repeated(
        "@everyone **x** <@&1> [a](java&#x09;script:x) \u{1b}[2J\u{202e}\u{200b}\r\n|| `",
        size,
    )
}

/// A web page as a tool fetches it: tags, a comment and character
/// references in every line (`safe_prompt` reads such text twice, as
/// written and as a browser shows it).
fn html(size: usize) -> String {
    repeated(
        "<div class=\"post\"><h2>Release notes</h2><p>Version <b>2.4</b> fixes the \
         <a href=\"/docs/cache\">cache</a> bug &amp; speeds up <code>sync</code>.</p>\
         <!-- build 8812 --><ul><li>Faster start&nbsp;up</li><li>Fewer retries on \
         caf&eacute; Wi-Fi</li></ul></div>\n",
        size,
    )
}

/// The worst case found for the scheme check: nothing but colons spelled as
/// character references, each after a letter (a check that read back over
/// all of them for every colon was quadratic).
fn dense_colons(size: usize) -> String {
    repeated("a&#58;", size)
}

fn guards(c: &mut Criterion<CpuTime>) {
    let prompt_guard = PromptGuard::new();
    let learned_guard = PromptGuard::new().with_learned_scorer(true);
    let mut group = c.benchmark_group("sanitize");
    for size in [1024, 64 * 1024] {
        for (kind, text) in [
            ("clean", clean(size)),
            ("accented", accented(size)),
            ("cyrillic", cyrillic(size)),
            ("hostile", hostile(size)),
            ("html", html(size)),
        ] {
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_with_input(
                BenchmarkId::new(format!("safe_log_message/{kind}"), size),
                &text,
                |b, t| {
                    // The limit is the input's size, so the whole text is processed.
                    b.iter(|| {
                        black_box(safe_log_message_with_limit(black_box(t), usize::MAX).len())
                    })
                },
            );
            group.bench_with_input(
                BenchmarkId::new(format!("safe_embed_text/{kind}"), size),
                &text,
                |b, t| b.iter(|| black_box(safe_embed_text(black_box(t)).len())),
            );
            group.bench_with_input(
                BenchmarkId::new(format!("safe_prompt/{kind}"), size),
                &text,
                |b, t| b.iter(|| black_box(prompt_guard.check(black_box(t)).score)),
            );
            // The same with the learned scorer (opt-in).
            group.bench_with_input(
                BenchmarkId::new(format!("safe_prompt_learned/{kind}"), size),
                &text,
                |b, t| b.iter(|| black_box(learned_guard.check(black_box(t)).score)),
            );
            // A tool's output: the content-only detectors run too.
            group.bench_with_input(
                BenchmarkId::new(format!("check_as_tool_output/{kind}"), size),
                &text,
                |b, t| {
                    b.iter(|| {
                        black_box(
                            prompt_guard
                                .check_as(black_box(t), Channel::ToolOutput)
                                .score,
                        )
                    })
                },
            );
        }
    }
    for size in [1024, 64 * 1024] {
        let text = dense_colons(size);
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(
            BenchmarkId::new("safe_embed_text/dense-colons", size),
            &text,
            |b, t| b.iter(|| black_box(safe_embed_text(black_box(t)).len())),
        );
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = support::cpu_time();
    targets = guards
}
criterion_main!(benches);
