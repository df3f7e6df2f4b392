//! `cargo xtask header [--check]`: generates bindings/c/include/jwtkit.h with cbindgen, or
//! checks that the committed header still matches the code.

use std::path::PathBuf;

use crate::run::workspace_root;

/// The committed header.
pub fn header_path() -> PathBuf {
    workspace_root().join("bindings/c/include/jwtkit.h")
}

/// The header as the current code generates it.
pub fn generate() -> Result<Vec<u8>, String> {
    let crate_dir = workspace_root().join("bindings/c");
    let config = cbindgen::Config::from_file(crate_dir.join("cbindgen.toml"))
        .map_err(|err| format!("reading cbindgen.toml: {err}"))?;
    let bindings = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .map_err(|err| format!("cbindgen: {err}"))?;
    let mut header = Vec::new();
    bindings.write(&mut header);
    Ok(header)
}

pub fn run(check: bool) -> Result<(), String> {
    let generated = generate()?;
    let path = header_path();
    if check {
        let committed = std::fs::read(&path).unwrap_or_default();
        if committed != generated {
            return Err(format!(
                "{} is out of date with bindings/c: run `cargo xtask header` and commit it",
                path.display()
            ));
        }
        println!("==> {} matches the code", path.display());
        return Ok(());
    }
    std::fs::write(&path, generated).map_err(|err| format!("writing {}: {err}", path.display()))?;
    println!("==> wrote {}", path.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    /// A plain `cargo test` catches a header that drifted from the code.
    #[test]
    fn committed_header_matches_the_code() {
        super::run(true).unwrap();
    }
}
