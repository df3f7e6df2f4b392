//! The C suite of `cargo xtask test`: builds libjwtkit, compiles the C tests and the example
//! through pkg-config (strict C99, and the header as C++), and runs them linked dynamically,
//! statically, under AddressSanitizer + UBSan, and under valgrind. The shared conformance
//! vectors are fed to a small C driver and its answers compared here.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use jwt_crypto::{Algorithm, Header, Key};

use crate::c;
use crate::run::{ensure_tools, step, workspace_root};
use crate::vectors::{self, CaseLine};

/// How a test program is linked.
#[derive(Clone, Copy, Debug)]
pub enum Link {
    Dynamic,
    Static,
    Sanitized,
}

impl Link {
    const ALL: [Link; 3] = [Link::Dynamic, Link::Static, Link::Sanitized];

    fn suffix(self) -> &'static str {
        match self {
            Link::Dynamic => "dynamic",
            Link::Static => "static",
            Link::Sanitized => "asan",
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
    std::fs::create_dir_all(&out_dir)
        .map_err(|err| format!("creating {}: {err}", out_dir.display()))?;
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

    for program in ["api", "vectors"] {
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

    let cases = vectors::c_case_lines()?;
    for link in Link::ALL {
        let api = out_dir.join(format!("api-{}", link.suffix()));
        step(
            &format!("C API tests ({})", link.suffix()),
            sanitized(Command::new(&api), link),
        )?;
        run_vectors(
            &out_dir.join(format!("vectors-{}", link.suffix())),
            link,
            &cases,
            None,
        )?;
    }
    let mut api_valgrind = valgrind();
    api_valgrind.arg(out_dir.join("api-dynamic"));
    step("C API tests (valgrind)", api_valgrind)?;
    run_vectors(
        &out_dir.join("vectors-dynamic"),
        Link::Dynamic,
        &cases,
        Some(valgrind()),
    )?;
    run_example(&example)?;
    run_readme(&readme)
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
    if code.trim().lines().count() > 15 {
        return Err("README's C quick start is over 15 lines".to_owned());
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
    Ok(format!(
        "{code}\n/* Appended by the test: read the key file, check the token. */\n#include <stdlib.h>\n\
         int main(int argc, char **argv) {{\n    static char pem[16384];\n    FILE *file;\n    size_t len;\n    \
         if (argc != 3 || !(file = fopen(argv[1], \"rb\"))) return 2;\n    \
         len = fread(pem, 1, sizeof pem - 1, file);\n    fclose(file);\n    pem[len] = '\\0';\n    \
         return check(pem, argv[2]) ? 0 : 1;\n}}\n"
    ))
}

/// The calls in `code` to functions that return a `jwtkit_status` (as `header` declares them)
/// made as bare statements, so that their status is dropped: code that people copy must check
/// every status.
fn unchecked_status_calls(code: &str, header: &str) -> Vec<String> {
    let fallible: Vec<&str> = header
        .lines()
        .filter_map(|line| line.strip_prefix("jwtkit_status "))
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
fn run_readme(program: &Path) -> Result<(), String> {
    let now = jwt_crypto::NumericDate::now().as_secs();
    let token = rs256_token(
        &serde_json::json!({"sub": "ada", "iss": "https://login.example", "exp": now + 600}),
    )?;
    let public = workspace_root().join("crates/jwt-crypto/tests/data/rsa2048.spki.pem");
    println!("==> the README's C quick start");
    let good = Command::new(program)
        .arg(&public)
        .arg(&token)
        .output()
        .map_err(|err| err.to_string())?;
    let bad = Command::new(program)
        .arg(&public)
        .arg(format!("{token}A"))
        .output()
        .map_err(|err| err.to_string())?;
    let printed = String::from_utf8_lossy(&good.stdout);
    print!("    {printed}");
    if !good.status.success() || !printed.contains("\"sub\":\"ada\"") || bad.status.success() {
        return Err(format!("the README's C quick start printed {printed:?}"));
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
) -> Result<(), String> {
    let label = if wrapper.is_some() {
        "valgrind"
    } else {
        link.suffix()
    };
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
                          jwtkit_status jwtkit_verify(const jwtkit_validator *validator,\n";

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
