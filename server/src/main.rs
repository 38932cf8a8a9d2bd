//! `signaltrace`: the command-line front end and the HTTP server.
//! A thin shell: reading files, parsing flags and printing belong here;
//! everything about detection lives in the `detector` crate.

mod cli;
mod engine;
mod serve;
mod sliced;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::run()
}
