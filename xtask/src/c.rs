//! `cargo xtask c [--install --prefix DIR]`: builds libjwtkit (shared and static) and writes
//! `jwtkit.pc`, all under `target/jwtkit-c/`, laid out as an install prefix
//! (`include/`, `lib/`, `lib/pkgconfig/`) so pkg-config just works. No cargo-c needed.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run::{cargo, workspace_root};

/// The version the library and `jwtkit.pc` carry, read from the binding crate.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// jwt-crypto's crypto backend, chosen by cargo feature in every workspace member: `ring`
/// (the default) or `aws-lc-rs` (with default features off).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Ring,
    AwsLc,
}

impl Backend {
    pub const ALL: [Backend; 2] = [Backend::Ring, Backend::AwsLc];

    /// The cargo (and maturin) arguments that select this backend.
    pub fn cargo_args(self) -> &'static [&'static str] {
        match self {
            Backend::Ring => &[],
            Backend::AwsLc => &["--no-default-features", "--features", "aws-lc-rs"],
        }
    }

    /// The cargo feature's name, as reports name the backend.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Ring => "ring",
            Backend::AwsLc => "aws-lc-rs",
        }
    }

    /// A short tag for file and directory names.
    pub fn tag(self) -> &'static str {
        match self {
            Backend::Ring => "ring",
            Backend::AwsLc => "aws-lc",
        }
    }
}

/// Where `cargo xtask c` lays the library out.
pub fn staging_prefix() -> PathBuf {
    staging_prefix_for(Backend::Ring)
}

/// Where the library built on `backend` is laid out for the tests and benchmarks.
pub fn staging_prefix_for(backend: Backend) -> PathBuf {
    match backend {
        Backend::Ring => workspace_root().join("target/jwtkit-c"),
        Backend::AwsLc => workspace_root().join("target/jwtkit-c-aws-lc"),
    }
}

/// Builds the library (default backend) in release mode and lays it out under `prefix`.
pub fn build(prefix: &Path) -> Result<(), String> {
    build_with(prefix, Backend::Ring)
}

/// Builds the library on `backend` in release mode and lays it out under `prefix`.
pub fn build_with(prefix: &Path, backend: Backend) -> Result<(), String> {
    println!("==> building libjwtkit (release, {})", backend.name());
    let output = cargo()
        .args(["rustc", "--release", "--package", "jwtkit-c", "--lib"])
        .args(backend.cargo_args())
        .args(["--", "--print=native-static-libs"])
        .output()
        .map_err(|err| format!("cargo rustc: {err}"))?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(format!("building libjwtkit failed:\n{stderr}"));
    }
    // rustc prints "note: native-static-libs: -lgcc_s -lutil ..." for the staticlib; cargo
    // replays it on a fresh build.
    let native_libs = libs_private(&native_static_libs(&stderr)?);

    let release = workspace_root().join("target/release");
    let (include, lib) = (prefix.join("include"), prefix.join("lib"));
    let pkgconfig = lib.join("pkgconfig");
    for dir in [&include, &lib, &pkgconfig] {
        std::fs::create_dir_all(dir).map_err(|err| format!("creating {}: {err}", dir.display()))?;
    }
    let major = VERSION.split('.').next().unwrap_or("0");
    let versioned = format!("libjwtkit.so.{VERSION}");
    copy(
        &workspace_root().join("bindings/c/include/jwtkit.h"),
        &include.join("jwtkit.h"),
    )?;
    copy(&release.join("libjwtkit.a"), &lib.join("libjwtkit.a"))?;
    copy(&release.join("libjwtkit.so"), &lib.join(&versioned))?;
    symlink(&versioned, &lib.join(format!("libjwtkit.so.{major}")))?;
    symlink(&versioned, &lib.join("libjwtkit.so"))?;

    let pc = pc_file(
        &prefix.display().to_string(),
        "${prefix}/lib",
        &native_libs,
        backend,
    );
    let pc_path = pkgconfig.join("jwtkit.pc");
    std::fs::write(&pc_path, pc).map_err(|err| format!("writing {}: {err}", pc_path.display()))?;
    println!("==> libjwtkit {VERSION} in {}", prefix.display());
    Ok(())
}

pub fn run(args: &[String]) -> Result<(), String> {
    let prefix = match args {
        [] => staging_prefix(),
        [install, flag, dir] if install == "--install" && flag == "--prefix" => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                std::env::current_dir()
                    .map_err(|e| e.to_string())?
                    .join(dir)
            }
        }
        _ => return Err("usage: cargo xtask c [--install --prefix DIR]".to_owned()),
    };
    build(&prefix)
}

/// The libraries rustc's `--print=native-static-libs` names (cargo replays the note on a
/// fresh build), from the build's stderr.
pub fn native_static_libs(stderr: &str) -> Result<String, String> {
    stderr
        .lines()
        .find_map(|line| {
            line.split_once("native-static-libs: ")
                .map(|(_, libs)| libs.trim().to_owned())
        })
        .ok_or_else(|| "rustc did not print native-static-libs".to_owned())
}

/// `jwtkit.pc` for a library in `libdir` under `prefix`, both as pkg-config variables may
/// spell them: `${pcfiledir}/../..` and `${prefix}/lib` give a tree that can be moved.
pub fn pc_file(prefix: &str, libdir: &str, libs_private: &str, backend: Backend) -> String {
    let crypto = match backend {
        Backend::Ring => "ring",
        Backend::AwsLc => "AWS-LC",
    };
    format!(
        "prefix={prefix}\nincludedir=${{prefix}}/include\nlibdir={libdir}\n\n\
         Name: jwtkit\nDescription: JSON Web Tokens, strict by default, on {crypto}\n\
         Version: {VERSION}\nCflags: -I${{includedir}}\nLibs: -L${{libdir}} -ljwtkit\n\
         Libs.private: {libs_private}\n"
    )
}

/// `Libs.private` from rustc's native-static-libs, less `-lgcc_s`: the shared unwinder has no
/// static archive, so with it `cc -static` fails. The C compiler driver links the unwinder
/// that fits the link itself (`libgcc_s` for a dynamic program, `libgcc_eh` for `-static`).
pub fn libs_private(native_libs: &str) -> String {
    native_libs
        .split_whitespace()
        .filter(|flag| *flag != "-lgcc_s")
        .collect::<Vec<_>>()
        .join(" ")
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
/// `pkg-config` pointed at a prefix laid out by [`build`].
pub fn pkg_config(prefix: &Path, args: &[&str]) -> Result<Vec<String>, String> {
    let what = format!("pkg-config {args:?} jwtkit");
    let mut command = Command::new("pkg-config");
    command
        .env("PKG_CONFIG_PATH", prefix.join("lib/pkgconfig"))
        .args(args)
        .arg("jwtkit");
    Ok(crate::run::stdout_of(&what, &mut command)?
        .split_whitespace()
        .map(str::to_owned)
        .collect())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_static_link_needs_no_shared_unwinder() {
        assert_eq!(
            super::libs_private("-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"),
            "-lutil -lrt -lpthread -lm -ldl -lc"
        );
    }
}
