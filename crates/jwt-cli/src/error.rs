//! The command's one error type: a one-line message and the exit status it maps to.

use std::fmt;

/// Why a subcommand stopped. The variant decides the exit status, the message is for people.
#[derive(Debug)]
pub enum CliError {
    /// The token was refused or could not be read, or the work itself failed: exit 1.
    Failed(String),
    /// The command line, or a file it names, cannot be used as given: exit 2 (as clap's own
    /// argument errors).
    Usage(String),
}

impl CliError {
    pub fn failed(message: impl Into<String>) -> Self {
        CliError::Failed(message.into())
    }

    pub fn usage(message: impl Into<String>) -> Self {
        CliError::Usage(message.into())
    }

    /// The process exit status for this error.
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Failed(_) => 1,
            CliError::Usage(_) => 2,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Failed(message) | CliError::Usage(message) => f.write_str(message),
        }
    }
}

/// The command's result type.
pub type Result<T, E = CliError> = std::result::Result<T, E>;
