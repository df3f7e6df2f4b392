//! The C suite of `cargo xtask test`: builds libjwtkit, compiles the C tests and the example
//! through pkg-config (strict C99, and the header as C++), and runs them linked dynamically,
//! statically, under AddressSanitizer + UBSan, and under valgrind. The shared conformance
//! vectors are fed to a small C driver and its answers compared here. The JWK set client's test
//! talks to a stand-in identity provider that this runner serves on loopback.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use jwt_crypto::{Algorithm, Header, Key};

use crate::c;
use crate::dist;
use crate::run::{ensure_tools, step, workspace_root};
use crate::vectors::{self, CaseLine};

/// How a test program is linked.
#[derive(Clone, Copy, Debug)]
pub enum Link {
    Dynamic,
    /// libjwtkit.a, with the system libraries linked dynamically.
    Static,
    /// `cc -static` with `pkg-config --static --libs`, as a user builds a fully static program:
    /// what proves `Libs.private`.
    FullyStatic,
    Sanitized,
}

impl Link {
    const ALL: [Link; 4] = [
        Link::Dynamic,
        Link::Static,
        Link::FullyStatic,
        Link::Sanitized,
    ];

    fn suffix(self) -> &'static str {
        match self {
            Link::Dynamic => "dynamic",
            Link::Static => "static",
            Link::FullyStatic => "fully-static",
            Link::Sanitized => "asan",
        }
    }
}

/// The C test programs, each compiled in every [`Link`] mode.
const PROGRAMS: [&str; 5] = ["api", "vectors", "claims", "rotation", "jwks"];

/// The test programs that report `N passed, M failed` (the vector driver answers case by case).
const SUITES: [&str; 4] = ["api", "claims", "rotation", "jwks"];

/// The closing lines the C suite printed, summed for its own closing line.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
}

impl Tally {
    /// Runs a test program, echoing its output and adding its `N passed, M failed` line.
    fn run(&mut self, what: &str, mut command: Command) -> Result<(), String> {
        println!("==> {what}");
        let output = command
            .output()
            .map_err(|err| format!("{what}: could not start: {err}"))?;
        print!("{}", String::from_utf8_lossy(&output.stdout));
        eprint!("{}", String::from_utf8_lossy(&output.stderr));
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let counts = line.split_once(": ").map_or(line, |(_, counts)| counts);
            if let Some((passed, failed)) = counts.split_once(" passed, ") {
                let failed = failed.trim_end_matches(" failed");
                if let (Ok(passed), Ok(failed)) = (passed.parse::<usize>(), failed.parse::<usize>())
                {
                    self.passed += passed;
                    self.failed += failed;
                }
            }
        }
        if output.status.success() {
            Ok(())
        } else {
            Err(format!("{what} failed ({})", output.status))
        }
    }
}

pub const C_FLAGS: [&str; 7] = [
    "-std=c99",
    "-Wall",
    "-Wextra",
    "-Wpedantic",
    "-Werror",
    "-pthread",
    "-g",
];

pub fn run() -> Result<(), String> {
    ensure_tools(&[
        ("cc", "gcc"),
        ("c++", "g++"),
        ("pkg-config", "pkg-config"),
        ("valgrind", "valgrind"),
    ])?;
    let prefix = c::staging_prefix();
    c::build(&prefix)?;
    let out_dir = workspace_root().join("target/jwtkit-c/tests");
    let scratch = out_dir.join("scratch");
    std::fs::create_dir_all(&scratch)
        .map_err(|err| format!("creating {}: {err}", scratch.display()))?;
    let sources = workspace_root().join("bindings/c");

    let cxx = out_dir.join("header-cxx");
    compile(
        "c++",
        &[sources.join("tests/header.cpp")],
        &cxx,
        Link::Dynamic,
        &prefix,
        &["-std=c++11", "-Wall", "-Wextra", "-Werror"],
    )?;
    step("header compiles and links as C++", Command::new(&cxx))?;
    check_header_hygiene(&out_dir, &prefix)?;

    for program in PROGRAMS {
        for link in Link::ALL {
            let binary = out_dir.join(format!("{program}-{}", link.suffix()));
            compile(
                "cc",
                &[sources.join(format!("tests/{program}.c"))],
                &binary,
                link,
                &prefix,
                &C_FLAGS,
            )?;
        }
    }
    let readme = out_dir.join("readme");
    let readme_source = out_dir.join("readme.c");
    std::fs::write(&readme_source, readme_program()?)
        .map_err(|err| format!("writing readme.c: {err}"))?;
    compile(
        "cc",
        &[readme_source],
        &readme,
        Link::Dynamic,
        &prefix,
        &C_FLAGS,
    )?;
    let example = out_dir.join("verify_bearer");
    compile(
        "cc",
        &[sources.join("examples/verify_bearer.c")],
        &example,
        Link::Dynamic,
        &prefix,
        &C_FLAGS,
    )?;
    let service = out_dir.join("login_orders");
    compile(
        "cc",
        &[sources.join("examples/login_orders.c")],
        &service,
        Link::Dynamic,
        &prefix,
        &C_FLAGS,
    )?;

    let mut tally = Tally::default();
    let cases = vectors::c_case_lines()?;
    let idp = crate::idp::Idp::start()?;
    let test_command = |program: &str, binary: &Path, wrapper: Option<Command>| {
        let mut command = match wrapper {
            Some(mut wrapper) => {
                wrapper.arg(binary);
                wrapper
            }
            None => Command::new(binary),
        };
        match program {
            "claims" => {
                command.arg(&scratch);
            }
            "jwks" => idp.configure(&mut command),
            _ => {}
        }
        command
    };
    for link in Link::ALL {
        for program in SUITES {
            let binary = out_dir.join(format!("{program}-{}", link.suffix()));
            tally.run(
                &format!("C {program} tests ({})", link.suffix()),
                sanitized(test_command(program, &binary, None), link),
            )?;
        }
        run_vectors(
            &out_dir.join(format!("vectors-{}", link.suffix())),
            link,
            &cases,
            None,
            link.suffix(),
        )?;
    }
    for program in SUITES {
        let binary = out_dir.join(format!("{program}-dynamic"));
        tally.run(
            &format!("C {program} tests (valgrind)"),
            test_command(program, &binary, Some(valgrind())),
        )?;
    }
    run_vectors(
        &out_dir.join("vectors-dynamic"),
        Link::Dynamic,
        &cases,
        Some(valgrind()),
        "valgrind",
    )?;
    for program in ["rotation", "jwks"] {
        let binary = out_dir.join(format!("{program}-dynamic"));
        tally.run(
            &format!("C {program} tests (helgrind, the program's side)"),
            test_command(program, &binary, Some(helgrind(&out_dir)?)),
        )?;
    }
    shipped_backend(&out_dir, &cases, &mut tally, &test_command)?;
    run_example(&example)?;
    run_login_orders(&service, &scratch)?;
    run_migration_examples(&sources, &out_dir, &prefix, &scratch)?;
    run_readme(&readme, &scratch)?;
    println!("c-suite: {} passed, {} failed", tally.passed, tally.failed);
    Ok(())
}

/// The suites and the vectors again, dynamically linked against libjwtkit built on the
/// backend the release ships ([`dist::BACKEND`], aws-lc-rs): the one with ES512 and ES256K,
/// whose vectors the ring build can only refuse.
fn shipped_backend(
    out_dir: &Path,
    cases: &[CaseLine],
    tally: &mut Tally,
    test_command: &dyn Fn(&str, &Path, Option<Command>) -> Command,
) -> Result<(), String> {
    let backend = dist::BACKEND;
    let prefix = c::staging_prefix_for(backend);
    c::build_with(&prefix, backend)?;
    let sources = workspace_root().join("bindings/c/tests");
    let dir = out_dir.join(backend.tag());
    std::fs::create_dir_all(&dir).map_err(|err| format!("creating {}: {err}", dir.display()))?;
    for program in PROGRAMS {
        compile(
            "cc",
            &[sources.join(format!("{program}.c"))],
            &dir.join(program),
            Link::Dynamic,
            &prefix,
            &C_FLAGS,
        )?;
    }
    for program in SUITES {
        tally.run(
            &format!("C {program} tests ({})", backend.name()),
            test_command(program, &dir.join(program), None),
        )?;
    }
    run_vectors(
        &dir.join("vectors"),
        Link::Dynamic,
        cases,
        None,
        backend.name(),
    )
}

/// The header's promises to legacy builds: it compiles as C89 with `-pedantic -Werror`, a
/// dropped status is a warning (an error under `-Werror`), and the user can switch that off.
fn check_header_hygiene(out_dir: &Path, prefix: &Path) -> Result<(), String> {
    let c89 = out_dir.join("c89.c");
    std::fs::write(
        &c89,
        "#include <jwtkit.h>\n\
         int main(void) {\n\
             jwtkit_status_code ok = JWTKIT_OK; jwtkit_alg_code es256 = JWTKIT_ALG_ES256;\n\
             jwtkit_status status = ok; jwtkit_alg alg = es256;\n\
             return jwtkit_version_number() == JWTKIT_VERSION_NUMBER && status == 0 && alg == 10\n\
                 && JWTKIT_ERR_INTERNAL == 901 ? 0 : 1;\n\
         }\n",
    )
    .map_err(|err| format!("writing c89.c: {err}"))?;
    let binary = out_dir.join("c89");
    compile(
        "cc",
        &[c89],
        &binary,
        Link::Dynamic,
        prefix,
        &["-std=c89", "-pedantic", "-Wall", "-Wextra", "-Werror"],
    )?;
    step(
        "header compiles as C89 (enums included) and the versions agree",
        Command::new(&binary),
    )?;

    let dropped = out_dir.join("dropped_status.c");
    std::fs::write(
        &dropped,
        "#include <jwtkit.h>\n\
         int main(void) { jwtkit_alg alg = 0; jwtkit_alg_from_name(\"ES256\", &alg); return (int)alg; }\n",
    )
    .map_err(|err| format!("writing dropped_status.c: {err}"))?;
    let object = out_dir.join("dropped_status.o");
    let cflags = c::pkg_config(prefix, &["--cflags"])?;
    let compiles = |define: Option<&str>| -> Result<bool, String> {
        let mut command = Command::new("cc");
        command
            .args(["-std=c99", "-Wall", "-Werror", "-c"])
            .args(&cflags)
            .args(define)
            .arg(&dropped)
            .arg("-o")
            .arg(&object)
            .stderr(Stdio::null());
        command
            .status()
            .map(|status| status.success())
            .map_err(|err| format!("cc: {err}"))
    };
    println!("==> a dropped status is an error under -Werror, unless switched off");
    if compiles(None)? {
        return Err("ignoring a jwtkit_status compiled without a warning".to_owned());
    }
    for define in ["-DJWTKIT_NO_WARN_UNUSED_RESULT", "-DJWTKIT_MUST_USE="] {
        if !compiles(Some(define))? {
            return Err(format!(
                "{define} does not switch the unused-result warning off"
            ));
        }
    }
    Ok(())
}

/// valgrind's helgrind on the rotation and JWK set client tests: races in the program's own
/// code (the test's threads, its counters, its use of handles across threads). Races reported
/// inside libjwtkit are suppressed: its Rust std locks, `Arc` counts and the client's published
/// key set (arc-swap) are futex and atomic operations that helgrind does not model, so every
/// key published through a key source or fetched by a client would be reported (about 12,000
/// reports, all in std's synchronisation), and so are the C library functions libjwtkit calls
/// on that data (`memcpy`, `bcmp`). So is glibc reusing the stack of a thread libjwtkit started
/// and that has exited (the client's refresher is not joined) for the next one it starts. The
/// library's side is checked by memcheck and ASan (no use after free while keys rotate or a
/// client refreshes) and by the tests' own assertions.
fn helgrind(out_dir: &Path) -> Result<Command, String> {
    let suppressions = out_dir.join("helgrind.supp");
    std::fs::write(
        &suppressions,
        "{\n   races-inside-libjwtkit\n   Helgrind:Race\n   obj:*/libjwtkit.so*\n}\n\
         {\n   c-library-functions-called-by-libjwtkit\n   Helgrind:Race\n   fun:*\n   \
         obj:*/libjwtkit.so*\n}\n\
         {\n   thread-stacks-reused-for-libjwtkit-threads\n   Helgrind:Race\n   ...\n   \
         fun:pthread_create*\n   ...\n   obj:*/libjwtkit.so*\n}\n",
    )
    .map_err(|err| format!("writing helgrind.supp: {err}"))?;
    let mut command = Command::new("valgrind");
    command
        .args(["--tool=helgrind", "--error-exitcode=99"])
        .arg(format!("--suppressions={}", suppressions.display()))
        // helgrind runs one thread at a time, so whether a verifier sees a given rotation is
        // up to its scheduler: the test then checks races, not that both keys were seen.
        .env("JWTKIT_TEST_SERIALIZED_THREADS", "1");
    Ok(command)
}

/// The README's C quick start as written, with a `main` that feeds it a key file and a token.
fn readme_program() -> Result<String, String> {
    let readme = std::fs::read_to_string(workspace_root().join("README.md"))
        .map_err(|err| err.to_string())?;
    let section = readme
        .split_once("### C\n")
        .map(|(_, rest)| rest)
        .ok_or("README has no C quick start")?;
    let code = section
        .split_once("```c\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(code, _)| code)
        .ok_or("README's C quick start has no code block")?;
    // Issue 16: issuing and reading typed claims takes under 20 lines, includes and all.
    let lines = code.trim().lines().count();
    if lines >= README_LINE_BUDGET {
        return Err(format!(
            "README's C quick start is {lines} lines, not under {README_LINE_BUDGET}"
        ));
    }
    let header = std::fs::read_to_string(crate::header::header_path())
        .map_err(|err| format!("reading jwtkit.h: {err}"))?;
    let unchecked = unchecked_status_calls(code, &header);
    if !unchecked.is_empty() {
        return Err(format!(
            "README's C quick start ignores the status of {}",
            unchecked.join(", ")
        ));
    }
    // A whole program as written: the test only gives it a key file to read.
    Ok(code.to_owned())
}

/// The README's C quick start must stay under this many lines.
const README_LINE_BUDGET: usize = 20;

/// The calls in `code` to functions that return a `jwtkit_status` (as `header` declares them)
/// made as bare statements, so that their status is dropped: code that people copy must check
/// every status.
fn unchecked_status_calls(code: &str, header: &str) -> Vec<String> {
    let fallible: Vec<&str> = header
        .lines()
        .filter_map(|line| {
            let line = line.strip_prefix("JWTKIT_MUST_USE ").unwrap_or(line);
            line.strip_prefix("jwtkit_status ")
        })
        .filter_map(|rest| rest.split_once('(').map(|(name, _)| name))
        .collect();
    let mut unchecked = Vec::new();
    for line in code.lines() {
        for name in &fallible {
            let call = format!("{name}(");
            for (at, _) in line.match_indices(&call) {
                let before = line[..at].trim_end();
                // Only an identifier's start counts (not `my_jwtkit_verify(`).
                if before.ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                if before.is_empty() || before.ends_with([';', '{', '}']) {
                    unchecked.push((*name).to_owned());
                }
            }
        }
    }
    unchecked
}

/// Runs the README's C quick start with a fresh RS256 token and a tampered one.
fn run_readme(program: &Path, scratch: &Path) -> Result<(), String> {
    // It reads `login.pem` from where it runs: an ES256 key there, and nothing in an empty
    // directory beside it.
    let with_key = scratch.join("readme");
    let without_key = scratch.join("readme-no-key");
    for dir in [&with_key, &without_key] {
        std::fs::create_dir_all(dir).map_err(|err| format!("creating {}: {err}", dir.display()))?;
    }
    std::fs::copy(
        workspace_root().join("crates/jwt-crypto/tests/data/ecp256.pkcs8.pem"),
        with_key.join("login.pem"),
    )
    .map_err(|err| format!("copying the README's key: {err}"))?;
    let _ = std::fs::remove_file(without_key.join("login.pem"));
    println!("==> the README's C quick start");
    let run = |dir: &Path| {
        Command::new(program)
            .current_dir(dir)
            .output()
            .map_err(|err| err.to_string())
    };
    let good = run(&with_key)?;
    let bad = run(&without_key)?;
    let printed = String::from_utf8_lossy(&good.stdout);
    print!("    {printed}");
    let refused = String::from_utf8_lossy(&bad.stdout);
    print!("    {refused}");
    let issued_and_read = printed.starts_with("ada until ") && printed.trim_end().ends_with(": ok");
    if !good.status.success() || !issued_and_read {
        return Err(format!("the README's C quick start printed {printed:?}"));
    }
    if bad.status.success() || !refused.contains("login.pem") {
        return Err(format!(
            "without its key the README's C quick start printed {refused:?}"
        ));
    }
    Ok(())
}

/// Runs the login + orders example with the test EC keys: every request must be answered as
/// the example expects (it checks its own answers and says so).
fn run_login_orders(example: &Path, scratch: &Path) -> Result<(), String> {
    println!("==> example login_orders");
    let data = workspace_root().join("crates/jwt-crypto/tests/data");
    let mut command = Command::new(example);
    command
        .current_dir(scratch)
        .arg(data.join("ecp256.pkcs8.pem"))
        .arg(data.join("ecp384.pkcs8.pem"));
    let output = command.output().map_err(|err| err.to_string())?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    for line in stdout.lines() {
        println!("    {line}");
    }
    if !output.status.success() || !stdout.contains("every request answered as expected") {
        return Err(format!(
            "login_orders failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(())
}

/// The migration guide's service, written on jwtkit and on libjwt: both must give the same
/// answers to the same tokens, including each other's. The libjwt version is compiled only
/// where libjwt's `jwt.h` is installed (Debian: libjwt-dev); otherwise it is skipped, said so.
fn run_migration_examples(
    sources: &Path,
    out_dir: &Path,
    prefix: &Path,
    scratch: &Path,
) -> Result<(), String> {
    let jwtkit = out_dir.join("auth_jwtkit");
    compile(
        "cc",
        &[sources.join("examples/migrating/auth_jwtkit.c")],
        &jwtkit,
        Link::Dynamic,
        prefix,
        &C_FLAGS,
    )?;
    let libjwt = out_dir.join("auth_libjwt");
    let has_libjwt = Command::new("cc")
        .args(["-E", "-x", "c", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .and_then(|mut child| {
            if let Some(mut stdin) = child.stdin.take() {
                stdin.write_all(b"#include <jwt.h>\n")?;
            }
            child.wait()
        })
        .is_ok_and(|status| status.success());
    if has_libjwt {
        let mut command = Command::new("cc");
        command
            .args(C_FLAGS)
            .arg(sources.join("examples/migrating/auth_libjwt.c"))
            .arg("-o")
            .arg(&libjwt)
            .arg("-ljwt");
        step("compile auth_libjwt (libjwt is installed)", command)?;
    } else {
        println!("==> skipped auth_libjwt: libjwt's jwt.h is not installed (Debian: libjwt-dev)");
    }
    println!("==> the migration guide's service, on jwtkit and on libjwt");
    let secret_text = "0123456789abcdef0123456789abcdef";
    let secret = scratch.join("auth.secret");
    std::fs::write(&secret, format!("{secret_text}\n"))
        .map_err(|err| format!("writing {}: {err}", secret.display()))?;
    let run = |program: &Path, token: Option<&str>| -> Result<String, String> {
        let output = Command::new(program)
            .arg(&secret)
            .args(token)
            .output()
            .map_err(|err| format!("{}: {err}", program.display()))?;
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };
    let key = Key::from_secret(secret_text.as_bytes()).map_err(|err| err.to_string())?;
    let now = jwt_crypto::NumericDate::now().as_secs();
    let hs256 = |claims: serde_json::Value| {
        jwt_crypto::encode(&Header::new(Algorithm::HS256), &claims, &key)
            .map_err(|err| err.to_string())
    };
    let mut programs = vec![jwtkit.as_path()];
    if has_libjwt {
        programs.push(libjwt.as_path());
    }
    let mut cases = vec![
        (
            hs256(
                serde_json::json!({"iss": "https://login.example", "sub": "bob", "role": "ops", "exp": now + 60}),
            )?,
            "accepted bob ops",
        ),
        (
            hs256(
                serde_json::json!({"iss": "https://login.example", "sub": "bob", "role": "ops", "exp": now - 60}),
            )?,
            "refused expired",
        ),
        (
            hs256(
                serde_json::json!({"iss": "https://evil.example", "sub": "bob", "role": "ops", "exp": now + 60}),
            )?,
            "refused issuer",
        ),
    ];
    for issuer in &programs {
        let token = run(issuer, None)?;
        cases.push((format!("{token}x"), "refused"));
        cases.push((token, "accepted ada admin"));
    }
    for (token, expected) in &cases {
        for verifier in &programs {
            let answer = run(verifier, Some(token))?;
            let name = verifier
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            println!("    {name}: {answer}");
            if !answer.starts_with(expected) {
                return Err(format!("{name} answered {answer:?}, expected {expected:?}"));
            }
        }
    }
    Ok(())
}

/// An RS256 token over `claims`, signed with the test RSA key.
fn rs256_token(claims: &serde_json::Value) -> Result<String, String> {
    let pem = std::fs::read_to_string(
        workspace_root().join("crates/jwt-crypto/tests/data/rsa2048.pkcs8.pem"),
    )
    .map_err(|err| err.to_string())?;
    let key = Key::from_pem(&pem).map_err(|err| err.to_string())?;
    jwt_crypto::encode(&Header::new(Algorithm::RS256), claims, &key).map_err(|err| err.to_string())
}

/// Compiles `sources` into `binary`, with pkg-config's flags for the library at `prefix`.
pub fn compile(
    compiler: &str,
    sources: &[PathBuf],
    binary: &Path,
    link: Link,
    prefix: &Path,
    flags: &[&str],
) -> Result<(), String> {
    let mut command = Command::new(compiler);
    command
        .args(flags)
        .args(c::pkg_config(prefix, &["--cflags"])?)
        .args(sources)
        .arg("-o")
        .arg(binary);
    let libdir = prefix.join("lib");
    match link {
        Link::Dynamic => {
            command
                .args(c::pkg_config(prefix, &["--libs"])?)
                .arg(format!("-Wl,-rpath,{}", libdir.display()));
        }
        Link::FullyStatic => {
            command
                .arg("-static")
                .args(c::pkg_config(prefix, &["--static", "--libs"])?);
        }
        Link::Static | Link::Sanitized => {
            if let Link::Sanitized = link {
                command.args([
                    "-fsanitize=address,undefined",
                    "-fno-omit-frame-pointer",
                    "-fno-sanitize-recover=all",
                ]);
            }
            // The archive itself, then the system libraries it needs (Libs.private).
            command.arg(libdir.join("libjwtkit.a"));
            let libs = c::pkg_config(prefix, &["--static", "--libs-only-l"])?;
            command.args(libs.iter().filter(|flag| *flag != "-ljwtkit"));
        }
    }
    let name = binary
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    step(&format!("compile {name}"), command)
}

/// memcheck: every leak kind is an error.
fn valgrind() -> Command {
    let mut command = Command::new("valgrind");
    command.args([
        "--error-exitcode=99",
        "--leak-check=full",
        "--errors-for-leak-kinds=definite,indirect,possible",
    ]);
    command
}

fn sanitized(mut command: Command, link: Link) -> Command {
    if let Link::Sanitized = link {
        command
            .env("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1")
            .env("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1");
    }
    command
}

/// Feeds every C-runnable vector to the driver and compares its answers.
fn run_vectors(
    driver: &Path,
    link: Link,
    cases: &[CaseLine],
    wrapper: Option<Command>,
    label: &str,
) -> Result<(), String> {
    println!("==> conformance vectors through the C ABI ({label})");
    let mut command = match wrapper {
        Some(mut wrapper) => {
            wrapper.arg(driver);
            wrapper
        }
        None => sanitized(Command::new(driver), link),
    };
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|err| format!("starting {}: {err}", driver.display()))?;
    let input: String = cases
        .iter()
        .map(|case| format!("{}\n", case.line))
        .collect();
    let mut stdin = child.stdin.take().ok_or("no stdin")?;
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|err| format!("running the vector driver: {err}"))?;
    writer
        .join()
        .map_err(|_| "writer thread panicked")?
        .map_err(|err| format!("writing cases: {err}"))?;
    if !output.status.success() {
        return Err(format!(
            "the C vector driver ({label}) failed: {}",
            output.status
        ));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let answers: Vec<&str> = stdout.lines().collect();
    let mut failures = Vec::new();
    for (case, answer) in cases.iter().zip(&answers) {
        if let Err(why) = case.check(answer) {
            failures.push(format!("  {}: {why}", case.id));
        }
    }
    if answers.len() != cases.len() {
        failures.push(format!(
            "  the driver answered {} of {} cases",
            answers.len(),
            cases.len()
        ));
    }
    println!(
        "c-vectors: {} passed, {} failed",
        cases.len() - failures.len().min(cases.len()),
        failures.len()
    );
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "C vectors ({label}) disagree with the expected outcomes:\n{}",
            failures.join("\n")
        ))
    }
}

/// Runs the example service function with a fresh RS256 token, a tampered one and a
/// non-Bearer header.
fn run_example(example: &Path) -> Result<(), String> {
    let now = jwt_crypto::NumericDate::now().as_secs();
    let claims = serde_json::json!({
        "sub": "ada", "iss": "https://login.example", "aud": "orders-api", "iat": now, "exp": now + 600,
    });
    let token = rs256_token(&claims)?;
    let public = workspace_root().join("crates/jwt-crypto/tests/data/rsa2048.spki.pem");
    let tampered = format!("{}x", token.trim_end_matches(|c| c != '.'));
    let cases = [
        (format!("Bearer {token}"), true, "authorized: ada"),
        (format!("Bearer {tampered}"), false, "refused: "),
        (
            format!("Basic {token}"),
            false,
            "refused: not a Bearer token",
        ),
    ];
    println!("==> example verify_bearer");
    for (header, ok, expected) in cases {
        let output = Command::new(example)
            .arg(&public)
            .arg(&header)
            .output()
            .map_err(|err| err.to_string())?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        print!("    {stdout}");
        if output.status.success() != ok || !stdout.starts_with(expected) {
            return Err(format!(
                "verify_bearer printed {stdout:?}, expected {expected:?}"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::unchecked_status_calls;

    const HEADER: &str = "jwtkit_status jwtkit_key_from_pem(const uint8_t *pem,\n\
                          void jwtkit_key_free(const jwtkit_key *key);\n\
                          JWTKIT_MUST_USE jwtkit_status jwtkit_verify(const jwtkit_validator *validator,\n";

    #[test]
    fn a_dropped_status_is_found() {
        let code = "    jwtkit_key_from_pem(p, n, &key);   /* once */\n\
                    x = 1; jwtkit_verify(v, k, t, n, &c);\n\
                    jwtkit_key_free(key);\n";
        assert_eq!(
            unchecked_status_calls(code, HEADER),
            ["jwtkit_key_from_pem", "jwtkit_verify"]
        );
    }

    #[test]
    fn a_used_status_is_not() {
        let code = "    jwtkit_status s = jwtkit_key_from_pem(p, n, &key);\n\
                    if (s == JWTKIT_OK) s = jwtkit_verify(v, k, t, n, &c);\n\
                    return jwtkit_verify(v, k, t, n, &c) == JWTKIT_OK;\n\
                    my_jwtkit_verify(v);\n";
        assert!(unchecked_status_calls(code, HEADER).is_empty());
    }

    /// The README as committed passes its own check.
    #[test]
    fn the_readme_quick_start_checks_every_status() {
        super::readme_program().unwrap();
    }
}
