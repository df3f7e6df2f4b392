//! `cargo xtask bench [--quick]`: runs the Rust benchmarks (criterion, `benches/`) once per
//! crypto backend of jwt-crypto (ring and aws-lc-rs: the features are exclusive, so the bench
//! binary is built twice), the allocation and instruction counts, the C benchmark
//! (`bindings/c/benches/`, libjwtkit built on each backend, beside libjwt) and the Python one
//! (a wheel per backend), and writes `BENCHMARKS.md` with one table per language, the targets
//! of issues 6 and 12 judged from this run, and an SVG chart of the ratios
//! (`benches/chart.svg`, drawn here by hand).
//!
//! Peers run in the same process right after jwtkit, and every number reported next to
//! another is a ratio from the same run: on a shared 2-core machine absolute times drift, the
//! ratios much less. Each backend's build measures jwtkit, its floor and jsonwebtoken 10, so
//! the ratios to those are from one process; only the aws-lc-rs / ring ratio crosses two.
//! The targets against the floor and jsonwebtoken 10 are judged by alternating batches
//! (`benches/benches/paired.rs`), which the drift between criterion's measurements cannot skew.
//! `--quick` shortens criterion's warm-up and measurement so the whole task finishes within a
//! few minutes; use the full run for numbers to quote.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use jwt_crypto::{Algorithm, Header, Key};
use serde_json::Value;

use crate::c::{self, Backend};
use crate::run::{cargo, workspace_root};

/// The columns of the Rust table, in order: (`<backend tag>/<criterion function id>`, name).
/// jsonwebtoken 10 and jwt-simple come from the aws-lc-rs run, jsonwebtoken 9 from ring's.
const RUST_COLUMNS: [(&str, &str); 7] = [
    ("aws-lc/jwtkit", "jwtkit (aws-lc-rs)"),
    ("aws-lc/floor", "floor (aws-lc-rs)"),
    ("ring/jwtkit", "jwtkit (ring)"),
    ("ring/floor", "floor (ring)"),
    ("aws-lc/jsonwebtoken10", "jsonwebtoken 10"),
    ("ring/jsonwebtoken9", "jsonwebtoken 9"),
    ("aws-lc/jwt-simple", "jwt-simple"),
];
/// The ratios of the Rust table: (numerator, denominator, heading). Each but the last is
/// from one process.
const RUST_RATIOS: [(&str, &str, &str); 5] = [
    ("aws-lc/jwtkit", "aws-lc/floor", "aws-lc-rs / its floor"),
    (
        "aws-lc/jwtkit",
        "aws-lc/jsonwebtoken10",
        "aws-lc-rs / jsonwebtoken 10",
    ),
    ("ring/jwtkit", "ring/floor", "ring / its floor"),
    (
        "ring/jwtkit",
        "ring/jsonwebtoken10",
        "ring / jsonwebtoken 10",
    ),
    ("aws-lc/jwtkit", "ring/jwtkit", "aws-lc-rs / ring"),
];
/// The peers each backend's run measures beside jwtkit and its floor (`BENCH_PEERS`).
fn peers(backend: Backend) -> &'static str {
    match backend {
        Backend::AwsLc => "jsonwebtoken10,jwt-simple",
        Backend::Ring => "jsonwebtoken10,jsonwebtoken9",
    }
}
const ALGS: [&str; 8] = [
    "HS256", "RS256", "PS256", "ES256", "ES384", "ES512", "ES256K", "EdDSA",
];
/// The algorithms ring lacks.
const AWS_LC_ONLY: [&str; 2] = ["ES512", "ES256K"];
/// The rows of the C table (`bindings/c/benches/verify.c`): ES512 and ES256K on libjwtkit's
/// aws-lc-rs build only; libjwt 1.10 has ES512 but not ES256K.
const C_ALGS: [&str; 5] = ["HS256", "RS256", "ES256", "ES512", "ES256K"];
const OPS: [&str; 2] = ["decode", "encode"];

fn algs(backend: Backend) -> impl Iterator<Item = &'static str> {
    ALGS.into_iter()
        .filter(move |alg| backend == Backend::AwsLc || !AWS_LC_ONLY.contains(alg))
}

/// The workload's values, shared with `benches/src/lib.rs` (the C program verifies tokens
/// made here from the same claims and keys).
const ISSUER: &str = "https://login.example.com";
const AUDIENCE: &str = "orders-api";
const KEY_ID: &str = "2026-05-a";
const HMAC_SECRET: &[u8; 32] = b"bench-secret-0123456789abcdefghi";

struct Settings {
    criterion_args: &'static [&'static str],
    c_batch_ms: &'static str,
    c_rounds: &'static str,
}

const QUICK: Settings = Settings {
    criterion_args: &[
        "--warm-up-time",
        "0.3",
        "--measurement-time",
        "0.7",
        "--sample-size",
        "20",
        "--nresamples",
        "2000",
    ],
    c_batch_ms: "10",
    c_rounds: "9",
};

const FULL: Settings = Settings {
    criterion_args: &[],
    c_batch_ms: "40",
    c_rounds: "25",
};

/// Where criterion writes the estimates of `backend`'s run.
pub fn criterion_dir(backend: Backend) -> PathBuf {
    workspace_root().join(format!("target/criterion-{}", backend.tag()))
}

pub fn run(args: &[String]) -> Result<(), String> {
    let settings = match args {
        [] => &FULL,
        [quick] if quick == "--quick" => &QUICK,
        _ => return Err("usage: cargo xtask bench [--quick]".to_owned()),
    };
    let quick = std::ptr::eq(settings, &QUICK);
    let root = workspace_root();
    let load_before = load_average();

    let mut rust = Medians::new();
    for backend in Backend::ALL {
        // Only this run's results: criterion keeps every earlier benchmark's estimates.
        let criterion_dir = criterion_dir(backend);
        if criterion_dir.exists() {
            std::fs::remove_dir_all(&criterion_dir)
                .map_err(|err| format!("clearing {}: {err}", criterion_dir.display()))?;
        }
        println!(
            "==> Rust benchmarks (criterion), jwtkit on {}",
            backend.name()
        );
        let mut bench = cargo();
        bench.args(["bench", "--package", "benches", "--bench", "jwt"]);
        bench.args(backend.cargo_args()).arg("--");
        bench.args(settings.criterion_args).arg("--noplot");
        bench
            .env("CRITERION_HOME", &criterion_dir)
            .env("BENCH_PEERS", peers(backend));
        let status = bench
            .status()
            .map_err(|err| format!("cargo bench: {err}"))?;
        if !status.success() {
            return Err(format!(
                "cargo bench ({}) failed ({status})",
                backend.name()
            ));
        }
        read_criterion(&criterion_dir, backend, &mut rust)?;
    }

    let mut allocs = Allocs::new();
    let mut instructions = Instructions::new();
    let mut paired = Paired::new();
    for backend in Backend::ALL {
        run_paired(backend, &mut paired)?;
        println!("==> allocations per call ({})", backend.name());
        allocs.extend(parse_allocs(
            &bench_output("allocs", backend, "the allocation count")?,
            backend,
        ));
        if !quick {
            count_instructions(backend, &mut instructions)?;
        }
    }

    ensure_libjwt();
    let c_results = run_c(settings)?;
    println!("==> Python benchmarks");
    let python = crate::bench_python::run(quick).map(|runs| {
        let mut md = String::new();
        for (backend, results) in runs {
            let versions = results["versions"]
                .as_object()
                .map_or_else(String::new, |versions| {
                    let list: Vec<String> = versions
                        .iter()
                        .map(|(name, v)| format!("{name} {}", v.as_str().unwrap_or("?")))
                        .collect();
                    format!("Versions: {}.\n\n", list.join(", "))
                });
            let _ = writeln!(
                md,
                "### The wheel on {}\n\n{versions}{}\n",
                backend.name(),
                results["markdown"].as_str().unwrap_or_default()
            );
        }
        md
    });
    let load_after = load_average();

    let machine = Machine::detect(&root, &load_before, &load_after);
    let report = Report {
        quick,
        machine,
        rust,
        paired,
        allocs,
        instructions,
        c: c_results,
        python,
    };
    let chart = report.chart();
    let chart_path = root.join("benches/chart.svg");
    write(&chart_path, &chart)?;
    let markdown = report.markdown();
    let report_path = root.join("BENCHMARKS.md");
    write(&report_path, &markdown)?;
    println!("{}", report.targets_text());
    println!(
        "==> wrote {} and {}",
        report_path.display(),
        chart_path.display()
    );
    Ok(())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|err| format!("writing {}: {err}", path.display()))
}

/// Median nanoseconds per call, by (criterion group, `<backend tag>/<function>`).
type Medians = BTreeMap<(String, String), f64>;

/// Reads every `new/estimates.json` criterion wrote under `dir` in `backend`'s run, named by
/// its `new/benchmark.json`, into `medians`.
fn read_criterion(dir: &Path, backend: Backend, medians: &mut Medians) -> Result<(), String> {
    let mut found = 0;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries =
            std::fs::read_dir(&dir).map_err(|err| format!("reading {}: {err}", dir.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_dir() {
                continue;
            }
            if path.file_name().is_some_and(|name| name == "new") {
                let benchmark = read_json(&path.join("benchmark.json"))?;
                let estimates = read_json(&path.join("estimates.json"))?;
                let group = benchmark["group_id"].as_str().unwrap_or_default();
                let function = benchmark["function_id"].as_str().unwrap_or_default();
                let median = estimates["median"]["point_estimate"]
                    .as_f64()
                    .ok_or_else(|| format!("no median in {}", path.display()))?;
                medians.insert(
                    (group.to_owned(), format!("{}/{function}", backend.tag())),
                    median,
                );
                found += 1;
            } else {
                pending.push(path);
            }
        }
    }
    if found == 0 {
        return Err(format!(
            "criterion wrote no estimates under {}",
            dir.display()
        ));
    }
    Ok(())
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|err| format!("reading {}: {err}", path.display()))?;
    serde_json::from_str(&text).map_err(|err| format!("parsing {}: {err}", path.display()))
}

/// Allocations and bytes per call, by ("HS256/decode", `<backend tag>/<contender>`).
type Allocs = BTreeMap<(String, String), (f64, f64)>;

fn parse_allocs(stdout: &str, backend: Backend) -> Allocs {
    stdout
        .lines()
        .filter_map(|line| match line.split('\t').collect::<Vec<_>>()[..] {
            ["allocs", what, who, count, bytes] => Some((
                (what.to_owned(), format!("{}/{who}", backend.tag())),
                (count.parse().ok()?, bytes.parse().ok()?),
            )),
            _ => None,
        })
        .collect()
}

/// What the `benches` package's plain (non-criterion) bench `bench` prints on `backend`;
/// `what` names it in the error when it fails.
fn bench_output(bench: &str, backend: Backend, what: &str) -> Result<String, String> {
    crate::run::stdout_of(
        what,
        cargo()
            .args(["bench", "--package", "benches", "--bench", bench])
            .args(backend.cargo_args()),
    )
}

/// jwtkit's time over a contender's from alternating batches (`benches/benches/paired.rs`),
/// by ("HS256/decode", `<backend tag>/<contender>`).
type Paired = BTreeMap<(String, String), f64>;

/// Runs the alternating-batch benchmark on `backend` and adds its ratios to `paired`.
fn run_paired(backend: Backend, paired: &mut Paired) -> Result<(), String> {
    println!(
        "==> jwtkit beside the floor and jsonwebtoken 10, alternating batches ({})",
        backend.name()
    );
    let output = bench_output("paired", backend, "the alternating-batch benchmark")?;
    for line in output.lines() {
        if let ["paired", group, who, ratio] = line.split('\t').collect::<Vec<_>>()[..] {
            let ratio = ratio
                .parse()
                .map_err(|err| format!("paired ratio {ratio:?}: {err}"))?;
            paired.insert(
                (group.to_owned(), format!("{}/{who}", backend.tag())),
                ratio,
            );
        }
    }
    Ok(())
}

/// Instructions per call under callgrind, by ("HS256/decode", `<backend tag>/<contender>`).
type Instructions = BTreeMap<(String, String), f64>;

/// Counts instructions per call of jwtkit and the floor on `backend` for every operation with
/// callgrind, which no other process on the machine can disturb: the allocation binary's
/// `--repeat` mode runs one call N times, and a run with N = 0 (the same setup) is
/// subtracted. Adds nothing when valgrind is not installed.
fn count_instructions(backend: Backend, counts: &mut Instructions) -> Result<(), String> {
    if Command::new("valgrind").arg("--version").output().is_err() {
        println!("==> valgrind not found: no instruction counts");
        return Ok(());
    }
    println!("==> instructions per call (callgrind, {})", backend.name());
    let output = cargo()
        .args([
            "bench",
            "--package",
            "benches",
            "--bench",
            "allocs",
            "--no-run",
        ])
        .args(backend.cargo_args())
        .output()
        .map_err(|err| format!("cargo bench --no-run: {err}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    let binary = stderr
        .lines()
        .find_map(|line| {
            let rest = line.trim().strip_prefix("Executable benches/allocs.rs (")?;
            rest.strip_suffix(')')
        })
        .map(|path| workspace_root().join(path))
        .ok_or_else(|| format!("no allocs executable in cargo's output:\n{stderr}"))?;
    let run = |what: &str, who: &str, calls: u32| -> Result<f64, String> {
        let output = Command::new("valgrind")
            .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
            .arg(&binary)
            .args(["--repeat", what, who, &calls.to_string()])
            .output()
            .map_err(|err| format!("valgrind: {err}"))?;
        String::from_utf8_lossy(&output.stderr)
            .lines()
            .find_map(|line| {
                line.split_once("Collected : ")
                    .map(|(_, n)| n.replace(',', ""))
            })
            .and_then(|n| n.trim().parse().ok())
            .ok_or_else(|| format!("callgrind gave no count for {what} {who}"))
    };
    for alg in algs(backend) {
        // ES384 on ring is slow; a few calls are exact enough, instruction counts being exact.
        let calls = if alg == "HS256" { 200 } else { 10 };
        for who in ["jwtkit", "floor"] {
            let setup = run(&format!("{alg}/decode"), who, 0)?;
            for op in OPS {
                let total = run(&format!("{alg}/{op}"), who, calls)?;
                let per_call = (total - setup) / f64::from(calls);
                counts.insert(
                    (format!("{alg}/{op}"), format!("{}/{who}", backend.tag())),
                    per_call,
                );
            }
        }
    }
    Ok(())
}

/// The C benchmark's outcome.
struct CResults {
    /// Nanoseconds per verify, by ("HS256", `<backend tag>/<library>`): each backend's program
    /// times libjwtkit on that backend and libjwt, alternating.
    times: BTreeMap<(String, String), f64>,
    /// Why libjwt is absent, when it is.
    libjwt_missing: Option<String>,
    libjwt_version: Option<String>,
}

/// The Debian package that brings libjwt and its pkg-config file.
const LIBJWT_PACKAGE: &str = "libjwt-dev";

fn libjwt_version() -> Option<String> {
    Command::new("pkg-config")
        .args(["--modversion", "libjwt"])
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// Installs libjwt-dev (and pkg-config) with apt-get when `pkg-config libjwt` finds nothing,
/// as xtask installs the C toolchain (`run::ensure_tools`): a fresh machine running as root
/// gets a complete C table. Elsewhere the table says libjwt was not measured.
fn ensure_libjwt() {
    if libjwt_version().is_some() {
        return;
    }
    println!("==> libjwt not found (pkg-config libjwt): installing {LIBJWT_PACKAGE}");
    let apt = |args: &[&str]| {
        Command::new("apt-get")
            .args(args)
            .status()
            .is_ok_and(|status| status.success())
    };
    let installed = apt(&["update", "-q"])
        && apt(&[
            "install",
            "-y",
            "--no-install-recommends",
            "pkg-config",
            LIBJWT_PACKAGE,
        ]);
    if !installed {
        println!(
            "==> could not install {LIBJWT_PACKAGE} (Debian: apt-get install {LIBJWT_PACKAGE}, \
             as root): the C table will have jwtkit only"
        );
    }
}

fn run_c(settings: &Settings) -> Result<CResults, String> {
    let dir = workspace_root().join("target/jwtkit-c/bench");
    std::fs::create_dir_all(&dir).map_err(|err| format!("creating {}: {err}", dir.display()))?;
    write_c_inputs(&dir)?;

    let libjwt_version = libjwt_version();
    let libjwt_missing = if libjwt_version.is_some() {
        None
    } else {
        let why = "libjwt was not found (`pkg-config libjwt`; Debian: libjwt-dev), so the C \
                   table has jwtkit only";
        println!("==> {why}");
        Some(why.to_owned())
    };
    let mut times = BTreeMap::new();
    for backend in Backend::ALL {
        let prefix = c::staging_prefix_for(backend);
        c::build_with(&prefix, backend)?;
        let binary = dir.join(format!("verify-{}", backend.tag()));
        let mut compile = Command::new("cc");
        compile
            .args(["-std=c99", "-O2", "-Wall", "-Wextra", "-Werror"])
            .args(c::pkg_config(&prefix, &["--cflags"])?)
            .arg(workspace_root().join("bindings/c/benches/verify.c"))
            .arg("-o")
            .arg(&binary)
            .args(c::pkg_config(&prefix, &["--libs"])?)
            .arg(format!("-Wl,-rpath,{}", prefix.join("lib").display()));
        if libjwt_version.is_some() {
            compile
                .arg("-DHAVE_LIBJWT")
                .args(system_pkg_config(&["--cflags", "--libs", "libjwt"])?);
        }
        crate::run::step(
            &format!("compile the C benchmark ({})", backend.name()),
            compile,
        )?;
        println!("==> C benchmark, libjwtkit on {}", backend.name());
        let stdout = crate::run::stdout_of(
            "the C benchmark",
            Command::new(&binary)
                .arg(&dir)
                .args([settings.c_batch_ms, settings.c_rounds]),
        )?;
        print!("{stdout}");
        times.extend(parse_c(&stdout, backend));
    }
    Ok(CResults {
        times,
        libjwt_missing,
        libjwt_version,
    })
}

/// The C program's lines, `c ALG/verify LIBRARY NANOSECONDS`, by (ALG, `<tag>/<library>`).
fn parse_c(stdout: &str, backend: Backend) -> BTreeMap<(String, String), f64> {
    stdout
        .lines()
        .filter_map(|line| match line.split('\t').collect::<Vec<_>>()[..] {
            ["c", what, who, ns] => Some((
                (
                    what.trim_end_matches("/verify").to_uppercase(),
                    format!("{}/{who}", backend.tag()),
                ),
                ns.parse().ok()?,
            )),
            _ => None,
        })
        .collect()
}

fn system_pkg_config(args: &[&str]) -> Result<Vec<String>, String> {
    let what = format!("pkg-config {args:?}");
    Ok(
        crate::run::stdout_of(&what, Command::new("pkg-config").args(args))?
            .split_whitespace()
            .map(str::to_owned)
            .collect(),
    )
}

/// The typical token for HS256, RS256 and ES256, and each verifying key, for the C program.
fn write_c_inputs(dir: &Path) -> Result<(), String> {
    let data = workspace_root().join("crates/jwt-crypto/tests/data");
    let read = |name: &str| {
        std::fs::read_to_string(data.join(name)).map_err(|err| format!("reading {name}: {err}"))
    };
    let claims = serde_json::json!({
        "sub": "user-7f3a9c21",
        "name": "Ada Lovelace",
        "iat": 1_767_225_600,
        "exp": 4_102_444_800_i64,
        "iss": ISSUER,
        "aud": AUDIENCE,
        "roles": ["orders:read", "orders:write", "billing:read"],
    });
    let inputs = [
        ("hs256", Algorithm::HS256, None, HMAC_SECRET.to_vec()),
        (
            "rs256",
            Algorithm::RS256,
            Some(read("rsa2048.pkcs8.pem")?),
            read("rsa2048.spki.pem")?.into_bytes(),
        ),
        (
            "es256",
            Algorithm::ES256,
            Some(read("ecp256.pkcs8.pem")?),
            read("ecp256.spki.pem")?.into_bytes(),
        ),
    ];
    // ES512 and ES256K: this xtask may be built on ring, which has neither, so the C program
    // signs their tokens itself with libjwtkit (and skips them on ring).
    let header = serde_json::json!({ "kid": KEY_ID }).to_string();
    for (name, signing, verifying) in [
        ("es512", "ecp521.pkcs8.pem", "ecp521.spki.pem"),
        ("es256k", "secp256k1.pkcs8.pem", "secp256k1.spki.pem"),
    ] {
        write(&dir.join(format!("{name}.signing")), &read(signing)?)?;
        write(&dir.join(format!("{name}.key")), &read(verifying)?)?;
        write(&dir.join(format!("{name}.header")), &header)?;
        write(&dir.join(format!("{name}.claims")), &claims.to_string())?;
    }
    for (name, alg, private_pem, verifying) in inputs {
        let key = match private_pem {
            Some(pem) => Key::from_pem(&pem),
            None => Key::from_secret(HMAC_SECRET),
        }
        .map_err(|err| err.to_string())?
        .with_key_id(KEY_ID);
        let token =
            jwt_crypto::encode(&Header::new(alg), &claims, &key).map_err(|err| err.to_string())?;
        write(&dir.join(format!("{name}.token")), &token)?;
        std::fs::write(dir.join(format!("{name}.key")), verifying)
            .map_err(|err| format!("writing {name}.key: {err}"))?;
    }
    Ok(())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| {
            let fields: Vec<&str> = text.split_whitespace().take(3).collect();
            (fields.len() == 3).then(|| fields.join(" "))
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

struct Machine {
    cpu: String,
    cores: usize,
    rustc: String,
    versions: Vec<(String, String)>,
    load_before: String,
    load_after: String,
}

impl Machine {
    fn detect(root: &Path, load_before: &str, load_after: &str) -> Machine {
        let cpu = std::fs::read_to_string("/proc/cpuinfo")
            .ok()
            .and_then(|info| {
                info.lines().find_map(|line| {
                    let (key, value) = line.split_once(':')?;
                    (key.trim() == "model name").then(|| value.trim().to_owned())
                })
            })
            .unwrap_or_else(|| "unknown".to_owned());
        let cores = std::thread::available_parallelism().map_or(0, usize::from);
        let rustc = Command::new(std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into()))
            .arg("--version")
            .output()
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
            .unwrap_or_else(|_| "unknown".to_owned());
        Machine {
            cpu,
            cores,
            rustc,
            versions: locked_versions(&root.join("Cargo.lock")),
            load_before: load_before.to_owned(),
            load_after: load_after.to_owned(),
        }
    }
}

/// The versions Cargo.lock pins for the crates measured and the crypto beneath them.
fn locked_versions(lock: &Path) -> Vec<(String, String)> {
    const WANTED: [&str; 9] = [
        "jwt-crypto",
        "ring",
        "jsonwebtoken",
        "aws-lc-rs",
        "aws-lc-sys",
        "jwt-simple",
        "serde_json",
        "base64",
        "criterion",
    ];
    let text = std::fs::read_to_string(lock).unwrap_or_default();
    let mut found = Vec::new();
    for package in text.split("[[package]]") {
        let field = |name: &str| {
            package.lines().find_map(|line| {
                let value = line.strip_prefix(name)?.trim_start().strip_prefix('=')?;
                Some(value.trim().trim_matches('"').to_owned())
            })
        };
        if let (Some(name), Some(version)) = (field("name"), field("version")) {
            if WANTED.contains(&name.as_str()) {
                found.push((name, version));
            }
        }
    }
    found.sort_by_key(|(name, version)| {
        (
            WANTED.iter().position(|wanted| wanted == name),
            version.clone(),
        )
    });
    found
}

/// An operation ("ES384 encode") and a ratio.
type Extreme = (String, f64);

struct Report {
    quick: bool,
    machine: Machine,
    rust: Medians,
    paired: Paired,
    allocs: Allocs,
    instructions: Instructions,
    c: CResults,
    /// The Python benchmark's tables (Markdown, from `bench_python`), or why it did not run.
    python: Result<String, String>,
}

/// A target of issue 6 or 12, judged from this run.
struct Target {
    what: String,
    goal: String,
    measured: String,
    met: Option<bool>,
}

/// A target that a ratio must not exceed.
fn ratio_target(what: String, goal: &str, ratio: Option<f64>, limit: f64) -> Target {
    Target {
        what,
        goal: goal.to_owned(),
        measured: ratio.map_or("not measured".to_owned(), |r| format!("{r:.2} ×")),
        met: ratio.map(|r| r <= limit),
    }
}

impl Report {
    fn median(&self, group: &str, who: &str) -> Option<f64> {
        self.rust.get(&(group.to_owned(), who.to_owned())).copied()
    }

    /// `who`'s time over `other`'s for `alg`/`op` (both `<backend tag>/<contender>`).
    fn ratio(&self, alg: &str, op: &str, who: &str, other: &str) -> Option<f64> {
        let group = format!("{alg}/{op}");
        Some(self.median(&group, who)? / self.median(&group, other)?)
    }

    /// jwtkit's time over `other`'s (`<backend tag>/<contender>`) for `alg`/`op`, from the
    /// alternating batches when they ran, else from criterion's medians: what targets judge.
    fn judged_ratio(&self, alg: &str, op: &str, other: &str) -> Option<f64> {
        let tag = other.split('/').next().unwrap_or_default();
        self.alternating(&format!("{alg}/{op}"), other)
            .or_else(|| self.ratio(alg, op, &format!("{tag}/jwtkit"), other))
    }

    /// What the alternating-batch bench printed for `group` (`HS256/decode`) and `who`
    /// (`<backend tag>/<contender>`), if it ran.
    fn alternating(&self, group: &str, who: &str) -> Option<f64> {
        self.paired
            .get(&(group.to_owned(), who.to_owned()))
            .copied()
    }

    fn targets(&self) -> Vec<Target> {
        let mut targets = Vec::new();
        for backend in [Backend::AwsLc, Backend::Ring] {
            let (tag, name) = (backend.tag(), backend.name());
            let floor = format!("{tag}/floor");
            targets.push(ratio_target(
                format!("Rust ({name}) HS256 decode+validate vs the floor"),
                "≤ 1.2 × floor",
                self.judged_ratio("HS256", "decode", &floor),
                1.2,
            ));
            targets.push(ratio_target(
                format!("Rust ({name}) HS256 decode+validate vs jsonwebtoken 10"),
                "≤ 0.5 × (2 × faster)",
                self.judged_ratio("HS256", "decode", &format!("{tag}/jsonwebtoken10")),
                0.5,
            ));
            targets.push(ratio_target(
                format!("Rust ({name}) HS256 encode vs the floor"),
                "≤ 1.2 × floor",
                self.judged_ratio("HS256", "encode", &floor),
                1.2,
            ));
            for alg in algs(backend).skip(1) {
                for (op, verb) in [("decode", "verify"), ("encode", "sign")] {
                    targets.push(ratio_target(
                        format!("Rust ({name}) {alg} {verb} vs the {name} floor"),
                        "≤ 1.05 × floor",
                        self.judged_ratio(alg, op, &floor),
                        1.05,
                    ));
                }
            }
        }
        // Issue 12: the aws-lc-rs backend no slower than jsonwebtoken 10 on any row it has.
        for op in OPS {
            for alg in ALGS {
                let ratio = self.judged_ratio(alg, op, "aws-lc/jsonwebtoken10");
                if ratio.is_some() {
                    targets.push(ratio_target(
                        format!("Rust (aws-lc-rs) {alg} {op} vs jsonwebtoken 10"),
                        "≤ 1.0 ×",
                        ratio,
                        1.0,
                    ));
                }
            }
        }
        for backend in Backend::ALL {
            for alg in ["HS256", "ES256"] {
                let speedup = self.thread_speedup(alg, backend);
                targets.push(Target {
                    what: format!(
                        "Rust ({}) {alg} decode throughput, 2 threads vs 1",
                        backend.name()
                    ),
                    goal: "≥ 1.8 ×".into(),
                    measured: speedup.map_or("not measured".into(), |s| format!("{s:.2} ×")),
                    met: speedup.map(|s| s >= 1.8),
                });
            }
            let allocs = self.allocs.get(&(
                "HS256/decode".to_owned(),
                format!("{}/jwtkit", backend.tag()),
            ));
            targets.push(Target {
                what: format!(
                    "Rust ({}) allocations per HS256 decode into a typed struct",
                    backend.name()
                ),
                goal: "the claims' own (8)".into(),
                measured: allocs.map_or("not measured".into(), |(n, _)| format!("{n}")),
                met: allocs.map(|(n, _)| *n <= 8.0),
            });
        }
        for backend in Backend::ALL {
            let tag = backend.tag();
            for (alg, speedup) in [("HS256", 3.0), ("RS256", 10.0), ("ES256", 4.0)] {
                let jwtkit = self.c_time(alg, &format!("{tag}/jwtkit"));
                let libjwt = self.c_time(alg, &format!("{tag}/libjwt"));
                let faster = jwtkit.zip(libjwt).map(|(j, l)| l / j);
                targets.push(Target {
                    what: format!("C ({}) {alg} verify vs libjwt", backend.name()),
                    goal: format!("≥ {speedup} × faster"),
                    measured: faster.map_or_else(
                        || "libjwt not measured".into(),
                        |f| format!("{f:.1} × faster"),
                    ),
                    met: faster.map(|f| f >= speedup),
                });
                let overhead = self.c_over_rust(alg, tag);
                targets.push(ratio_target(
                    format!(
                        "C ({}) {alg} verify vs the Rust path (`decode_raw`)",
                        backend.name()
                    ),
                    "≤ 1.1 ×",
                    overhead,
                    1.1,
                ));
            }
        }
        targets
    }

    /// Decode throughput with 2 threads over 1 for `alg` on `backend`: from the alternating
    /// rounds when they ran, else from criterion's medians.
    fn thread_speedup(&self, alg: &str, backend: Backend) -> Option<f64> {
        let tag = backend.tag();
        let group = format!("{alg}/threads");
        self.alternating(&group, &format!("{tag}/2 threads"))
            .or_else(|| {
                self.median(&group, &format!("{tag}/1"))
                    .zip(self.median(&group, &format!("{tag}/2")))
                    .map(|(one, two)| one / two)
            })
    }

    /// `jwtkit_verify`'s time over `decode_raw`'s for `alg` on the backend tagged `tag`: from
    /// alternating batches in one process when they ran, else the C program's time over
    /// criterion's (two processes, so drift between them counts).
    fn c_over_rust(&self, alg: &str, tag: &str) -> Option<f64> {
        self.alternating(&format!("{alg}/c_verify"), &format!("{tag}/decode_raw"))
            .or_else(|| {
                let c = self.c_time(alg, &format!("{tag}/jwtkit"));
                let rust = self.median(&format!("{alg}/decode_raw"), &format!("{tag}/jwtkit"));
                c.zip(rust).map(|(c, r)| c / r)
            })
    }

    fn c_time(&self, alg: &str, who: &str) -> Option<f64> {
        self.c.times.get(&(alg.to_owned(), who.to_owned())).copied()
    }

    fn targets_text(&self) -> String {
        let mut text = String::from("targets (issues 6 and 12):\n");
        for target in self.targets() {
            let verdict = match target.met {
                Some(true) => "met",
                Some(false) => "MISSED",
                None => "n/a",
            };
            let _ = writeln!(
                text,
                "  {verdict:6} {}: {} (goal {})",
                target.what, target.measured, target.goal
            );
        }
        text
    }

    /// The geometric mean of aws-lc-rs jwtkit's time over ring jwtkit's across the operations
    /// both have, and the extremes: what the choice of backend rests on.
    fn backend_speedups(&self) -> Option<(f64, Extreme, Extreme)> {
        let mut ratios = Vec::new();
        for op in OPS {
            for alg in algs(Backend::Ring) {
                if let Some(r) = self.ratio(alg, op, "aws-lc/jwtkit", "ring/jwtkit") {
                    ratios.push((format!("{alg} {op}"), r));
                }
            }
        }
        if ratios.is_empty() {
            return None;
        }
        let mean = (ratios.iter().map(|(_, r)| r.ln()).sum::<f64>() / ratios.len() as f64).exp();
        let by = |a: &&(String, f64), b: &&(String, f64)| a.1.total_cmp(&b.1);
        let best = ratios.iter().min_by(by)?.clone();
        let worst = ratios.iter().max_by(by)?.clone();
        Some((mean, best, worst))
    }

    fn markdown(&self) -> String {
        let mut md = String::new();
        let m = &self.machine;
        let _ = writeln!(md, "# jwtkit benchmarks\n");
        let _ = writeln!(
            md,
            "Written by `cargo xtask bench{}`; rerun it to refresh this file and \
             [the chart](benches/chart.svg). jwtkit runs on both of jwt-crypto's crypto \
             backends, ring and aws-lc-rs (a cargo feature each, so the benchmark binary is \
             built once per backend). Every ratio compares two medians from the same \
             process unless it says otherwise: on a shared machine absolute times drift from \
             run to run, ratios much less. Lower is better throughout; a ratio below 1 means \
             jwtkit is faster.\n",
            if self.quick { " --quick" } else { "" }
        );
        let _ = writeln!(
            md,
            "![jwtkit's time relative to each peer](benches/chart.svg)\n"
        );
        let _ = writeln!(md, "## Which backend the artifacts ship\n");
        let speed = self.backend_speedups().map_or_else(
            || "This run did not measure both backends.".to_owned(),
            |(mean, (best, b), (worst, w))| {
                format!(
                    "In this run jwtkit on aws-lc-rs takes {mean:.2} × ring's time on average \
                     (geometric mean over the operations both have; from {b:.2} × on {best} \
                     to {w:.2} × on {worst})."
                )
            },
        );
        let _ = writeln!(
            md,
            "**aws-lc-rs**, for the Python wheel, libjwtkit (tarball and `.deb`s) and the \
             `jwtkit` command that `cargo xtask dist` builds. Two reasons:\n\n\
             - **Algorithms.** The wheel must offer every algorithm PyJWT 2.15 offers but \
             Ed448, and libjwtkit every one libjwt offers but Ed448. Both include ES512 \
             (P-521), and PyJWT also ES256K (secp256k1): ring has neither, aws-lc-rs has \
             both (and RSA key generation).\n\
             - **Speed.** {speed} aws-lc's RSA, P-384 and Ed25519 code is faster than \
             ring's on this CPU, P-256 and HMAC about equal; see the `aws-lc-rs / ring` \
             column below.\n\n\
             The Rust crates keep ring as their default feature (no C toolchain needed to \
             build them); Rust users choose with `--no-default-features --features \
             aws-lc-rs`. aws-lc-rs builds AWS-LC from C, so the release builds need a C \
             compiler (zig's, for the glibc 2.17 artifacts).\n"
        );
        let _ = writeln!(md, "## Machine\n");
        let _ = writeln!(md, "| | |\n|---|---|");
        let _ = writeln!(md, "| CPU | {} |", m.cpu);
        let _ = writeln!(md, "| cores | {} |", m.cores);
        let _ = writeln!(md, "| rustc | {} |", m.rustc);
        let _ = writeln!(
            md,
            "| load average (1, 5, 15 min) | {} before, {} after |",
            m.load_before, m.load_after
        );
        let versions: Vec<String> = m
            .versions
            .iter()
            .map(|(name, version)| format!("{name} {version}"))
            .collect();
        let _ = writeln!(md, "| crates | {} |", versions.join(", "));
        let mode = if self.quick {
            "quick (`--quick`: 0.3 s warm-up, 0.7 s measurement, 20 samples per benchmark)"
        } else {
            "full (1 s warm-up, 3 s measurement, 100 samples per benchmark)"
        };
        let _ = writeln!(md, "| criterion mode | {mode} |\n");

        let _ = writeln!(md, "## Workload\n");
        let _ = writeln!(
            md,
            "One typical token: header `{{alg, typ, kid}}`, claims `{{sub, name, iat, exp, iss, \
             aud}}` plus a three-role array — about 300 bytes before the signature. *decode* \
             is decode + validate into a typed struct with `exp`, `iss` and `aud` checked; \
             *encode* serializes the same struct and signs. Keys and validation settings are \
             made once, outside the timing, for every library (jsonwebtoken and jwt-simple \
             still re-read key bytes inside some calls: that cost is theirs). RSA keys are \
             2048-bit. The **floor** is the backend alone with keys parsed once, base64url \
             of the segments and one serde_json parse of the claims (`benches/src/floor.rs`): \
             ring's floor beside jwtkit on ring, aws-lc-rs's beside jwtkit on aws-lc-rs. \
             ES512 and ES256K exist on aws-lc-rs only; jsonwebtoken has neither, jwt-simple \
             has ES256K.\n"
        );

        let _ = writeln!(md, "## Rust\n");
        let _ = writeln!(
            md,
            "Median time per call (µs), then ratios of those times. Each backend's run \
             measures jwtkit, its floor and jsonwebtoken 10 in one process (jsonwebtoken 10 \
             shown from the aws-lc-rs run, jsonwebtoken 9 from ring's, jwt-simple from \
             aws-lc-rs's); `aws-lc-rs / ring` compares the two runs.\n"
        );
        let mut header = String::from("| operation |");
        let mut rule = String::from("|---|");
        for (_, name) in RUST_COLUMNS {
            let _ = write!(header, " {name} |");
            rule.push_str("---:|");
        }
        for (_, _, name) in RUST_RATIOS {
            let _ = write!(header, " {name} |");
            rule.push_str("---:|");
        }
        let _ = writeln!(md, "{header}\n{rule}");
        for op in OPS {
            for alg in ALGS {
                let group = format!("{alg}/{op}");
                let _ = write!(md, "| {alg} {op} |");
                for (id, _) in RUST_COLUMNS {
                    let _ = write!(md, " {} |", micros(self.median(&group, id)));
                }
                for (num, den, _) in RUST_RATIOS {
                    let _ = write!(md, " {} |", times(self.ratio(alg, op, num, den)));
                }
                md.push('\n');
            }
        }
        md.push('\n');

        let _ = writeln!(md, "### Threads\n");
        let _ = writeln!(
            md,
            "jwtkit decode with 1 and 2 threads sharing one `Key` and one `Validation` (time \
             per decode = wall time / decodes; speedup = 1-thread time / 2-thread time). The \
             times are criterion's, one after the other; the target is judged by the \
             alternating rounds (`benches/benches/paired.rs`: each round one batch on one \
             thread, then the same batch on each of two), which drift between the two \
             measurements cannot skew.\n"
        );
        let _ = writeln!(
            md,
            "| algorithm | backend | 1 thread (µs) | 2 threads (µs) | speedup | speedup, \
             alternating rounds |\n\
             |---|---|---:|---:|---:|---:|"
        );
        for alg in ["HS256", "ES256"] {
            for backend in Backend::ALL {
                let group = format!("{alg}/threads");
                let tag = backend.tag();
                let one = self.median(&group, &format!("{tag}/1"));
                let two = self.median(&group, &format!("{tag}/2"));
                let alternating = self.alternating(&group, &format!("{tag}/2 threads"));
                let _ = writeln!(
                    md,
                    "| {alg} | {} | {} | {} | {} | {} |",
                    backend.name(),
                    micros(one),
                    micros(two),
                    times(one.zip(two).map(|(a, b)| a / b)),
                    times(alternating)
                );
            }
        }
        md.push('\n');

        let _ = writeln!(md, "### Allocations\n");
        let _ = writeln!(
            md,
            "Heap allocations per call, counted by a global allocator (`benches/benches/\
             allocs.rs`). The typed claims own 8 (four strings, the roles vector and its three \
             strings); the header jwtkit's `TokenData` returns is shared with the tokens before \
             it that carried the same header, so it costs none.\n"
        );
        let _ = writeln!(
            md,
            "| operation | library | allocations | bytes |\n|---|---|---:|---:|"
        );
        for alg in ALGS {
            for op in OPS {
                let what = format!("{alg}/{op}");
                // The allocation table's rows are the Rust table's columns.
                for (who, name) in RUST_COLUMNS {
                    if let Some((count, bytes)) = self.allocs.get(&(what.clone(), who.to_owned())) {
                        let _ = writeln!(md, "| {alg} {op} | {name} | {count} | {bytes:.0} |");
                    }
                }
            }
        }
        md.push('\n');

        if !self.paired.is_empty() {
            let _ = writeln!(md, "### Alternating batches\n");
            let _ = writeln!(
                md,
                "jwtkit's time over the floor's and jsonwebtoken 10's, each the median of 31 \
                 rounds that time one short batch of jwtkit and one of the other back to back \
                 (`benches/benches/paired.rs`). The machine's speed drifts over the seconds \
                 between criterion's measurements of two contenders, and a ratio of their \
                 medians carries that drift; a ratio within one round does not. **The targets \
                 below are judged by these ratios.**\n"
            );
            let _ = writeln!(
                md,
                "| operation | aws-lc-rs / its floor | aws-lc-rs / jsonwebtoken 10 | \
                 ring / its floor | ring / jsonwebtoken 10 |\n|---|---:|---:|---:|---:|"
            );
            for op in OPS {
                for alg in ALGS {
                    let what = format!("{alg}/{op}");
                    let cells: Vec<String> = ["aws-lc/floor", "aws-lc/jsonwebtoken10"]
                        .into_iter()
                        .chain(["ring/floor", "ring/jsonwebtoken10"])
                        .map(|who| times(self.alternating(&what, who)))
                        .collect();
                    let _ = writeln!(md, "| {alg} {op} | {} |", cells.join(" | "));
                }
            }
            md.push('\n');
        }

        if !self.instructions.is_empty() {
            let _ = writeln!(md, "### Instructions (callgrind)\n");
            let _ = writeln!(
                md,
                "Instructions per call of jwtkit and the floor on each backend, counted by \
                 callgrind: exact, and immune to the other processes that make the timings \
                 above drift. (Under valgrind the libraries pick their AVX SHA-256 instead of \
                 the SHA extensions, so HMAC counts more instructions here than it spends on \
                 the real CPU.)\n"
            );
            let _ = writeln!(
                md,
                "| operation | jwtkit (aws-lc-rs) | floor (aws-lc-rs) | jwtkit / floor | \
                 jwtkit (ring) | floor (ring) | jwtkit / floor |\n\
                 |---|---:|---:|---:|---:|---:|---:|"
            );
            for op in OPS {
                for alg in ALGS {
                    let what = format!("{alg}/{op}");
                    let get = |who: &str| self.instructions.get(&(what.clone(), who.to_owned()));
                    let mut cells = String::new();
                    for tag in ["aws-lc", "ring"] {
                        let (jwtkit, floor) =
                            (get(&format!("{tag}/jwtkit")), get(&format!("{tag}/floor")));
                        let count =
                            |n: Option<&f64>| n.map_or("—".to_owned(), |n| format!("{n:.0}"));
                        let _ = write!(
                            cells,
                            " {} | {} | {} |",
                            count(jwtkit),
                            count(floor),
                            times(jwtkit.zip(floor).map(|(j, f)| j / f))
                        );
                    }
                    let _ = writeln!(md, "| {alg} {op} |{cells}");
                }
            }
            md.push('\n');
        }

        let _ = writeln!(md, "## C\n");
        let _ = writeln!(
            md,
            "`bindings/c/benches/verify.c`: `jwtkit_verify` with a key and validator made once \
             (claims handed back as JSON), against libjwt's `jwt_decode` plus the `alg`, `exp`, \
             `iss` and `aud` checks a libjwt 1.10 caller must write, and against the Rust call \
             beneath `jwtkit_verify` (`decode_raw`, from the criterion run above). The program \
             is built twice, on libjwtkit built on each backend, and each build times libjwt \
             too (shown: the aws-lc-rs build's). Median of alternating batches, µs per \
             verify. ES512 and ES256K exist on libjwtkit's aws-lc-rs build only, and libjwt \
             1.10 has ES512 but not ES256K. *C / Rust* is `jwtkit_verify` (called in-process) \
             over `decode_raw` in alternating batches of one process (`benches/benches/\
             paired.rs`).\n"
        );
        if let Some(why) = &self.c.libjwt_missing {
            let _ = writeln!(md, "**{why}.**\n");
        }
        let libjwt_name = self
            .c
            .libjwt_version
            .as_deref()
            .map_or("libjwt".to_owned(), |v| format!("libjwt {v}"));
        let _ = writeln!(
            md,
            "| verify | jwtkit C (aws-lc-rs) | jwtkit C (ring) | {libjwt_name} | Rust path \
             (aws-lc-rs) | Rust path (ring) | {libjwt_name} / jwtkit (aws-lc-rs) | \
             {libjwt_name} / jwtkit (ring) | C / Rust (aws-lc-rs) | C / Rust (ring) |\n\
             |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for alg in C_ALGS {
            let jwtkit = |tag: &str| self.c_time(alg, &format!("{tag}/jwtkit"));
            let libjwt = |tag: &str| self.c_time(alg, &format!("{tag}/libjwt"));
            let rust =
                |tag: &str| self.median(&format!("{alg}/decode_raw"), &format!("{tag}/jwtkit"));
            let _ = writeln!(
                md,
                "| {alg} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                micros(jwtkit("aws-lc")),
                micros(jwtkit("ring")),
                micros(libjwt("aws-lc")),
                micros(rust("aws-lc")),
                micros(rust("ring")),
                times(libjwt("aws-lc").zip(jwtkit("aws-lc")).map(|(l, j)| l / j)),
                times(libjwt("ring").zip(jwtkit("ring")).map(|(l, j)| l / j)),
                times(self.c_over_rust(alg, "aws-lc")),
                times(self.c_over_rust(alg, "ring")),
            );
        }
        md.push('\n');

        let _ = writeln!(md, "## Python\n");
        match &self.python {
            Ok(tables) => {
                let _ = writeln!(
                    md,
                    "jwtkit's PyJWT-compatible calls (with `cryptography` key objects and with PEM \
                     strings) and its parsed-once `Key`/`Validator` path, beside PyJWT, pyjwt-rs \
                     and the floor (`hmac` / `cryptography` primitives with keys parsed once), \
                     interleaved in one process (`bindings/python/benches/bench.py`), once with \
                     a wheel built on each backend.\n\n{tables}"
                );
            }
            Err(why) => {
                let _ = writeln!(md, "_The Python benchmark did not run: {why}_\n");
            }
        }

        let _ = writeln!(md, "## Targets (issues 6 and 12), judged from this run\n");
        let _ = writeln!(md, "| target | goal | measured | |\n|---|---|---:|---|");
        for target in self.targets() {
            let verdict = match target.met {
                Some(true) => "met",
                Some(false) => "**missed**",
                None => "—",
            };
            let _ = writeln!(
                md,
                "| {} | {} | {} | {verdict} |",
                target.what, target.goal, target.measured
            );
        }
        md.push('\n');
        md.push_str(NOTES);
        md
    }

    /// A horizontal bar chart, log scale: for every operation, each other column's time as a
    /// multiple of jwtkit on aws-lc-rs (right of 1: jwtkit on aws-lc-rs is faster). jwtkit on
    /// ring is one of the bars, so the chart shows both backends.
    fn chart(&self) -> String {
        const COLORS: [&str; 6] = [
            "#7f7f7f", "#1f77b4", "#c7c7c7", "#d62728", "#ff7f0e", "#2ca02c",
        ];
        const LEFT: f64 = 130.0;
        const WIDTH: f64 = 560.0;
        const BAR: f64 = 6.0;
        const ROW: f64 = 6.0 * BAR + 10.0;
        let (min_log, max_log) = (-3.0f64, 5.0f64); // 1/8 × to 32 ×
        let x = |ratio: f64| {
            let log = ratio.log2().clamp(min_log, max_log);
            LEFT + (log - min_log) / (max_log - min_log) * WIDTH
        };
        let reference = RUST_COLUMNS[0].0;
        let rows: Vec<(String, Vec<Option<f64>>)> = OPS
            .iter()
            .flat_map(|op| ALGS.iter().map(move |alg| (*alg, *op)))
            .map(|(alg, op)| {
                let ratios = RUST_COLUMNS[1..]
                    .iter()
                    .map(|(id, _)| self.ratio(alg, op, id, reference))
                    .collect();
                (format!("{alg} {op}"), ratios)
            })
            .collect();
        let top = 40.0;
        let height = top + ROW * rows.len() as f64 + 76.0;
        let total_width = LEFT + WIDTH + 30.0;
        let mut svg = String::new();
        let _ = writeln!(
            svg,
            r#"<svg xmlns="http://www.w3.org/2000/svg" width="{total_width}" height="{height}" viewBox="0 0 {total_width} {height}" font-family="sans-serif" font-size="11">"#
        );
        let _ = writeln!(
            svg,
            r##"<rect width="100%" height="100%" fill="#ffffff"/>"##
        );
        let _ = writeln!(
            svg,
            r#"<text x="10" y="18" font-size="13" font-weight="bold">Each time as a multiple of jwtkit (aws-lc-rs)'s (log scale; right of 1×: jwtkit is faster)</text>"#
        );
        let bottom = top + ROW * rows.len() as f64;
        for tick in -3i32..=5 {
            let ratio = 2f64.powi(tick);
            let tx = x(ratio);
            let (stroke, width) = if tick == 0 {
                ("#000000", 1.5)
            } else {
                ("#dddddd", 1.0)
            };
            let _ = writeln!(
                svg,
                r#"<line x1="{tx:.1}" y1="{top}" x2="{tx:.1}" y2="{bottom}" stroke="{stroke}" stroke-width="{width}"/>"#
            );
            let label = if ratio < 1.0 {
                format!("1/{}×", 1.0 / ratio)
            } else {
                format!("{ratio}×")
            };
            let _ = writeln!(
                svg,
                r#"<text x="{tx:.1}" y="{:.1}" text-anchor="middle">{label}</text>"#,
                bottom + 14.0
            );
        }
        for (i, (label, ratios)) in rows.iter().enumerate() {
            let y = top + ROW * i as f64 + 4.0;
            let _ = writeln!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{label}</text>"#,
                LEFT - 8.0,
                y + 3.0 * BAR + 3.0
            );
            for (j, ratio) in ratios.iter().enumerate() {
                let Some(ratio) = ratio else { continue };
                let by = y + BAR * j as f64;
                let (x0, x1) = (x(1.0), x(*ratio));
                let (start, len) = if x1 >= x0 {
                    (x0, x1 - x0)
                } else {
                    (x1, x0 - x1)
                };
                let _ = writeln!(
                    svg,
                    r#"<rect x="{start:.1}" y="{by:.1}" width="{:.1}" height="{:.1}" fill="{}"><title>{label}: {} {ratio:.2}× jwtkit (aws-lc-rs)</title></rect>"#,
                    len.max(0.5),
                    BAR - 1.0,
                    COLORS[j],
                    RUST_COLUMNS[j + 1].1
                );
            }
        }
        for (j, (_, name)) in RUST_COLUMNS[1..].iter().enumerate() {
            let lx = LEFT + 150.0 * (j % 4) as f64;
            let ly = bottom + 34.0 + 18.0 * (j / 4) as f64;
            let _ = writeln!(
                svg,
                r#"<rect x="{lx}" y="{:.1}" width="10" height="10" fill="{}"/><text x="{:.1}" y="{ly:.1}">{name}</text>"#,
                ly - 9.0,
                COLORS[j],
                lx + 14.0,
            );
        }
        svg.push_str("</svg>\n");
        svg
    }
}

/// Standing notes on where limits come from; the numbers above are this run's.
const NOTES: &str = "\
## Notes

- **The backend sets the floor for the asymmetric algorithms.** jwtkit's RSA, ECDSA and
  Ed25519 calls are the backend's calls plus a few hundred nanoseconds of JOSE work, so their
  ratios to the floor of the same backend sit near 1. ring 0.17 has no parsed RSA or ECDSA
  *public* key type: `UnparsedPublicKey` decodes the key bytes on every verification, in
  jwtkit and the ring floor alike. aws-lc-rs has one (`ParsedPublicKey`), which jwtkit's
  aws-lc-rs backend and its floor both use. jsonwebtoken 10 is on aws-lc-rs too but builds its
  crypto objects from key bytes on each call.
- **HS256 decode is where jwtkit's JOSE work shows**, because HMAC itself is cheap. jwtkit
  reads the claims once, into the caller's type, through thin wrappers that take the
  registered claims for validation as they pass (NumericDate types, `iss`, `aud`, `sub`)
  and refuse a member name given twice at any depth; the floor reads them once and checks
  none of that. Each thread keeps the headers it read lately and hands them out shared
  (`TokenData::header` is an `Arc`), and every segment is decoded into a stack buffer, so a
  typed decode allocates only the claims' own strings.
- The C table's Rust-path times come from the criterion runs and its C times from the C
  programs a minute later; *C / Rust* is measured in one process instead. The `aws-lc-rs /
  ring` column of the Rust table crosses two processes and carries more noise than the
  other ratios.
- **jsonwebtoken** parses the claims twice on decode (once for validation, once into the
  caller's type) and builds its crypto objects from key bytes on each call. It has neither
  ES512 nor ES256K.
- **jwt-simple** is built with its `pure-rust` feature (its default, `optimal`, builds
  BoringSSL, which needs cmake), so its RSA is the pure-Rust `rsa` crate and its ES256K the
  pure-Rust `k256`.
- The thread speedup needs both cores free: another process on a 2-core machine lowers it.
  The load average above says how quiet the machine was.
";

fn micros(ns: Option<f64>) -> String {
    match ns {
        None => "—".to_owned(),
        Some(ns) if ns >= 100_000.0 => format!("{:.0}", ns / 1000.0),
        Some(ns) if ns >= 10_000.0 => format!("{:.1}", ns / 1000.0),
        Some(ns) => format!("{:.2}", ns / 1000.0),
    }
}

fn times(ratio: Option<f64>) -> String {
    ratio.map_or("—".to_owned(), |r| format!("{r:.2}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        let mut rust = Medians::new();
        for alg in ALGS {
            for op in OPS {
                for (k, (id, _)) in RUST_COLUMNS.iter().enumerate() {
                    let ns = 1000.0 * (k as f64 + 1.0);
                    rust.insert((format!("{alg}/{op}"), (*id).to_owned()), ns);
                }
                rust.insert(
                    (format!("{alg}/{op}"), "ring/jsonwebtoken10".to_owned()),
                    8000.0,
                );
            }
        }
        for tag in ["aws-lc", "ring"] {
            rust.insert(("HS256/threads".into(), format!("{tag}/1")), 1000.0);
            rust.insert(("HS256/threads".into(), format!("{tag}/2")), 520.0);
        }
        let mut allocs = Allocs::new();
        allocs.insert(
            ("HS256/decode".into(), "aws-lc/jwtkit".into()),
            (10.0, 200.0),
        );
        Report {
            quick: true,
            machine: Machine {
                cpu: "test CPU".into(),
                cores: 2,
                rustc: "rustc 1.0".into(),
                versions: vec![("ring".into(), "0.17.14".into())],
                load_before: "0.00 0.00 0.00".into(),
                load_after: "0.00 0.00 0.00".into(),
            },
            rust,
            paired: Paired::from([(("HS256/decode".to_owned(), "ring/floor".to_owned()), 1.15)]),
            allocs,
            instructions: Instructions::from([(
                ("HS256/decode".to_owned(), "ring/jwtkit".to_owned()),
                36_000.0,
            )]),
            c: CResults {
                times: BTreeMap::from([
                    (("HS256".into(), "ring/jwtkit".into()), 1000.0),
                    (("ES512".into(), "aws-lc/jwtkit".into()), 400_000.0),
                    (("ES256K".into(), "aws-lc/jwtkit".into()), 300_000.0),
                ]),
                libjwt_missing: Some("libjwt was not found".into()),
                libjwt_version: None,
            },
            python: Err("not in this test".into()),
        }
    }

    #[test]
    fn the_report_has_every_table_and_judges_targets() {
        let report = report();
        let md = report.markdown();
        for heading in [
            "## Which backend the artifacts ship",
            "## Rust",
            "### Threads",
            "### Allocations",
            "### Alternating batches",
            "### Instructions",
            "## C",
            "## Python",
        ] {
            assert!(md.contains(heading), "{heading}");
        }
        assert!(md.contains(
            "| HS256 decode | 1.00 | 2.00 | 3.00 | 4.00 | 5.00 | 6.00 | 7.00 | 0.50 | 0.20 | \
             0.75 | 0.38 | 0.33 |"
        ));
        assert!(md.contains("| ES512 encode | 1.00 |"));
        assert!(md.contains("**libjwt was not found.**"));
        assert!(md.contains("| ES512 | 400 | — | — |"));
        assert!(md.contains("| ES256K | 300 | — | — |"));
        assert!(md.contains("aws-lc-rs takes 0.33 × ring's time"));
        let text = report.targets_text();
        assert!(
            text.contains("met    Rust (aws-lc-rs) HS256 decode+validate vs the floor: 0.50 ×")
        );
        assert!(text.contains("met    Rust (aws-lc-rs) ES512 encode vs jsonwebtoken 10: 0.20 ×"));
        // Judged by the alternating batches where they ran, by criterion's medians elsewhere.
        assert!(text.contains("met    Rust (ring) HS256 decode+validate vs the floor: 1.15 ×"));
        assert!(md.contains("| HS256 decode | — | — | 1.15 | — |"));
        assert!(
            text.contains("met    Rust (ring) HS256 decode throughput, 2 threads vs 1: 1.92 ×")
        );
        assert!(text.contains("n/a    C (ring) HS256 verify vs libjwt: libjwt not measured"));
    }

    #[test]
    fn the_chart_is_one_svg_with_a_bar_per_ratio() {
        let svg = report().chart();
        assert!(svg.starts_with("<svg ") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("<title>").count(), ALGS.len() * OPS.len() * 6);
    }

    #[test]
    fn criterion_c_and_allocation_output_is_read() {
        let allocs = parse_allocs(
            "# note\nallocs\tHS256/decode\tjwtkit\t10\t203\nother\n",
            Backend::AwsLc,
        );
        assert_eq!(
            allocs.get(&("HS256/decode".into(), "aws-lc/jwtkit".into())),
            Some(&(10.0, 203.0))
        );
        let c = parse_c("# x\nc\ths256/verify\tlibjwt\t1234.5\n", Backend::Ring);
        assert_eq!(
            c.get(&("HS256".into(), "ring/libjwt".into())),
            Some(&1234.5)
        );
        let versions = locked_versions(&workspace_root().join("Cargo.lock"));
        assert!(versions.iter().any(|(name, _)| name == "ring"));
        assert!(versions.iter().any(|(name, _)| name == "aws-lc-rs"));
    }
}
