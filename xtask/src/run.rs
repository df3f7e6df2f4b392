//! Running commands from the workspace root, loudly: each step is printed before it runs, and
//! a failing step stops the task with its name.

use std::path::PathBuf;
use std::process::Command;

/// The workspace root (xtask lives one level below it).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map(PathBuf::from)
        .unwrap_or(manifest_dir)
}

/// `cargo` as the one running this xtask, so toolchain overrides carry through.
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(workspace_root());
    command
}

/// Runs `command`, failing with `what` if it does not exit successfully.
pub fn step(what: &str, mut command: Command) -> Result<(), String> {
    println!("==> {what}");
    let status = command
        .status()
        .map_err(|err| format!("{what}: could not start: {err}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed ({status})"))
    }
}

/// Runs `command`, which must exit successfully, and returns its standard output; `what`
/// names it in the error, which carries its standard error.
pub fn stdout_of(what: &str, command: &mut Command) -> Result<String, String> {
    let output = command
        .output()
        .map_err(|err| format!("{what}: could not start: {err}"))?;
    if !output.status.success() {
        return Err(format!(
            "{what} failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// Makes sure each `(command, Debian package)` is installed: a fresh machine has the Rust
/// toolchain and Python, and xtask brings the rest with apt-get when it runs as root.
pub fn ensure_tools(tools: &[(&str, &str)]) -> Result<(), String> {
    let missing: Vec<&str> = tools
        .iter()
        .filter(|(command, _)| Command::new(command).arg("--version").output().is_err())
        .map(|(_, package)| *package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    println!("==> installing {}", missing.join(" "));
    let install = |args: &[&str]| {
        Command::new("apt-get")
            .args(args)
            .status()
            .map(|status| status.success())
    };
    let mut args = vec!["install", "-y", "--no-install-recommends"];
    args.extend(&missing);
    match install(&["update", "-q"]).and_then(|_| install(&args)) {
        Ok(true) => Ok(()),
        _ => Err(format!(
            "could not install {}: install them (Debian: apt-get install {0})",
            missing.join(" ")
        )),
    }
}
