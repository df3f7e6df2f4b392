//! Writing results: standard output that tolerates a closed pipe, new files that never
//! overwrite, and colour only for a terminal.

use std::fs::{File, OpenOptions};
use std::io::{self, IsTerminal, Write};
use std::path::Path;

use crate::error::{CliError, Result};

/// Writes `text` to standard output. A reader that went away (`jwtkit decode | head -1`) is
/// not an error.
pub fn print(text: &str) -> Result<()> {
    let mut out = io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(err) if err.kind() != io::ErrorKind::BrokenPipe => Err(CliError::failed(format!(
            "cannot write to standard output: {err}"
        ))),
        _ => Ok(()),
    }
}

/// A note for the person at the terminal, on standard error.
pub fn note(text: &str) {
    // Nothing sensible is left to do when standard error itself is gone.
    let _ = writeln!(io::stderr().lock(), "{text}");
}

/// Creates `path` with `contents`, refusing to replace an existing file. A `secret` file is
/// readable by its owner only (on Unix).
pub fn write_new_file(path: &Path, contents: &[u8], secret: bool) -> Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    if secret {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut file: File = options.open(path).map_err(|err| match err.kind() {
        io::ErrorKind::AlreadyExists => CliError::usage(format!(
            "{} already exists; jwtkit never overwrites a key file",
            path.display()
        )),
        _ => CliError::failed(format!("cannot create {}: {err}", path.display())),
    })?;
    file.write_all(contents)
        .and_then(|()| file.sync_all())
        .map_err(|err| CliError::failed(format!("cannot write {}: {err}", path.display())))
}

/// ANSI styling, switched on only when standard output is a terminal and `NO_COLOR` is unset.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    on: bool,
}

impl Style {
    pub fn for_stdout() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|value| !value.is_empty());
        Style {
            on: io::stdout().is_terminal() && !no_color,
        }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    pub fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }

    pub fn warning(self, text: &str) -> String {
        self.paint("1;33", text)
    }

    pub fn bad(self, text: &str) -> String {
        self.paint("31", text)
    }

    pub fn good(self, text: &str) -> String {
        self.paint("32", text)
    }

    pub fn dim(self, text: &str) -> String {
        self.paint("2", text)
    }
}
