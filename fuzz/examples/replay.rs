//! Runs corpus files through a fuzz target's body once each, without libFuzzer, so a corpus
//! can be replayed under valgrind: `replay <target> <file or directory>...`.

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let target: fn(&[u8]) = match args.next().as_deref() {
        Some("decode") => jwtkit_fuzz::decode,
        Some("jws_verify") => jwtkit_fuzz::jws_verify,
        Some("header") => jwtkit_fuzz::header,
        Some("jwk") => jwtkit_fuzz::jwk,
        Some("key_load") => jwtkit_fuzz::key_load,
        Some("c_abi") => jwtkit_fuzz::c_abi,
        _ => {
            eprintln!("usage: replay <decode|jws_verify|header|jwk|key_load|c_abi> <path>...");
            return ExitCode::from(2);
        }
    };
    let mut files = Vec::new();
    for path in args.map(PathBuf::from) {
        match std::fs::read_dir(&path) {
            Ok(entries) => files.extend(entries.filter_map(|e| e.ok().map(|e| e.path()))),
            Err(_) => files.push(path),
        }
    }
    files.sort();
    for file in &files {
        match std::fs::read(file) {
            Ok(data) => target(&data),
            Err(err) => {
                eprintln!("{}: {err}", file.display());
                return ExitCode::FAILURE;
            }
        }
    }
    println!("replayed {} inputs", files.len());
    ExitCode::SUCCESS
}
