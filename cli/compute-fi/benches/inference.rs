//! Tokens per second of the built-in backend (greedy, CPU, in process): on the tiny model
//! the tests make, and on any GGUF a user points it at (`CF_GGUF` and `CF_TOKENIZER`,
//! `CF_PROMPT`, `CF_MAX_TOKENS`). A benchmark: it prints, it asserts nothing.
//!
//! `cargo bench --manifest-path scripts/Cargo.toml -p compute-fi --bench inference`

use std::{path::PathBuf, time::Instant};

use compute_fi::provider::builtin::{write_tiny_llama, Builtin};

fn measure(name: &str, b: &Builtin, prompt: &str, max_tokens: usize, runs: usize) {
    // One warm-up run (allocations, caches), then the measured ones.
    let _ = b.generate(prompt, max_tokens);
    let started = Instant::now();
    let mut tokens = 0u64;
    for _ in 0..runs {
        match b.generate(prompt, max_tokens) {
            Ok(g) => tokens += g.tokens_in + g.tokens_out,
            Err(e) => {
                eprintln!("{name}: {e}");
                return;
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{name}: {runs} runs, {tokens} tokens (in and out) in {secs:.3} s: {:.0} tokens/s, {:.1} ms a run",
        tokens as f64 / secs,
        secs * 1_000.0 / runs as f64
    );
}

fn main() {
    let dir = std::env::temp_dir().join(format!("cf-bench-tiny-{}", std::process::id()));
    match write_tiny_llama(&dir, 11).and_then(|(m, t)| Builtin::load(&m, &t)) {
        Ok(b) => measure(
            "tiny llama (2 layers, width 64, Q8_0)",
            &b,
            "what is the way to write the word",
            64,
            50,
        ),
        Err(e) => eprintln!("tiny model: {e}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
    if let (Some(m), Some(t)) = (std::env::var_os("CF_GGUF"), std::env::var_os("CF_TOKENIZER")) {
        let (m, t) = (PathBuf::from(m), PathBuf::from(t));
        let prompt =
            std::env::var("CF_PROMPT").unwrap_or_else(|_| "The capital of France is".into());
        let max = std::env::var("CF_MAX_TOKENS").ok().and_then(|v| v.parse().ok()).unwrap_or(32);
        match Builtin::load(&m, &t) {
            Ok(b) => measure(&m.display().to_string(), &b, &prompt, max, 3),
            Err(e) => eprintln!("{}: {e}", m.display()),
        }
    }
}
