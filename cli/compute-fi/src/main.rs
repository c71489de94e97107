//! The `compute-fi` binary: parses, runs, prints, and exits non-zero on failure.

use clap::Parser;
use compute_fi::{run, Cli};

fn main() {
    let cli = Cli::parse();
    let json = cli.json;
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(report) if json => println!("{}", report.json),
        Ok(report) => println!("{}", report.text),
        Err(f) => {
            if json {
                println!("{}", serde_json::json!({"error": f.message}));
            }
            eprintln!("error: {}", f.message);
            std::process::exit(f.code);
        }
    }
}
