//! `cargo xtask dist [--target T]`: the release artifacts, in `target/dist/`, each checked by
//! the same command.
//!
//! - Python: an abi3 wheel linked against glibc 2.17 (`manylinux2014`) by maturin's `--zig`,
//!   and an sdist. Checked with `auditwheel show`, the Python suite on the installed wheel in a
//!   fresh venv, and a wheel built from the sdist in another fresh venv.
//! - C: `jwtkit-<version>-<arch>-linux-gnu.tar.gz` (header, shared and static library, a
//!   relocatable pkg-config file, a CMake package, examples, licences and the `jwtkit`
//!   command), built against glibc 2.17 by cargo-zigbuild, and `libjwtkit0`/`libjwtkit-dev`
//!   `.deb` packages. Checked: the glibc symbol versions (objdump), the examples compiled from
//!   the unpacked tarball in a fresh temporary prefix with cc + pkg-config, statically with
//!   only `Libs.private`, and with CMake's `find_package(jwtkit)`; the `.deb`s installed with
//!   `dpkg -i`, used the same way, and removed.
//! - Rust: `cargo package` (with its verifying build) and `cargo publish --dry-run` of jwt-core
//!   and jwt-crypto, and their docs with `RUSTDOCFLAGS="-D warnings"`.
//!
//! The tools come from the registries, pinned: ziglang, maturin and auditwheel from PyPI into
//! a venv, cargo-zigbuild with `cargo install --locked`, all under
//! `target/dist-tools/` and kept between runs; cmake from Debian when it is missing. The
//! builds go to target directories of their own under `target/dist-build/`, also kept.
//! Each step is timed; the table is printed at the end and kept in `target/dist-work/`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::c::{self, Backend, VERSION};
use crate::python;
use crate::run::{cargo, ensure_tools, step, workspace_root};

/// zig, as a PyPI package, for maturin's `--zig` and for cargo-zigbuild.
const ZIGLANG: &str = "ziglang==0.15.2";
const AUDITWHEEL: &str = "auditwheel==6.8.2";
const CARGO_ZIGBUILD: &str = "cargo-zigbuild";
const CARGO_ZIGBUILD_VERSION: &str = "0.24.1";

/// The oldest glibc the gnu artifacts run on: RHEL/CentOS 7's, manylinux2014's, and the floor
/// of Rust's own `*-linux-gnu` targets.
const GLIBC_FLOOR: (u32, u32) = (2, 17);
/// The only target whose standard library is installed on this project's machines, and the
/// only one whose artifacts the checks can run.
const HOST: &str = "x86_64-unknown-linux-gnu";
/// The published crates.
const RUST_CRATES: [&str; 2] = ["jwt-core", "jwt-crypto"];
/// The Debian revision of the `.deb` packages built here.
const DEB_REVISION: &str = "1";
/// What the examples print when every request got the expected answer.
const EXAMPLE_OK: &str = "every request answered as expected";

/// The crypto backend the wheel, libjwtkit and the `jwtkit` command ship on: aws-lc-rs, the
/// only one with every algorithm PyJWT and libjwt offer but Ed448 (ES512, ES256K), and the
/// faster one on every operation BENCHMARKS.md measures. Rust users choose by feature.
pub const BACKEND: Backend = Backend::AwsLc;

const USAGE: &str = "usage: cargo xtask dist [--target TRIPLE]";

pub fn run(args: &[String]) -> Result<(), String> {
    let triple = match args {
        [] => HOST.to_owned(),
        [flag, triple] if flag == "--target" => triple.clone(),
        [flag] if flag.starts_with("--target=") => flag["--target=".len()..].to_owned(),
        _ => return Err(USAGE.to_owned()),
    };
    let target = Target::parse(&triple)?;
    let have_std = check_std(&target)?;
    let mut report = Report::default();
    let started = Instant::now();
    let result = dist(&target, &have_std, &mut report);
    report.finish(&target, started, result.is_ok());
    result
}

// ---------------------------------------------------------------------------------------------
// Targets

#[derive(Clone, Copy, Debug, PartialEq)]
enum Libc {
    Gnu,
    Musl,
}

#[derive(Debug)]
struct Target {
    triple: String,
    /// `x86_64` or `aarch64`.
    arch: &'static str,
    libc: Libc,
}

impl Target {
    fn parse(triple: &str) -> Result<Target, String> {
        let arch = match triple.split('-').next() {
            Some("x86_64") => "x86_64",
            Some("aarch64") => "aarch64",
            _ => return Err(unsupported(triple)),
        };
        let libc = match triple.strip_prefix(arch) {
            Some("-unknown-linux-gnu") => Libc::Gnu,
            Some("-unknown-linux-musl") => Libc::Musl,
            _ => return Err(unsupported(triple)),
        };
        Ok(Target {
            triple: triple.to_owned(),
            arch,
            libc,
        })
    }

    /// The target as cargo-zigbuild takes it: gnu targets carry the glibc to link against.
    fn zig_triple(&self) -> String {
        match self.libc {
            Libc::Gnu => format!("{}.{}.{}", self.triple, GLIBC_FLOOR.0, GLIBC_FLOOR.1),
            Libc::Musl => self.triple.clone(),
        }
    }

    /// maturin's `--compatibility`, and the tag `auditwheel show` must find.
    fn wheel_policy(&self) -> (&'static str, String) {
        match self.libc {
            Libc::Gnu => (
                "manylinux2014",
                format!(
                    "manylinux_{}_{}_{}",
                    GLIBC_FLOOR.0, GLIBC_FLOOR.1, self.arch
                ),
            ),
            Libc::Musl => ("musllinux_1_2", format!("musllinux_1_2_{}", self.arch)),
        }
    }

    /// `x86_64-linux-gnu`: the tarball's suffix, and Debian's multiarch directory.
    fn short(&self) -> String {
        let libc = match self.libc {
            Libc::Gnu => "gnu",
            Libc::Musl => "musl",
        };
        format!("{}-linux-{libc}", self.arch)
    }

    /// Debian's architecture name; `.deb`s are built for the gnu targets only.
    fn deb_arch(&self) -> Option<&'static str> {
        match (self.libc, self.arch) {
            (Libc::Gnu, "x86_64") => Some("amd64"),
            (Libc::Gnu, "aarch64") => Some("arm64"),
            _ => None,
        }
    }

    /// Whether what was built can run here (the checks that run programs need it).
    fn runs_here(&self) -> bool {
        self.triple == HOST
    }

    /// The systems the artifacts are for, as the tarball's README says it.
    fn systems(&self) -> (String, &'static str) {
        match self.libc {
            Libc::Gnu => (
                format!("glibc {}.{}", GLIBC_FLOOR.0, GLIBC_FLOOR.1),
                "any Linux with glibc 2.17 or newer (RHEL/CentOS 7 and later, Debian 8+, \
                 Ubuntu 14.04+, Amazon Linux 2)",
            ),
            Libc::Musl => (
                "musl 1.2".to_owned(),
                "Linux with musl 1.2 or newer (Alpine 3.13 and later)",
            ),
        }
    }
}

fn unsupported(triple: &str) -> String {
    format!(
        "dist builds for x86_64 or aarch64 Linux (`*-unknown-linux-gnu` or \
         `*-unknown-linux-musl`), not {triple}"
    )
}

/// Fails, saying so plainly, when the target's Rust standard library is not installed: only
/// `x86_64-unknown-linux-gnu`'s is on this project's machines, and no other can be fetched.
fn check_std(target: &Target) -> Result<String, String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let libdir = Command::new(&rustc)
        .args(["--print", "target-libdir", "--target", &target.triple])
        .output()
        .map_err(|err| format!("rustc: {err}"))?;
    let libdir = PathBuf::from(String::from_utf8_lossy(&libdir.stdout).trim());
    if has_std(&libdir) {
        return Ok(format!("{} standard library installed", target.triple));
    }
    let sysroot = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .map_err(|err| format!("rustc: {err}"))?;
    let rustlib =
        PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim()).join("lib/rustlib");
    let mut installed: Vec<String> = std::fs::read_dir(&rustlib)
        .map(|entries| {
            entries
                .flatten()
                .filter(|entry| has_std(&entry.path().join("lib")))
                .map(|entry| entry.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    installed.sort();
    Err(format!(
        "the Rust standard library for {triple} is not installed, so nothing can be built for \
         it here. Installed: {installed}. Where the toolchain can be fetched, `rustup target \
         add {triple}` installs it; then `cargo xtask dist --target {triple}` builds its \
         artifacts (their checks that run programs are skipped on another architecture).",
        triple = target.triple,
        installed = if installed.is_empty() {
            "none found".to_owned()
        } else {
            installed.join(", ")
        },
    ))
}

fn has_std(libdir: &Path) -> bool {
    std::fs::read_dir(libdir).is_ok_and(|entries| {
        entries
            .flatten()
            .any(|entry| entry.file_name().to_string_lossy().starts_with("libstd-"))
    })
}

// ---------------------------------------------------------------------------------------------
// Timing and the closing table

#[derive(Default)]
struct Report {
    rows: Vec<(String, f64, String)>,
}

impl Report {
    /// Runs one step, timing it; `f` returns its value and a one-line result for the table.
    fn time<T>(
        &mut self,
        name: &str,
        f: impl FnOnce() -> Result<(T, String), String>,
    ) -> Result<T, String> {
        println!("\n=== dist: {name}");
        let started = Instant::now();
        let result = f();
        let seconds = started.elapsed().as_secs_f64();
        match result {
            Ok((value, detail)) => {
                println!("=== dist: {name}: ok ({seconds:.0} s): {detail}");
                self.rows.push((name.to_owned(), seconds, detail));
                Ok(value)
            }
            Err(err) => {
                self.rows
                    .push((name.to_owned(), seconds, "FAILED".to_owned()));
                Err(format!("dist: {name}: {err}"))
            }
        }
    }

    /// A check that did not run, and why: it shows in the table, never silently.
    fn skip(&mut self, name: &str, why: &str) {
        println!("\n=== dist: {name}: SKIPPED: {why}");
        self.rows
            .push((name.to_owned(), 0.0, format!("SKIPPED: {why}")));
    }

    fn finish(&self, target: &Target, started: Instant, ok: bool) {
        let mut table = format!(
            "cargo xtask dist --target {}: {} in {:.0} s\n",
            target.triple,
            if ok { "every check passed" } else { "FAILED" },
            started.elapsed().as_secs_f64()
        );
        for (name, seconds, detail) in &self.rows {
            let _ = writeln!(table, "{seconds:>6.0} s  {name}: {detail}");
        }
        println!("\n{table}");
        let work = workspace_root().join("target/dist-work");
        if std::fs::create_dir_all(&work).is_ok() {
            let _ = std::fs::write(work.join("report.txt"), table);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The whole run

struct Dirs {
    root: PathBuf,
    /// The artifacts, and nothing else.
    out: PathBuf,
    /// Staging trees, check builds, venvs made anew each run.
    work: PathBuf,
    /// The builds' target directories, one per kind of build (maturin's and cargo-zigbuild's
    /// linker wrappers differ, and cargo rebuilds everything when the linker changes), kept
    /// between runs.
    build: PathBuf,
    /// Pinned tools, kept between runs.
    tools: PathBuf,
}

fn dist(target: &Target, have_std: &str, report: &mut Report) -> Result<(), String> {
    let root = workspace_root();
    let dirs = Dirs {
        out: root.join("target/dist"),
        work: root.join("target/dist-work"),
        build: root.join("target/dist-build"),
        tools: root.join("target/dist-tools"),
        root,
    };
    report.time("prepare: empty target/dist", || {
        for dir in [&dirs.out, &dirs.work] {
            if dir.exists() {
                std::fs::remove_dir_all(dir)
                    .map_err(|err| format!("removing {}: {err}", dir.display()))?;
            }
            mkdir(dir)?;
        }
        Ok(((), have_std.to_owned()))
    })?;
    let tools = report.time(
        "tools: venv (maturin, ziglang, auditwheel), cargo-zigbuild, cmake",
        || Tools::install(&dirs),
    )?;
    let epoch = source_date_epoch(&dirs.root);

    // Python.
    let wheel = report.time("python: abi3 wheel (maturin --zig)", || {
        build_wheel(&tools, target, &dirs)
    })?;
    let sdist = report.time("python: sdist (maturin sdist)", || {
        build_sdist(&tools, &dirs)
    })?;
    report.time("check: auditwheel show", || {
        check_auditwheel(&tools, target, &wheel)
    })?;
    if target.runs_here() {
        report.time("check: Python suite on the wheel, fresh venv", || {
            python::test_wheel(&wheel, &dirs.work.join("wheel-test-venv"))?;
            Ok(((), "pytest and stubtest passed".to_owned()))
        })?;
        report.time("check: sdist builds a working wheel, fresh venv", || {
            check_sdist(&sdist, &dirs)
        })?;
    } else {
        report.skip(
            "check: Python suite, sdist build",
            "the wheel is not for this machine",
        );
    }

    // C: the library and the command, the tarball, the .debs.
    let built = report.time(
        "c: libjwtkit and the jwtkit command (cargo-zigbuild)",
        || build_c(&tools, target, &dirs),
    )?;
    let (tarball, stage) =
        report.time("c: tarball", || stage_tarball(target, &built, &dirs, epoch))?;
    let wheel_so = extract_wheel_library(&tools, &wheel, &dirs.work)?;
    if target.libc == Libc::Gnu {
        report.time("check: newest GLIBC symbol version (objdump -T)", || {
            check_glibc(&[
                stage.join(format!("lib/libjwtkit.so.{VERSION}")),
                stage.join("bin/jwtkit"),
                wheel_so.clone(),
            ])
        })?;
    } else {
        report.skip(
            "check: GLIBC symbol versions",
            "a musl target links no glibc",
        );
    }
    if target.runs_here() {
        report.time(
            "check: tarball in a fresh prefix: cc + pkg-config, static, CMake",
            || check_tarball(&tarball, &stage),
        )?;
    } else {
        report.skip(
            "check: tarball in a fresh prefix",
            "built for another machine",
        );
    }
    if let Some(deb_arch) = target.deb_arch() {
        let debs = report.time("c: .deb packages (dpkg-deb)", || {
            build_debs(target, deb_arch, &built, &stage, &dirs, epoch)
        })?;
        match deb_check_blocker(target) {
            None => report.time(
                "check: dpkg -i, build against the installed files, remove",
                || check_debs(&debs, &stage, target),
            )?,
            Some(why) => report.skip("check: dpkg -i", &why),
        }
    } else {
        report.skip("c: .deb packages", "built for the gnu targets only");
    }

    // Rust.
    report.time(
        "rust: cargo package (and verify), cargo publish --dry-run",
        || rust_packages(&dirs),
    )?;
    report.time("rust: cargo doc with RUSTDOCFLAGS=\"-D warnings\"", || {
        rust_docs(target, &dirs)
    })?;

    report.time("SHA256SUMS", || checksums(&dirs.out))?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Tools

struct Tools {
    /// The venv's python: maturin, ziglang (`python -m ziglang`) and auditwheel.
    python: PathBuf,
    zigbuild: PathBuf,
    cache_dir: PathBuf,
}

impl Tools {
    fn install(dirs: &Dirs) -> Result<(Tools, String), String> {
        ensure_tools(&[
            ("cc", "gcc"),
            ("pkg-config", "pkg-config"),
            ("objdump", "binutils"),
            ("cmake", "cmake"),
            ("tar", "tar"),
            ("gzip", "gzip"),
            ("sha256sum", "coreutils"),
            ("dpkg-deb", "dpkg"),
        ])?;
        let python = python::venv(
            &dirs.tools.join("venv"),
            false,
            &[python::MATURIN, ZIGLANG, AUDITWHEEL],
        )?;
        let cargo_root = dirs.tools.join("cargo");
        let zigbuild = cargo_root.join("bin").join(CARGO_ZIGBUILD);
        let installed = Command::new(&zigbuild)
            .arg("--version")
            .output()
            .is_ok_and(|out| {
                String::from_utf8_lossy(&out.stdout).trim()
                    == format!("{CARGO_ZIGBUILD} {CARGO_ZIGBUILD_VERSION}")
            });
        let mut detail = format!("{}, {ZIGLANG}, {AUDITWHEEL}", python::MATURIN);
        if installed {
            let _ = write!(detail, ", {CARGO_ZIGBUILD} {CARGO_ZIGBUILD_VERSION} (kept)");
        } else {
            let started = Instant::now();
            let mut install = cargo();
            install
                .args(["install", "--locked", "--root"])
                .arg(&cargo_root)
                .arg(format!("{CARGO_ZIGBUILD}@{CARGO_ZIGBUILD_VERSION}"));
            step(
                &format!("cargo install --locked {CARGO_ZIGBUILD}@{CARGO_ZIGBUILD_VERSION}"),
                install,
            )?;
            let _ = write!(
                detail,
                ", {CARGO_ZIGBUILD} {CARGO_ZIGBUILD_VERSION} (installed in {:.0} s)",
                started.elapsed().as_secs_f64()
            );
        }
        let tools = Tools {
            python,
            zigbuild,
            cache_dir: dirs.tools.clone(),
        };
        Ok((tools, detail))
    }

    /// What a zig-linked build needs: its own target directory, zig from the venv, and zig's
    /// caches under `target/` rather than in the home directory.
    fn zig_env(&self, command: &mut Command, target_dir: &Path) {
        command
            .env("CARGO_TARGET_DIR", target_dir)
            .env("CARGO_ZIGBUILD_PYTHON_PATH", &self.python)
            .env(
                "CARGO_ZIGBUILD_CACHE_DIR",
                self.cache_dir.join("zigbuild-cache"),
            )
            .env("ZIG_GLOBAL_CACHE_DIR", self.cache_dir.join("zig-cache"))
            .env("ZIG_LOCAL_CACHE_DIR", self.cache_dir.join("zig-cache"));
    }

    fn venv_bin(&self, name: &str) -> PathBuf {
        self.python
            .parent()
            .map_or_else(|| PathBuf::from(name), |bin| bin.join(name))
    }
}

/// The last commit's time, so the tarball and the `.deb`s carry the same dates on every run.
fn source_date_epoch(root: &Path) -> u64 {
    Command::new("git")
        .args(["log", "-1", "--format=%ct"])
        .current_dir(root)
        .output()
        .ok()
        .and_then(|out| String::from_utf8_lossy(&out.stdout).trim().parse().ok())
        // 1980-01-01, the earliest date a zip (a wheel) can hold.
        .unwrap_or(315_532_800)
}

// ---------------------------------------------------------------------------------------------
// Python

/// The wheel. (No SOURCE_DATE_EPOCH here: ring's build script reruns whenever it changes,
/// which would rebuild the crates after every commit.)
fn build_wheel(tools: &Tools, target: &Target, dirs: &Dirs) -> Result<(PathBuf, String), String> {
    let (compatibility, _) = target.wheel_policy();
    let mut build = Command::new(&tools.python);
    build
        .args(["-m", "maturin", "build", "--release", "--quiet", "--zig"])
        .args(BACKEND.cargo_args())
        .args(["--compatibility", compatibility, "--target", &target.triple])
        .arg("--out")
        .arg(&dirs.out)
        .current_dir(dirs.root.join("bindings/python"));
    tools.zig_env(&mut build, &dirs.build.join("wheel"));
    step(
        &format!(
            "maturin build --zig ({}) --compatibility {compatibility} --target {}",
            BACKEND.name(),
            target.triple
        ),
        build,
    )?;
    let wheel = find_file(&dirs.out, "jwtkit-", ".whl")?;
    let name = file_name(&wheel);
    if !name.contains("-abi3-") || !name.contains(&format!("{compatibility}_{}", target.arch)) {
        return Err(format!(
            "maturin built {name}, not an abi3 {compatibility}_{} wheel",
            target.arch
        ));
    }
    Ok((wheel, name))
}

fn build_sdist(tools: &Tools, dirs: &Dirs) -> Result<(PathBuf, String), String> {
    let mut sdist = Command::new(&tools.python);
    sdist
        .args(["-m", "maturin", "sdist", "--out"])
        .arg(&dirs.out)
        .current_dir(dirs.root.join("bindings/python"));
    step("maturin sdist", sdist)?;
    let sdist = find_file(&dirs.out, "jwtkit-", ".tar.gz")?;
    let name = file_name(&sdist);
    Ok((sdist, name))
}

fn check_auditwheel(tools: &Tools, target: &Target, wheel: &Path) -> Result<((), String), String> {
    let (_, tag) = target.wheel_policy();
    let mut show = Command::new(tools.venv_bin("auditwheel"));
    show.arg("show").arg(wheel);
    let printed = output("auditwheel show", show)?;
    // auditwheel wraps its lines; compare with the whitespace folded.
    let folded = printed.split_whitespace().collect::<Vec<_>>().join(" ");
    let wanted = format!("is consistent with the following platform tag: \"{tag}\"");
    if !folded.contains(&wanted) {
        return Err(format!(
            "auditwheel show did not find the wheel {tag}:\n{printed}"
        ));
    }
    Ok(((), format!("consistent with {tag}")))
}

/// The extension module inside the wheel, unpacked for objdump.
fn extract_wheel_library(tools: &Tools, wheel: &Path, work: &Path) -> Result<PathBuf, String> {
    let dir = work.join("wheel-contents");
    mkdir(&dir)?;
    let mut unzip = Command::new(&tools.python);
    unzip.args(["-m", "zipfile", "-e"]).arg(wheel).arg(&dir);
    output("unpacking the wheel", unzip)?;
    let package = dir.join("jwtkit");
    find_file(&package, "_native", ".so")
}

/// Makes cargo rebuild jwtkit's own crates in a target directory kept between runs. In the
/// sdist build the files carry maturin's fixed timestamp, older than any earlier build, and
/// cargo hashes a path crate by its place in the workspace, not by where pip unpacked it; in
/// `cargo package`'s verifying build, jwt-core 0.1.0 comes from a local registry, whose crates
/// cargo takes to never change. Either way a crate whose dependencies did not change would be
/// taken from the last run, stale.
fn forget_own_crates(target_dir: &Path) -> Result<(), String> {
    for profile in ["debug", "release"] {
        forget_own_crates_in(&target_dir.join(profile).join(".fingerprint"))?;
    }
    // cargo also keeps each local registry's crates unpacked under CARGO_HOME (the folders
    // named `-<hash>`; crates.io's is named after its host) and never unpacks one again.
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")));
    let sources = cargo_home.map(|home| home.join("registry/src"));
    for registry in sources
        .and_then(|dir| std::fs::read_dir(dir).ok())
        .into_iter()
        .flatten()
        .flatten()
    {
        if registry.file_name().to_string_lossy().starts_with('-') {
            forget_own_crates_in(&registry.path())?;
        }
    }
    Ok(())
}

fn forget_own_crates_in(fingerprints: &Path) -> Result<(), String> {
    let Ok(entries) = std::fs::read_dir(fingerprints) else {
        return Ok(()); // a first run: nothing to forget
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if ["jwt-core-", "jwt-crypto-", "jwt-jwks-", "jwtkit-python-"]
            .iter()
            .any(|prefix| name.starts_with(prefix))
        {
            std::fs::remove_dir_all(entry.path())
                .map_err(|err| format!("removing {}: {err}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// Builds a wheel from the sdist with pip, in a fresh venv, the way `pip install` of the sdist
/// does (build isolation, maturin as pyproject.toml asks, held to the pinned version), installs
/// it and uses it.
fn check_sdist(sdist: &Path, dirs: &Dirs) -> Result<((), String), String> {
    let python = python::venv(&dirs.work.join("sdist-venv"), true, &[])?;
    let constraints = dirs.work.join("sdist-constraints.txt");
    write(&constraints, &format!("{}\n", python::MATURIN))?;
    let wheels = dirs.work.join("sdist-wheel");
    mkdir(&wheels)?;
    let target_dir = dirs.build.join("sdist");
    forget_own_crates(&target_dir)?;
    let mut build = Command::new(&python);
    build
        .args([
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
        ])
        .arg("--wheel-dir")
        .arg(&wheels)
        .arg(sdist)
        .env("PIP_CONSTRAINT", &constraints)
        // Its own target directory: the registry's crates are kept between runs, jwtkit's
        // own crates build from the sdist's copy each time (see `forget_own_crates`).
        .env("CARGO_TARGET_DIR", &target_dir)
        .current_dir(&dirs.work);
    step(
        "pip wheel jwtkit sdist (maturin in an isolated build env)",
        build,
    )?;
    let wheel = find_file(&wheels, "jwtkit-", ".whl")?;
    python::install_wheel(&python, &wheel)?;
    let mut smoke = Command::new(&python);
    smoke
        .args(["-c", SDIST_SMOKE, VERSION])
        .current_dir(&dirs.work);
    let printed = output("the wheel built from the sdist", smoke)?;
    Ok(((), format!("{}: {}", file_name(&wheel), printed.trim())))
}

/// Run from outside the source tree against the wheel built from the sdist.
const SDIST_SMOKE: &str = r#"
import sys
import jwtkit as jwt

assert jwt.__version__ == sys.argv[1], jwt.__version__
secret = "a secret of thirty-two bytes!!!!"
token = jwt.encode({"sub": "ada", "exp": 4_000_000_000}, secret, algorithm="HS256")
assert jwt.decode(token, secret, algorithms=["HS256"])["sub"] == "ada"
try:
    jwt.decode(token[:-2] + "AA", secret, algorithms=["HS256"])
except jwt.InvalidSignatureError:
    pass
else:
    raise SystemExit("a tampered token was accepted")
# Built on aws-lc-rs, as the wheel ships (pyproject.toml's [tool.maturin] features): the
# algorithms ring lacks are there.
for alg in ("ES512", "ES256K"):
    assert alg in jwt.algorithms.get_default_algorithms(), f"{alg} missing: built on ring?"
    key = jwt.Key.generate(alg)
    token = jwt.encode({"sub": "ada"}, key, algorithm=alg)
    assert jwt.decode(token, key, algorithms=[alg])["sub"] == "ada"
print("HS256 issued, verified, tampered token refused; ES512 and ES256K (aws-lc-rs) sign")
"#;

// ---------------------------------------------------------------------------------------------
// C

struct CBuild {
    /// `target/dist-build/c/<triple>/release`.
    dir: PathBuf,
    /// rustc's native-static-libs for libjwtkit.a, as `Libs.private`.
    libs_private: String,
}

fn build_c(tools: &Tools, target: &Target, dirs: &Dirs) -> Result<(CBuild, String), String> {
    let zig_triple = target.zig_triple();
    println!("==> cargo zigbuild: libjwtkit for {zig_triple}");
    let mut lib = Command::new(&tools.zigbuild);
    lib.args([
        "rustc",
        "--release",
        "-p",
        "jwtkit-c",
        "--lib",
        "--target",
        &zig_triple,
    ])
    .args(BACKEND.cargo_args())
    .args(["--", "--print=native-static-libs"])
    .current_dir(&dirs.root);
    tools.zig_env(&mut lib, &dirs.build.join("c"));
    let built = lib
        .output()
        .map_err(|err| format!("{}: could not start: {err}", tools.zigbuild.display()))?;
    let stderr = String::from_utf8_lossy(&built.stderr);
    if !built.status.success() {
        return Err(format!(
            "building libjwtkit with cargo-zigbuild failed:\n{stderr}"
        ));
    }
    let libs_private = c::libs_private(&c::native_static_libs(&stderr)?);

    let mut cli = Command::new(&tools.zigbuild);
    cli.args([
        "zigbuild",
        "--release",
        "-p",
        "jwt-cli",
        "--target",
        &zig_triple,
    ])
    .args(BACKEND.cargo_args())
    .current_dir(&dirs.root);
    tools.zig_env(&mut cli, &dirs.build.join("c"));
    step(
        &format!("cargo zigbuild: the jwtkit command for {zig_triple}"),
        cli,
    )?;

    let dir = dirs.build.join("c").join(&target.triple).join("release");
    let detail = format!(
        "for {zig_triple} on {}; Libs.private: {libs_private}",
        BACKEND.name()
    );
    Ok((CBuild { dir, libs_private }, detail))
}

/// The values the packaging templates in `bindings/c/packaging/` are filled with.
fn template_values(target: &Target, libs_private: &str) -> Vec<(&'static str, String)> {
    let mut parts = VERSION.split('.');
    let major = parts.next().unwrap_or("0").to_owned();
    let minor = parts.next().unwrap_or("0").to_owned();
    let (floor, systems) = target.systems();
    let bytes = 8;
    vec![
        ("JWTKIT_VERSION", VERSION.to_owned()),
        ("JWTKIT_VERSION_MAJOR", major.clone()),
        ("JWTKIT_VERSION_MINOR", minor),
        ("JWTKIT_SOVERSION", major),
        ("JWTKIT_POINTER_BYTES", bytes.to_string()),
        ("JWTKIT_POINTER_BITS", (bytes * 8).to_string()),
        (
            "JWTKIT_STATIC_LIBS",
            libs_private
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(";"),
        ),
        ("TARGET_DESCRIPTION", target.short()),
        ("ARCHIVE_SUFFIX", target.short()),
        ("LIBC_FLOOR", floor),
        ("SYSTEMS", systems.to_owned()),
    ]
}

/// A template from `bindings/c/packaging/` with its `@NAME@`s filled in; a name left unfilled
/// is an error, so a template and this code cannot drift apart silently.
fn fill(template: &str, values: &[(&str, String)]) -> Result<String, String> {
    let path = workspace_root().join("bindings/c/packaging").join(template);
    let mut text = std::fs::read_to_string(&path)
        .map_err(|err| format!("reading {}: {err}", path.display()))?;
    for (name, value) in values {
        text = text.replace(&format!("@{name}@"), value);
    }
    match unfilled(&text) {
        Some(name) => Err(format!("{template}: no value for @{name}@")),
        None => Ok(text),
    }
}

/// The first `@NAME@` left in `text` (NAME in capitals and `_`), if any.
fn unfilled(text: &str) -> Option<&str> {
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        rest = &rest[at + 1..];
        let len = rest
            .find(|ch: char| !(ch.is_ascii_uppercase() || ch == '_'))
            .unwrap_or(rest.len());
        if len > 0 && rest[len..].starts_with('@') {
            return Some(&rest[..len]);
        }
    }
    None
}

/// Lays out the tarball's tree under `target/dist-work/stage/` and packs it.
fn stage_tarball(
    target: &Target,
    built: &CBuild,
    dirs: &Dirs,
    epoch: u64,
) -> Result<((PathBuf, PathBuf), String), String> {
    let name = format!("jwtkit-{VERSION}-{}", target.short());
    let stage_root = dirs.work.join("stage");
    let stage = stage_root.join(&name);
    let values = template_values(target, &built.libs_private);
    let (lib, doc) = (stage.join("lib"), stage.join("share/doc/jwtkit"));
    for dir in [
        stage.join("bin"),
        stage.join("include"),
        lib.join("pkgconfig"),
        lib.join("cmake/jwtkit"),
        doc.join("examples"),
    ] {
        mkdir(&dir)?;
    }
    let sources = dirs.root.join("bindings/c");
    copy(&built.dir.join("jwtkit"), &stage.join("bin/jwtkit"))?;
    copy(
        &sources.join("include/jwtkit.h"),
        &stage.join("include/jwtkit.h"),
    )?;
    install_library(built, &lib)?;
    symlink("libjwtkit.so.0", &lib.join("libjwtkit.so"))?;
    install_static_library(target, built, &lib)?;
    write(
        &lib.join("pkgconfig/jwtkit.pc"),
        &c::pc_file(
            "${pcfiledir}/../..",
            "${prefix}/lib",
            &built.libs_private,
            BACKEND,
        ),
    )?;
    write_cmake_package(&lib.join("cmake/jwtkit"), "../include", &values)?;
    write_examples(&doc.join("examples"), &values)?;
    for licence in ["LICENSE-MIT", "LICENSE-APACHE"] {
        copy(&dirs.root.join(licence), &doc.join(licence))?;
    }
    write(&doc.join("README.md"), &fill("README.md.in", &values)?)?;
    set_modes(&stage)?;

    let tar = dirs.out.join(format!("{name}.tar"));
    let mut pack = Command::new("tar");
    pack.args(["--sort=name", "--owner=0", "--group=0", "--numeric-owner"])
        .arg(format!("--mtime=@{epoch}"))
        .arg("-cf")
        .arg(&tar)
        .arg("-C")
        .arg(&stage_root)
        .arg(&name);
    output("tar", pack)?;
    let mut gzip = Command::new("gzip");
    gzip.args(["-n", "-9", "-f"]).arg(&tar);
    output("gzip", gzip)?;
    let tarball = dirs.out.join(format!("{name}.tar.gz"));
    let size = std::fs::metadata(&tarball).map(|m| m.len()).unwrap_or(0);
    let detail = format!("{} ({} KiB)", file_name(&tarball), size / 1024);
    Ok(((tarball, stage), detail))
}

/// `libjwtkit.so.X.Y.Z` and its soname link `libjwtkit.so.X` in `lib`.
fn install_library(built: &CBuild, lib: &Path) -> Result<(), String> {
    let versioned = format!("libjwtkit.so.{VERSION}");
    copy(&built.dir.join("libjwtkit.so"), &lib.join(&versioned))?;
    let major = VERSION.split('.').next().unwrap_or("0");
    symlink(&versioned, &lib.join(format!("libjwtkit.so.{major}")))
}

/// `libjwtkit.a` in `lib`, without the debug sections of the Rust standard library it
/// carries (a third of its size), as Debian strips static libraries. The host's `strip` reads
/// only the host's objects, so another architecture's archive is copied as it is.
fn install_static_library(target: &Target, built: &CBuild, lib: &Path) -> Result<(), String> {
    let archive = lib.join("libjwtkit.a");
    copy(&built.dir.join("libjwtkit.a"), &archive)?;
    if target.runs_here() {
        let mut strip = Command::new("strip");
        strip.arg("--strip-debug").arg(&archive);
        output("strip --strip-debug libjwtkit.a", strip)?;
    }
    Ok(())
}

fn write_cmake_package(
    dir: &Path,
    include_from_libdir: &str,
    values: &[(&'static str, String)],
) -> Result<(), String> {
    let mut values = values.to_vec();
    values.push((
        "JWTKIT_INCLUDEDIR_FROM_LIBDIR",
        include_from_libdir.to_owned(),
    ));
    write(
        &dir.join("jwtkitConfig.cmake"),
        &fill("jwtkitConfig.cmake.in", &values)?,
    )?;
    write(
        &dir.join("jwtkitConfigVersion.cmake"),
        &fill("jwtkitConfigVersion.cmake.in", &values)?,
    )
}

fn write_examples(dir: &Path, values: &[(&'static str, String)]) -> Result<(), String> {
    let examples = workspace_root().join("bindings/c/examples");
    for example in ["login_orders.c", "verify_bearer.c"] {
        copy(&examples.join(example), &dir.join(example))?;
    }
    write(
        &dir.join("CMakeLists.txt"),
        &fill("examples/CMakeLists.txt.in", values)?,
    )
}

/// Files 0644, directories and programs 0755, whatever the umask.
fn set_modes(dir: &Path) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    let entries =
        std::fs::read_dir(dir).map_err(|err| format!("reading {}: {err}", dir.display()))?;
    set_mode(dir, 0o755)?;
    for entry in entries.flatten() {
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|err| format!("{}: {err}", path.display()))?;
        if kind.is_dir() {
            set_modes(&path)?;
        } else if kind.is_file() {
            let program = path.parent().is_some_and(|parent| parent.ends_with("bin"));
            set_mode(&path, if program { 0o755 } else { 0o644 })?;
        }
    }
    fn set_mode(path: &Path, mode: u32) -> Result<(), String> {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .map_err(|err| format!("chmod {}: {err}", path.display()))
    }
    Ok(())
}

/// Every `GLIBC_x.y` symbol version each file references must be at most [`GLIBC_FLOOR`].
fn check_glibc(files: &[PathBuf]) -> Result<((), String), String> {
    let mut found = Vec::new();
    for file in files {
        let mut objdump = Command::new("objdump");
        objdump.arg("-T").arg(file);
        let printed = output("objdump -T", objdump)?;
        let mut newest = (0, 0);
        let mut over = Vec::new();
        for line in printed.lines() {
            for version in line.split("GLIBC_").skip(1).filter_map(glibc_version) {
                newest = newest.max(version);
                if version > GLIBC_FLOOR {
                    over.push(line.split_whitespace().last().unwrap_or(line).to_owned());
                }
            }
        }
        if !over.is_empty() {
            return Err(format!(
                "{} needs glibc {}.{} (over {}.{}): {}",
                file_name(file),
                newest.0,
                newest.1,
                GLIBC_FLOOR.0,
                GLIBC_FLOOR.1,
                over.join(", ")
            ));
        }
        found.push(format!(
            "{} GLIBC_{}.{}",
            file_name(file),
            newest.0,
            newest.1
        ));
    }
    Ok(((), found.join(", ")))
}

/// `2.17` from the text after `GLIBC_` (`2.17) memcpy`), the patch level dropped.
fn glibc_version(text: &str) -> Option<(u32, u32)> {
    let digits: String = text
        .chars()
        .take_while(|ch| ch.is_ascii_digit() || *ch == '.')
        .collect();
    let mut parts = digits.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// A folder under the system's temporary directory, removed when dropped: a path no build
/// ever ran in.
struct TempDir(PathBuf);

impl TempDir {
    fn new(what: &str) -> Result<TempDir, String> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir =
            std::env::temp_dir().join(format!("jwtkit-{what}-{}-{nanos}", std::process::id()));
        if dir.starts_with(workspace_root()) {
            return Err(format!(
                "the temporary directory {} is inside the workspace: set TMPDIR elsewhere",
                dir.display()
            ));
        }
        mkdir(&dir)?;
        Ok(TempDir(dir))
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Unpacks the tarball into a fresh temporary prefix and builds the examples from it three
/// ways, with nothing from the workspace on any search path.
fn check_tarball(tarball: &Path, stage: &Path) -> Result<((), String), String> {
    let temp = TempDir::new("dist-check")?;
    let mut untar = Command::new("tar");
    untar.arg("-xzf").arg(tarball).arg("-C").arg(&temp.0);
    output("tar -xzf", untar)?;
    let prefix = temp.0.join(file_name(stage));
    let examples = prefix.join("share/doc/jwtkit/examples");
    let build = temp.0.join("build");
    mkdir(&build)?;
    let keys = make_keys(&prefix.join("bin/jwtkit"), &temp.0.join("keys"))?;
    let pkg_config_path = prefix.join("lib/pkgconfig");
    let mut done = Vec::new();

    // 1. cc + pkg-config, linked to the shared library, found at run time through the rpath.
    let pkg = |args: &[&str]| -> Result<Vec<String>, String> {
        let mut command = Command::new("pkg-config");
        command
            .env("PKG_CONFIG_PATH", &pkg_config_path)
            .args(args)
            .arg("jwtkit");
        Ok(output("pkg-config", command)?
            .split_whitespace()
            .map(str::to_owned)
            .collect())
    };
    let modversion = pkg(&["--modversion"])?.join(" ");
    if modversion != VERSION {
        return Err(format!(
            "pkg-config --modversion jwtkit said {modversion:?}"
        ));
    }
    let libdir = pkg(&["--variable=libdir"])?.join(" ");
    if !Path::new(&libdir).starts_with(&temp.0) {
        return Err(format!(
            "the unpacked jwtkit.pc points outside its tree: libdir={libdir}"
        ));
    }
    let dynamic = build.join("login_orders");
    let mut cc = Command::new("cc");
    cc.args(pkg(&["--cflags"])?)
        .arg(examples.join("login_orders.c"))
        .arg("-o")
        .arg(&dynamic)
        .args(pkg(&["--libs"])?)
        .arg(format!("-Wl,-rpath,{libdir}"));
    output("cc login_orders.c $(pkg-config --cflags --libs jwtkit)", cc)?;
    let unpacked = temp.0.display().to_string();
    expect_library(&dynamic, Some(&unpacked))?;
    run_example(&dynamic, &keys)?;
    done.push("cc + pkg-config (shared, rpath)");

    // 2. libjwtkit.a and exactly the libraries Libs.private names, and fully static.
    let libs_private: Vec<String> = pkg(&["--static", "--libs-only-l"])?
        .into_iter()
        .filter(|flag| flag != "-ljwtkit")
        .collect();
    let static_lib = build.join("login_orders_static");
    let mut cc = Command::new("cc");
    cc.args(pkg(&["--cflags"])?)
        .arg(examples.join("login_orders.c"))
        .arg("-o")
        .arg(&static_lib)
        .arg(prefix.join("lib/libjwtkit.a"))
        .args(&libs_private);
    output("cc login_orders.c libjwtkit.a <Libs.private>", cc)?;
    expect_library(&static_lib, None)?;
    run_example(&static_lib, &keys)?;
    let fully_static = build.join("login_orders_fully_static");
    let mut cc = Command::new("cc");
    cc.arg("-static")
        .args(pkg(&["--cflags"])?)
        .arg(examples.join("login_orders.c"))
        .arg("-o")
        .arg(&fully_static)
        .args(pkg(&["--static", "--libs"])?);
    output(
        "cc -static login_orders.c $(pkg-config --static --libs jwtkit)",
        cc,
    )?;
    run_example(&fully_static, &keys)?;
    done.push("libjwtkit.a + Libs.private, and -static");

    // 3. CMake's find_package(jwtkit), from the examples' own CMakeLists.txt.
    let cmake_build = build.join("cmake");
    cmake_examples(&examples, &cmake_build, Some(&prefix))?;
    expect_library(&cmake_build.join("login_orders"), Some(&unpacked))?;
    run_example(&cmake_build.join("login_orders"), &keys)?;
    expect_library(&cmake_build.join("login_orders_static"), None)?;
    run_example(&cmake_build.join("login_orders_static"), &keys)?;
    run_verify_bearer(
        &cmake_build.join("verify_bearer"),
        &prefix.join("bin/jwtkit"),
        &keys,
    )?;
    done.push("CMake find_package (jwtkit::jwtkit, jwtkit::jwtkit_static)");

    Ok(((), format!("in {}: {}", temp.0.display(), done.join("; "))))
}

struct Keys {
    current: PathBuf,
    current_public: PathBuf,
    next: PathBuf,
}

/// Keys for the examples, made by the packaged `jwtkit` command (which checks it runs).
fn make_keys(jwtkit: &Path, dir: &Path) -> Result<Keys, String> {
    mkdir(dir)?;
    let mut version = Command::new(jwtkit);
    version.arg("--version");
    let printed = output("jwtkit --version", version)?;
    if !printed.contains(VERSION) {
        return Err(format!("jwtkit --version printed {printed:?}"));
    }
    let keys = Keys {
        current: dir.join("current.pem"),
        current_public: dir.join("current.pub.pem"),
        next: dir.join("next.pem"),
    };
    for (kind, path) in [("p256", &keys.current), ("p384", &keys.next)] {
        let mut keygen = Command::new(jwtkit);
        keygen.args(["keygen", kind, "--out"]).arg(path);
        output(&format!("jwtkit keygen {kind}"), keygen)?;
    }
    Ok(keys)
}

/// Whether `program` loads libjwtkit.so from a path containing `from`, or (None) does not load
/// it at all.
fn expect_library(program: &Path, from: Option<&str>) -> Result<(), String> {
    let mut ldd = Command::new("ldd");
    ldd.arg(program).env_remove("LD_LIBRARY_PATH");
    let printed = output("ldd", ldd)?;
    let line = printed.lines().find(|line| line.contains("libjwtkit.so"));
    match (from, line) {
        (None, None) => Ok(()),
        (Some(from), Some(line)) if line.contains(from) => Ok(()),
        (Some(from), _) => Err(format!(
            "{} does not load libjwtkit.so from {from}:\n{printed}",
            file_name(program)
        )),
        (None, Some(line)) => Err(format!(
            "{} was to be linked statically but loads {}",
            file_name(program),
            line.trim()
        )),
    }
}

fn run_example(program: &Path, keys: &Keys) -> Result<(), String> {
    let mut example = Command::new(program);
    example
        .arg(&keys.current)
        .arg(&keys.next)
        .env_remove("LD_LIBRARY_PATH");
    let printed = output(&format!("{} CURRENT NEXT", file_name(program)), example)?;
    if printed.contains(EXAMPLE_OK) {
        println!("    {}: {EXAMPLE_OK}", file_name(program));
        Ok(())
    } else {
        Err(format!("{} printed:\n{printed}", file_name(program)))
    }
}

/// A token from the `jwtkit` command, verified by the command and by `verify_bearer`, and a
/// tampered copy refused by both.
fn run_verify_bearer(program: &Path, jwtkit: &Path, keys: &Keys) -> Result<(), String> {
    let mut encode = Command::new(jwtkit);
    encode
        .args(["encode", "--key"])
        .arg(&keys.current)
        .args(["--iss", "https://login.example", "--aud", "orders-api"])
        .args(["--sub", "ada", "--exp", "15m"]);
    let token = output("jwtkit encode", encode)?.trim().to_owned();
    let tampered = format!(
        "{}AA",
        token.get(..token.len().saturating_sub(2)).unwrap_or("")
    );
    let verify = |token: &str| {
        let mut verify = Command::new(jwtkit);
        verify
            .args(["verify", "--alg", "ES256", "--key"])
            .arg(&keys.current_public)
            .args([
                "--iss",
                "https://login.example",
                "--aud",
                "orders-api",
                token,
            ]);
        verify
            .output()
            .map_err(|err| format!("jwtkit verify: {err}"))
    };
    let bearer = |token: &str| {
        Command::new(program)
            .arg(&keys.current_public)
            .arg(format!("Bearer {token}"))
            .env_remove("LD_LIBRARY_PATH")
            .output()
            .map_err(|err| format!("verify_bearer: {err}"))
    };
    let (good, bad) = (verify(&token)?, verify(&tampered)?);
    if !good.status.success() || bad.status.code() != Some(1) {
        return Err(format!(
            "jwtkit verify: {} for the token, {} for a tampered one",
            good.status, bad.status
        ));
    }
    let (good, bad) = (bearer(&token)?, bearer(&tampered)?);
    let said = String::from_utf8_lossy(&good.stdout);
    if !good.status.success() || !said.contains("authorized: ada") || bad.status.success() {
        return Err(format!(
            "verify_bearer said {said:?} for the token, {} for a tampered one",
            bad.status
        ));
    }
    println!("    jwtkit encode/verify and verify_bearer: token accepted, tampered token refused");
    Ok(())
}

/// Configures and builds the examples' CMakeLists.txt, with jwtkit found under `prefix` (or
/// where CMake looks by itself).
fn cmake_examples(examples: &Path, build: &Path, prefix: Option<&Path>) -> Result<(), String> {
    let mut configure = Command::new("cmake");
    configure
        .arg("-S")
        .arg(examples)
        .arg("-B")
        .arg(build)
        .arg("-DCMAKE_BUILD_TYPE=Release")
        .env_remove("CMAKE_PREFIX_PATH")
        .env_remove("jwtkit_DIR");
    if let Some(prefix) = prefix {
        configure.arg(format!("-DCMAKE_PREFIX_PATH={}", prefix.display()));
    }
    output("cmake (find_package(jwtkit))", configure)?;
    let mut compile = Command::new("cmake");
    compile.arg("--build").arg(build);
    output("cmake --build", compile)?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Debian packages

fn build_debs(
    target: &Target,
    deb_arch: &str,
    built: &CBuild,
    stage: &Path,
    dirs: &Dirs,
    epoch: u64,
) -> Result<(Vec<PathBuf>, String), String> {
    let version = format!("{VERSION}-{DEB_REVISION}");
    let multiarch = target.short();
    let libdir = format!("usr/lib/{multiarch}");
    let mut values = template_values(target, &built.libs_private);
    values.extend([
        ("DEB_VERSION", version.clone()),
        ("DEB_ARCH", deb_arch.to_owned()),
        ("HOMEPAGE", repository(&dirs.root)?),
    ]);
    let mit = std::fs::read_to_string(dirs.root.join("LICENSE-MIT"))
        .map_err(|err| format!("reading LICENSE-MIT: {err}"))?;
    let depends = shared_library_depends(&stage.join(format!("lib/libjwtkit.so.{VERSION}")))?;

    // libjwtkit0: the shared library.
    let runtime = dirs.work.join("deb/libjwtkit0");
    let lib = runtime.join(&libdir);
    mkdir(&lib)?;
    install_library(built, &lib)?;
    write_copyright(&runtime, "libjwtkit0", &values, &mit)?;
    mkdir(&runtime.join("DEBIAN"))?;
    write(
        &runtime.join("DEBIAN/triggers"),
        "activate-noawait ldconfig\n",
    )?;
    write(
        &runtime.join("DEBIAN/shlibs"),
        &format!("libjwtkit 0 libjwtkit0 (>= {VERSION})\n"),
    )?;

    // libjwtkit-dev: header, link, static library, pkg-config, CMake, examples.
    let dev = dirs.work.join("deb/libjwtkit-dev");
    let lib = dev.join(&libdir);
    for dir in [
        dev.join("usr/include"),
        lib.join("pkgconfig"),
        lib.join("cmake/jwtkit"),
        dev.join("usr/share/doc/libjwtkit-dev/examples"),
    ] {
        mkdir(&dir)?;
    }
    copy(
        &dirs.root.join("bindings/c/include/jwtkit.h"),
        &dev.join("usr/include/jwtkit.h"),
    )?;
    symlink("libjwtkit.so.0", &lib.join("libjwtkit.so"))?;
    install_static_library(target, built, &lib)?;
    write(
        &lib.join("pkgconfig/jwtkit.pc"),
        &c::pc_file(
            "/usr",
            &format!("${{prefix}}/lib/{multiarch}"),
            &built.libs_private,
            BACKEND,
        ),
    )?;
    write_cmake_package(&lib.join("cmake/jwtkit"), "../../include", &values)?;
    write_examples(&dev.join("usr/share/doc/libjwtkit-dev/examples"), &values)?;
    write_copyright(&dev, "libjwtkit-dev", &values, &mit)?;
    mkdir(&dev.join("DEBIAN"))?;

    let mut debs = Vec::new();
    for (package, tree, depends) in [
        ("libjwtkit0", &runtime, depends.as_str()),
        ("libjwtkit-dev", &dev, ""),
    ] {
        set_modes(tree)?;
        write_md5sums(tree)?;
        let mut values = values.clone();
        values.push(("INSTALLED_SIZE", installed_size(tree).to_string()));
        values.push(("DEPENDS", depends.to_owned()));
        write(
            &tree.join("DEBIAN/control"),
            &fill(&format!("debian/{package}.control.in"), &values)?,
        )?;
        let deb = dirs.out.join(format!("{package}_{version}_{deb_arch}.deb"));
        let mut pack = Command::new("dpkg-deb");
        pack.args(["--root-owner-group", "-Zxz", "--build"])
            .arg(tree)
            .arg(&deb)
            .env("SOURCE_DATE_EPOCH", epoch.to_string());
        output(&format!("dpkg-deb --build {package}"), pack)?;
        debs.push(deb);
    }
    let names: Vec<String> = debs.iter().map(|deb| file_name(deb)).collect();
    Ok((
        debs,
        format!("{}; libjwtkit0 Depends: {depends}", names.join(", ")),
    ))
}

/// The repository's address, from the workspace's Cargo.toml.
fn repository(root: &Path) -> Result<String, String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))
        .map_err(|err| format!("reading Cargo.toml: {err}"))?;
    manifest
        .lines()
        .find_map(|line| {
            let value = line
                .trim()
                .strip_prefix("repository")?
                .trim()
                .strip_prefix('=')?;
            Some(value.trim().trim_matches('"').to_owned())
        })
        .ok_or_else(|| "the workspace's Cargo.toml names no repository".to_owned())
}

/// `Depends:` for the shared library, from what it links (`NEEDED`) and the newest glibc
/// symbol version it references.
fn shared_library_depends(library: &Path) -> Result<String, String> {
    let mut objdump = Command::new("objdump");
    objdump.arg("-p").arg(library);
    let headers = output("objdump -p", objdump)?;
    let mut depends: Vec<String> = Vec::new();
    for needed in headers
        .lines()
        .filter_map(|line| line.trim().strip_prefix("NEEDED"))
        .map(str::trim)
    {
        let package = if [
            "libc.so.",
            "libm.so.",
            "libpthread.so.",
            "libdl.so.",
            "librt.so.",
            "libutil.so.",
            "ld-linux",
        ]
        .iter()
        .any(|prefix| needed.starts_with(prefix))
        {
            format!("libc6 (>= {}.{})", GLIBC_FLOOR.0, GLIBC_FLOOR.1)
        } else if needed.starts_with("libgcc_s.so.") {
            "libgcc-s1 | libgcc1".to_owned()
        } else {
            return Err(format!(
                "libjwtkit.so needs {needed}: say which Debian package brings it"
            ));
        };
        if !depends.contains(&package) {
            depends.push(package);
        }
    }
    Ok(depends.join(", "))
}

fn write_copyright(
    tree: &Path,
    package: &str,
    values: &[(&'static str, String)],
    mit: &str,
) -> Result<(), String> {
    let doc = tree.join("usr/share/doc").join(package);
    mkdir(&doc)?;
    let mut values = values.to_vec();
    values.push(("MIT_LICENSE", mit.trim_end().to_owned()));
    write(
        &doc.join("copyright"),
        &fill("debian/copyright.in", &values)?,
    )
}

/// `DEBIAN/md5sums`: every regular file outside DEBIAN/.
fn write_md5sums(tree: &Path) -> Result<(), String> {
    let mut files = Vec::new();
    collect_files(tree, tree, &mut files)?;
    files.retain(|file| !file.starts_with("DEBIAN"));
    files.sort();
    let mut md5sum = Command::new("md5sum");
    md5sum.args(&files).current_dir(tree);
    let sums = output("md5sum", md5sum)?;
    write(&tree.join("DEBIAN/md5sums"), &sums)
}

fn collect_files(base: &Path, dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|err| format!("reading {}: {err}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let kind = entry
            .file_type()
            .map_err(|err| format!("{}: {err}", path.display()))?;
        if kind.is_dir() {
            collect_files(base, &path, files)?;
        } else if kind.is_file() {
            files.push(path.strip_prefix(base).unwrap_or(&path).to_path_buf());
        }
    }
    Ok(())
}

/// `Installed-Size:` in KiB, as dpkg counts it (each file rounded up).
fn installed_size(tree: &Path) -> u64 {
    let mut files = Vec::new();
    if collect_files(tree, tree, &mut files).is_err() {
        return 0;
    }
    files
        .iter()
        .filter(|file| !file.starts_with("DEBIAN"))
        .filter_map(|file| std::fs::metadata(tree.join(file)).ok())
        .map(|meta| meta.len().div_ceil(1024))
        .sum()
}

/// Why the `.deb`s cannot be installed here, if they cannot: dpkg needs root, a Debian
/// system, the machine's own architecture, and no libjwtkit of another origin to replace.
fn deb_check_blocker(target: &Target) -> Option<String> {
    if !target.runs_here() {
        return Some("built for another architecture".to_owned());
    }
    let uid = Command::new("id").arg("-u").output();
    if !uid.is_ok_and(|uid| String::from_utf8_lossy(&uid.stdout).trim() == "0") {
        return Some("dpkg -i needs root; run as root to check the .deb packages".to_owned());
    }
    if Command::new("dpkg").arg("--version").output().is_err() {
        return Some("no dpkg on this system".to_owned());
    }
    let ours = format!("{VERSION}-{DEB_REVISION}");
    for package in ["libjwtkit0", "libjwtkit-dev"] {
        let Ok(status) = Command::new("dpkg-query")
            .args(["-W", "-f=${db:Status-Status} ${Version}", package])
            .output()
        else {
            return Some("dpkg-query did not run".to_owned());
        };
        let status = String::from_utf8_lossy(&status.stdout).into_owned();
        let mut words = status.split_whitespace();
        if let (Some(state), Some(version)) = (words.next(), words.next()) {
            if state != "not-installed" && version != ours {
                return Some(format!(
                    "{package} {version} is already installed here; dist will not replace it"
                ));
            }
        }
    }
    None
}

/// Removes the packages when dropped, so a failed check leaves the machine as it was.
struct Installed;

impl Drop for Installed {
    fn drop(&mut self) {
        let _ = Command::new("dpkg")
            .args(["--purge", "libjwtkit-dev", "libjwtkit0"])
            .output();
    }
}

fn check_debs(debs: &[PathBuf], stage: &Path, target: &Target) -> Result<((), String), String> {
    let temp = TempDir::new("dist-deb")?;
    let installed = Installed;
    let mut install = Command::new("dpkg");
    install.arg("-i").args(debs);
    output("dpkg -i libjwtkit0 libjwtkit-dev", install)?;

    let keys = make_keys(&stage.join("bin/jwtkit"), &temp.0.join("keys"))?;
    let examples = PathBuf::from("/usr/share/doc/libjwtkit-dev/examples");
    let pkg = |args: &[&str]| -> Result<Vec<String>, String> {
        let mut command = Command::new("pkg-config");
        command
            .env_remove("PKG_CONFIG_PATH")
            .args(args)
            .arg("jwtkit");
        Ok(output("pkg-config", command)?
            .split_whitespace()
            .map(str::to_owned)
            .collect())
    };
    let modversion = pkg(&["--modversion"])?.join(" ");
    let pcfiledir = pkg(&["--variable=pcfiledir"])?.join(" ");
    let libdir = format!("/usr/lib/{}", target.short());
    if modversion != VERSION || pcfiledir != format!("{libdir}/pkgconfig") {
        return Err(format!(
            "pkg-config found jwtkit {modversion:?} in {pcfiledir:?}, not the package's"
        ));
    }
    let program = temp.0.join("login_orders");
    let mut cc = Command::new("cc");
    cc.args(pkg(&["--cflags"])?)
        .arg(examples.join("login_orders.c"))
        .arg("-o")
        .arg(&program)
        .args(pkg(&["--libs"])?);
    output("cc login_orders.c $(pkg-config --cflags --libs jwtkit)", cc)?;
    expect_library(&program, Some(&format!("{}/libjwtkit.so", target.short())))?;
    run_example(&program, &keys)?;

    let cmake_build = temp.0.join("cmake");
    cmake_examples(&examples, &cmake_build, None)?;
    expect_library(
        &cmake_build.join("login_orders"),
        Some(&format!("{}/libjwtkit.so", target.short())),
    )?;
    run_example(&cmake_build.join("login_orders"), &keys)?;
    run_example(&cmake_build.join("login_orders_static"), &keys)?;

    drop(installed);
    let left = ["/usr/include/jwtkit.h", "/usr/share/doc/libjwtkit-dev"]
        .iter()
        .filter(|path| Path::new(path).exists())
        .count();
    if left > 0 {
        return Err("dpkg --purge left libjwtkit's files behind".to_owned());
    }
    Ok((
        (),
        "installed; cc + pkg-config and CMake built and ran the example; purged".to_owned(),
    ))
}

// ---------------------------------------------------------------------------------------------
// Rust

fn rust_packages(dirs: &Dirs) -> Result<((), String), String> {
    let packages: Vec<&str> = RUST_CRATES.iter().flat_map(|name| ["-p", name]).collect();
    for name in RUST_CRATES {
        let stale = dirs
            .build
            .join("package/package")
            .join(format!("{name}-{VERSION}.crate"));
        if stale.exists() {
            std::fs::remove_file(&stale)
                .map_err(|err| format!("removing {}: {err}", stale.display()))?;
        }
    }
    // Uncommitted work elsewhere in the tree must not stop the check (CI's clone is clean).
    forget_own_crates(&dirs.build.join("package"))?;
    let mut package = cargo();
    package
        .args(["package", "--allow-dirty"])
        .args(&packages)
        .env("CARGO_TARGET_DIR", dirs.build.join("package"));
    step(
        &format!("cargo package {} (and verify)", packages.join(" ")),
        package,
    )?;
    // What publishing checks beyond packaging: the registry takes these names and versions and
    // has every dependency. Nothing is uploaded.
    let mut publish = cargo();
    publish
        .args(["publish", "--dry-run", "--no-verify", "--allow-dirty"])
        .args(&packages)
        .env("CARGO_TARGET_DIR", dirs.build.join("package"));
    step(
        &format!("cargo publish --dry-run {}", packages.join(" ")),
        publish,
    )?;
    let mut done = Vec::new();
    for name in RUST_CRATES {
        let file = format!("{name}-{VERSION}.crate");
        let from = dirs.build.join("package/package").join(&file);
        let crate_file = dirs.out.join(&file);
        copy(&from, &crate_file)?;
        let mut list = Command::new("tar");
        list.arg("-tzf").arg(&crate_file);
        let listed = output("tar -tzf", list)?;
        for wanted in ["Cargo.toml", "README.md", "LICENSE-MIT", "LICENSE-APACHE"] {
            let path = format!("{name}-{VERSION}/{wanted}");
            if !listed.lines().any(|line| line == path) {
                return Err(format!("{file} has no {wanted}"));
            }
        }
        done.push(file);
    }
    Ok((
        (),
        format!(
            "{} packaged, verified, publish dry run passed",
            done.join(", ")
        ),
    ))
}

fn rust_docs(target: &Target, dirs: &Dirs) -> Result<((), String), String> {
    let mut doc = cargo();
    doc.args(["doc", "--no-deps", "--target", &target.triple])
        .args(RUST_CRATES.iter().flat_map(|name| ["-p", name]))
        .env("RUSTDOCFLAGS", "-D warnings")
        .env("CARGO_TARGET_DIR", dirs.build.join("doc"));
    step("cargo doc (RUSTDOCFLAGS=-D warnings)", doc)?;
    Ok((
        (),
        format!("{} documented without warnings", RUST_CRATES.join(", ")),
    ))
}

// ---------------------------------------------------------------------------------------------
// Small helpers

fn checksums(out: &Path) -> Result<((), String), String> {
    let mut names: Vec<String> = std::fs::read_dir(out)
        .map_err(|err| format!("reading {}: {err}", out.display()))?
        .flatten()
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .filter(|name| name != "SHA256SUMS")
        .collect();
    names.sort();
    let mut sha = Command::new("sha256sum");
    sha.args(&names).current_dir(out);
    let sums = output("sha256sum", sha)?;
    write(&out.join("SHA256SUMS"), &sums)?;
    println!("{sums}");
    Ok(((), format!("{} artifacts in target/dist", names.len())))
}

/// Runs `command` quietly; its stdout on success, everything it printed on failure.
fn output(what: &str, mut command: Command) -> Result<String, String> {
    let out = command
        .output()
        .map_err(|err| format!("{what}: could not start: {err}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if out.status.success() {
        Ok(stdout)
    } else {
        Err(format!(
            "{what} failed ({}):\n{stdout}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn find_file(dir: &Path, prefix: &str, suffix: &str) -> Result<PathBuf, String> {
    std::fs::read_dir(dir)
        .map_err(|err| format!("reading {}: {err}", dir.display()))?
        .flatten()
        .map(|entry| entry.path())
        .find(|path| {
            let name = file_name(path);
            name.starts_with(prefix) && name.ends_with(suffix)
        })
        .ok_or_else(|| format!("no {prefix}*{suffix} in {}", dir.display()))
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    )
}

fn mkdir(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|err| format!("creating {}: {err}", dir.display()))
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|err| format!("writing {}: {err}", path.display()))
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|err| format!("copying {} to {}: {err}", from.display(), to.display()))
}

fn symlink(target: &str, link: &Path) -> Result<(), String> {
    let _ = std::fs::remove_file(link);
    std::os::unix::fs::symlink(target, link)
        .map_err(|err| format!("linking {}: {err}", link.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let host = Target::parse(HOST).unwrap();
        assert_eq!(host.zig_triple(), "x86_64-unknown-linux-gnu.2.17");
        assert_eq!(host.wheel_policy().1, "manylinux_2_17_x86_64");
        assert_eq!(host.short(), "x86_64-linux-gnu");
        assert_eq!(host.deb_arch(), Some("amd64"));
        let musl = Target::parse("aarch64-unknown-linux-musl").unwrap();
        assert_eq!(musl.zig_triple(), "aarch64-unknown-linux-musl");
        assert_eq!(musl.wheel_policy().0, "musllinux_1_2");
        assert_eq!(musl.deb_arch(), None);
        assert!(Target::parse("x86_64-pc-windows-msvc").is_err());
        assert!(Target::parse("riscv64gc-unknown-linux-gnu").is_err());
    }

    #[test]
    fn glibc_versions() {
        assert_eq!(glibc_version("2.17) memcpy"), Some((2, 17)));
        assert_eq!(glibc_version("2.2.5 malloc"), Some((2, 2)));
        assert_eq!(glibc_version("PRIVATE) x"), None);
        assert!((2, 34) > GLIBC_FLOOR && (2, 3) < GLIBC_FLOOR);
    }

    #[test]
    fn every_template_is_filled() {
        let target = Target::parse(HOST).unwrap();
        let mut values = template_values(&target, "-lpthread -ldl");
        values.extend([
            ("JWTKIT_INCLUDEDIR_FROM_LIBDIR", "../include".to_owned()),
            ("DEB_VERSION", "0.1.0-1".to_owned()),
            ("DEB_ARCH", "amd64".to_owned()),
            ("HOMEPAGE", "h".to_owned()),
            ("INSTALLED_SIZE", "1".to_owned()),
            ("DEPENDS", "libc6".to_owned()),
            ("MIT_LICENSE", "m".to_owned()),
        ]);
        for template in [
            "jwtkitConfig.cmake.in",
            "jwtkitConfigVersion.cmake.in",
            "examples/CMakeLists.txt.in",
            "README.md.in",
            "debian/libjwtkit0.control.in",
            "debian/libjwtkit-dev.control.in",
            "debian/copyright.in",
        ] {
            fill(template, &values).unwrap();
        }
        assert!(fill("debian/copyright.in", &values[..2]).is_err());
    }
}
