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
