//! `jwtkit`: encode, inspect and verify JSON Web Tokens, and make and convert keys, on
//! jwt-crypto. One module per subcommand; this file only parses and dispatches.

mod decode;
mod encode;
mod error;
mod input;
mod jwk;
mod keygen;
mod keys;
mod output;
mod time;
mod verify;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

const EXAMPLES: &str = "\
Examples:
  jwtkit keygen p256 --out signing.pem                     # signing.pem + signing.pub.pem
  TOKEN=$(jwtkit encode --key signing.pem --sub ada --aud orders --exp 15m)
  jwtkit decode \"$TOKEN\"                                   # inspect, no verification
  jwtkit verify --key signing.pub.pem --alg ES256 --aud orders \"$TOKEN\"
  jwtkit jwk signing.pem --set > jwks.json

Exit status: 0 success; 1 the token was refused or could not be read; 2 usage error (bad
arguments, or a file that cannot be read or used). `jwtkit help <command>` shows each command's
options and examples.";

/// Encode, inspect and verify JSON Web Tokens; generate and convert keys.
#[derive(Debug, Parser)]
#[command(name = "jwtkit", version, after_help = EXAMPLES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Encode(encode::Args),
    Decode(decode::Args),
    Verify(verify::Args),
    Keygen(keygen::Args),
    Jwk(jwk::Args),
}

fn main() -> ExitCode {
    // clap exits with status 2 for a usage error, 0 for --help and --version.
    let result = match Cli::parse().command {
        Command::Encode(args) => encode::run(args),
        Command::Decode(args) => decode::run(args),
        Command::Verify(args) => verify::run(args),
        Command::Keygen(args) => keygen::run(args),
        Command::Jwk(args) => jwk::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            output::note(&format!("error: {err}"));
            ExitCode::from(err.exit_code())
        }
    }
}
