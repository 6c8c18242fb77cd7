//! The `needsmap` command line: parse, set up logging, run one subcommand (see [`cli`]), and
//! turn its outcome into an exit code.
//!
//! Exit codes: 0 on success (also when the reader of the output goes away, as with `| head`);
//! 2 when the request was wrong (clap's usage errors, a bad filter, an unknown code);
//! 1 when the data or the system failed.

mod cli;

use clap::Parser;
use cli::args::{Cli, Command};
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = Cli::parse();
    // Logs go to stderr so they never mix with an answer on stdout; `NEEDSMAP_LOG` overrides.
    let default_level = if matches!(args.command, Command::Serve(_)) {
        "info"
    } else {
        "warn"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("NEEDSMAP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_level));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();

    // Not locked: the server's threads may log to stdout while `serve` runs.
    let mut out = std::io::BufWriter::new(std::io::stdout());
    let result = cli::run(&args, &mut out).and_then(|()| Ok(out.flush()?));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if cli::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            // Whatever was answered before the failure comes first, then what went wrong.
            let _ = out.flush();
            eprintln!("error: {e:#}");
            ExitCode::from(cli::exit_code(&e))
        }
    }
}
