//! `cargo xtask fuzz`: seeds the corpora of the cargo-fuzz targets under `fuzz/` from
//! `tests/vectors/` and runs every target for a while; `--replay-valgrind` replays the C-ABI
//! target's corpus through libjwtkit under valgrind.
//!
//! cargo-fuzz defaults to AddressSanitizer, which needs `-Zsanitizer` and so a nightly rustc.
//! On a stable toolchain the pure-Rust targets run with `--sanitizer none` (jwt-core and
//! jwt-crypto forbid `unsafe`, so ASan would find nothing there that a panic does not show),
//! and the C-ABI target, whose boundary is `unsafe`, runs under ASan with `RUSTC_BOOTSTRAP=1`
//! so that stable accepts the `-Z` flag. Each build has its own target directory, so switching
//! flags never rebuilds the other. The corpora (`fuzz/corpus/`) are generated, not committed.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;

use crate::run::{cargo, ensure_tools, step, workspace_root};

/// Every target, in the order they run.
pub const TARGETS: [&str; 6] = ["decode", "jws_verify", "header", "jwk", "key_load", "c_abi"];

/// Inputs longer than this are not fuzzed (libFuzzer's `-max_len`); the size limit of 8 KiB
/// is still crossed.
const MAX_LEN: usize = 16 * 1024;

struct Options {
    seconds: u64,
    targets: Vec<String>,
    seed_only: bool,
    replay_valgrind: bool,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        seconds: 60,
        targets: Vec::new(),
        seed_only: false,
        replay_valgrind: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                options.seconds = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .ok_or("--seconds takes a whole number")?;
            }
            "--target" => {
                let target = args.next().ok_or("--target takes a name")?;
                if !TARGETS.contains(&target.as_str()) {
                    return Err(format!(
                        "unknown target {target}; targets: {}",
                        TARGETS.join(" ")
                    ));
                }
                options.targets.push(target.clone());
            }
            "--seed-only" => options.seed_only = true,
            "--replay-valgrind" => options.replay_valgrind = true,
            other => return Err(format!("fuzz: unknown argument {other}")),
        }
    }
    if options.targets.is_empty() {
        options.targets = TARGETS.iter().map(|t| (*t).to_owned()).collect();
    }
    Ok(options)
}

pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    let counts = seed()?;
    for (target, count) in TARGETS.iter().zip(counts) {
        println!("    {target}: {count} seeds");
    }
    if options.seed_only {
        return Ok(());
    }
    if options.replay_valgrind {
        return replay_valgrind();
    }
    ensure_cargo_fuzz()?;
    let mut summaries = Vec::new();
    let mut failures = Vec::new();
    for target in &options.targets {
        match fuzz(target, options.seconds) {
            Ok(summary) => summaries.push(format!("  {target}: {summary}")),
            Err(err) => failures.push(format!("  {target}: {err}")),
        }
    }
    println!("==> fuzzing summary ({} s per target)", options.seconds);
    for line in &summaries {
        println!("{line}");
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "fuzzing found problems (inputs under fuzz/artifacts/):\n{}",
            failures.join("\n")
        ))
    }
}

fn fuzz_dir() -> PathBuf {
    workspace_root().join("fuzz")
}

/// Whether a target runs under AddressSanitizer (see the module's note).
fn uses_asan(target: &str) -> bool {
    target == "c_abi"
}

/// `cargo fuzz` with the flags that work on the toolchain at hand.
fn cargo_fuzz(subcommand: &str, target: &str) -> Command {
    let mut command = cargo();
    command.args(["fuzz", subcommand, target]);
    if uses_asan(target) {
        command
            .args(["--sanitizer", "address"])
            .arg("--target-dir")
            .arg(fuzz_dir().join("target/asan"))
            // Stable rustc accepts `-Zsanitizer` only with this; a nightly ignores it.
            .env("RUSTC_BOOTSTRAP", "1");
    } else {
        command
            .args(["--sanitizer", "none"])
            .arg("--target-dir")
            .arg(fuzz_dir().join("target/plain"));
    }
    command
}

fn ensure_cargo_fuzz() -> Result<(), String> {
    let present = cargo()
        .args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if present {
        return Ok(());
    }
    let mut install = cargo();
    install.args(["install", "cargo-fuzz", "--locked"]);
    step("cargo install cargo-fuzz --locked", install)
}

/// Runs one target for `seconds`, streaming libFuzzer's output; returns its final line
/// (`#N DONE cov: ... exec/s: ...`).
fn fuzz(target: &str, seconds: u64) -> Result<String, String> {
    let mut command = cargo_fuzz("run", target);
    command.arg("--").args([
        format!("-max_total_time={seconds}"),
        format!("-max_len={MAX_LEN}"),
        "-timeout=10".to_owned(),
        "-rss_limit_mb=2048".to_owned(),
        "-print_final_stats=1".to_owned(),
    ]);
    println!("==> cargo fuzz run {target} ({seconds} s)");
    let mut child = command
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| format!("could not start cargo fuzz: {err}"))?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let mut done = None;
    let mut executions = None;
    for line in BufReader::new(stderr).lines() {
        let line = line.map_err(|err| err.to_string())?;
        eprintln!("{line}");
        // `#123456\tDONE   cov: 2452 ft: 6741 corp: 2046/756Kb ... exec/s: 18226 rss: 34Mb`
        if line.starts_with('#') && line.contains("DONE") {
            done = Some(line.trim().to_owned());
        } else if line.starts_with("stat::number_of_executed_units:") {
            executions = line.split(':').nth(3).map(|n| n.trim().to_owned());
        }
    }
    let status = child.wait().map_err(|err| err.to_string())?;
    if !status.success() {
        return Err(format!("cargo fuzz run {target} failed ({status})"));
    }
    let done = done.ok_or(format!("{target}: libFuzzer printed no DONE line"))?;
    Ok(match executions {
        Some(n) => format!("{done} (executions: {n})"),
        None => done,
    })
}

/// Replays the C-ABI target's corpus through libjwtkit under valgrind, with the same
/// settings as the C suite: any error or leak fails.
fn replay_valgrind() -> Result<(), String> {
    ensure_tools(&[("valgrind", "valgrind")])?;
    let mut build = cargo();
    build
        .current_dir(fuzz_dir())
        .args(["build", "--release", "--example", "replay"])
        .arg("--target-dir")
        .arg(fuzz_dir().join("target/replay"));
    step("build the corpus replayer (no instrumentation)", build)?;
    let replay = fuzz_dir().join("target/replay/release/examples/replay");
    let mut valgrind = Command::new("valgrind");
    valgrind
        .args([
            "--error-exitcode=99",
            "--leak-check=full",
            "--errors-for-leak-kinds=definite,indirect,possible",
        ])
        .arg(replay)
        .arg("c_abi")
        .arg(fuzz_dir().join("corpus/c_abi"));
    step("valgrind: the c_abi corpus through libjwtkit", valgrind)
}

/// Writes the seeds of every target under `fuzz/corpus/<target>/`; returns their counts.
fn seed() -> Result<Vec<usize>, String> {
    println!("==> seeding fuzz/corpus/ from tests/vectors/");
    let mut seeds = Seeds::default();
    let vectors = workspace_root().join("tests/vectors");
    let mut paths: Vec<PathBuf> = read_dir(&vectors)?
        .into_iter()
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    for path in paths {
        let text = std::fs::read_to_string(&path)
            .map_err(|err| format!("reading {}: {err}", path.display()))?;
        let file: Value =
            serde_json::from_str(&text).map_err(|err| format!("{}: {err}", path.display()))?;
        for key in file["keys"]
            .as_object()
            .into_iter()
            .flat_map(|k| k.values())
        {
            seeds.key(key);
        }
        for case in file["cases"].as_array().into_iter().flatten() {
            if case["key"].is_object() {
                seeds.key(&case["key"]);
            }
            if let Some(token) = token(&case["token"]) {
                seeds.token(&token);
            }
            if let Some(token) = case["expect"]["token"].as_str() {
                seeds.token(token);
            }
            for member in ["protected_b64u", "payload_b64u"] {
                if let Some(bytes) = case[member].as_str().and_then(b64u) {
                    seeds.json(&bytes);
                }
            }
        }
    }
    // The key fixtures of jwt-crypto's tests: every PEM and DER form, good and refused.
    let data = workspace_root().join("crates/jwt-crypto/tests/data");
    for path in read_dir(&data)? {
        if path
            .extension()
            .is_some_and(|ext| ext == "pem" || ext == "der")
        {
            let bytes =
                std::fs::read(&path).map_err(|err| format!("reading {}: {err}", path.display()))?;
            seeds.add(&["key_load", "c_abi"], &bytes);
        }
    }
    let mut counts = Vec::new();
    for target in TARGETS {
        let dir = fuzz_dir().join("corpus").join(target);
        std::fs::create_dir_all(&dir)
            .map_err(|err| format!("creating {}: {err}", dir.display()))?;
        let inputs = seeds.of(target);
        for input in &inputs {
            let mut hasher = DefaultHasher::new();
            input.hash(&mut hasher);
            let path = dir.join(format!("seed-{:016x}", hasher.finish()));
            std::fs::write(&path, input)
                .map_err(|err| format!("writing {}: {err}", path.display()))?;
        }
        counts.push(inputs.len());
    }
    Ok(counts)
}

/// Seeds by target, without duplicates.
#[derive(Default)]
struct Seeds(Vec<(&'static str, Vec<u8>)>);

impl Seeds {
    fn add(&mut self, targets: &[&'static str], bytes: &[u8]) {
        if bytes.len() > MAX_LEN {
            return;
        }
        for target in targets {
            if !self.0.iter().any(|(t, b)| t == target && b == bytes) {
                self.0.push((target, bytes.to_vec()));
            }
        }
    }

    fn of(&self, target: &str) -> Vec<Vec<u8>> {
        self.0
            .iter()
            .filter(|(t, _)| *t == target)
            .map(|(_, b)| b.clone())
            .collect()
    }

    /// A token, and its decoded header and claims as JSON seeds.
    fn token(&mut self, token: &str) {
        self.add(
            &["decode", "jws_verify", "header", "c_abi"],
            token.as_bytes(),
        );
        let mut segments = token.split('.');
        if let Some(header) = segments.next().and_then(b64u) {
            self.add(&["header"], &header);
        }
        if let Some(claims) = segments.next().and_then(b64u) {
            self.json(&claims);
        }
    }

    /// Decoded header or claims JSON: the decode and C targets sign an input that starts with
    /// `{` as claims, the header target wraps any input as a header.
    fn json(&mut self, bytes: &[u8]) {
        if bytes.first() == Some(&b'{') {
            self.add(&["decode", "header", "c_abi"], bytes);
        }
    }

    /// Key material in the form each loader takes.
    fn key(&mut self, key: &Value) {
        let text = |name: &str| key[name].as_str().map(|s| s.as_bytes().to_vec());
        if let Some(pem) = text("pem") {
            self.add(&["key_load", "c_abi"], &pem);
        }
        if let Some(der) = key["der_b64u"].as_str().and_then(b64u) {
            self.add(&["key_load", "c_abi"], &der);
        }
        if let Some(secret) = key["secret_b64u"]
            .as_str()
            .and_then(b64u)
            .or(text("secret"))
        {
            self.add(&["key_load"], &secret);
        }
        for name in ["jwk", "jwks"] {
            if !key[name].is_null() {
                self.add(&["jwk", "c_abi"], key[name].to_string().as_bytes());
            }
        }
        for name in ["jwk_text", "jwks_text"] {
            if let Some(json) = text(name) {
                self.add(&["jwk", "c_abi"], &json);
            }
        }
    }
}

/// A case's token: a string, or parts with `{"repeat": s, "count": n}` (see the vectors'
/// README); `None` when absent.
fn token(value: &Value) -> Option<String> {
    match value {
        Value::String(token) => Some(token.clone()),
        Value::Array(parts) => Some(
            parts
                .iter()
                .map(|part| match part {
                    Value::String(text) => text.clone(),
                    _ => {
                        let count = part["count"].as_u64().unwrap_or(0);
                        let count = usize::try_from(count).unwrap_or(0).min(MAX_LEN);
                        part["repeat"].as_str().unwrap_or_default().repeat(count)
                    }
                })
                .collect(),
        ),
        _ => None,
    }
}

fn b64u(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

fn read_dir(dir: &Path) -> Result<Vec<PathBuf>, String> {
    Ok(std::fs::read_dir(dir)
        .map_err(|err| format!("reading {}: {err}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect())
}
