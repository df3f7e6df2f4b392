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
    let header = String::from_utf8(header).map_err(|err| format!("cbindgen: {err}"))?;
    Ok(c89_enums(&c89_comments(&header)).into_bytes())
}

/// The header without the comma cbindgen writes after an enum's last enumerator, which C89
/// (`-std=c89 -pedantic`) refuses.
fn c89_enums(header: &str) -> String {
    let lines: Vec<&str> = header.split_inclusive('\n').collect();
    let mut in_enum = false;
    let mut out = String::with_capacity(header.len());
    for (at, line) in lines.iter().enumerate() {
        if line.starts_with("typedef enum") || line.starts_with("enum ") {
            in_enum = true;
        } else if line.starts_with('}') {
            in_enum = false;
        }
        let closes = lines.get(at + 1).is_some_and(|next| next.starts_with('}'));
        match line.trim_end().strip_suffix(',') {
            Some(last) if in_enum && closes => {
                out.push_str(last);
                out.push('\n');
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// The header with cbindgen's `//` line comments (after `#endif` and the C++ `extern "C"`
/// block) turned into `/* */`, so it compiles as C89. Block comments (a doc comment's
/// `https://`) and string literals are copied as they are.
fn c89_comments(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    let mut rest = header;
    while let Some(c) = rest.chars().next() {
        let (copied, tail) = if rest.starts_with("/*") {
            let end = rest.find("*/").map_or(rest.len(), |at| at + 2);
            rest.split_at(end)
        } else if let Some(comment) = rest.strip_prefix("//") {
            let end = comment.find('\n').unwrap_or(comment.len());
            out.push_str(&format!("/* {} */", comment[..end].trim()));
            rest = &comment[end..];
            continue;
        } else if c == '"' {
            let end = rest[1..].find('"').map_or(rest.len(), |at| at + 2);
            rest.split_at(end)
        } else {
            rest.split_at(c.len_utf8())
        };
        out.push_str(copied);
        rest = tail;
    }
    out
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
    /// Every call that returns a status warns when the status is dropped.
    #[test]
    fn every_status_return_is_must_use() {
        let header = std::fs::read_to_string(super::header_path()).unwrap();
        let lines: Vec<&str> = header.lines().collect();
        // cbindgen writes the attribute on the declaration's line, or on the line before it
        // when the parameters wrap.
        let bare: Vec<&str> = lines
            .windows(2)
            .filter(|pair| pair[1].starts_with("jwtkit_status jwtkit_"))
            .filter(|pair| pair[0] != "JWTKIT_MUST_USE")
            .map(|pair| pair[1])
            .collect();
        assert!(bare.is_empty(), "without JWTKIT_MUST_USE: {bare:#?}");
        assert!(header.contains("JWTKIT_MUST_USE\njwtkit_status jwtkit_verify("));
    }

    #[test]
    fn line_comments_become_block_comments() {
        let header =
            "#endif // __cplusplus\n/**\n * see https://example\n */\n}  // extern \"C\"\n";
        assert_eq!(
            super::c89_comments(header),
            "#endif /* __cplusplus */\n/**\n * see https://example\n */\n}  /* extern \"C\" */\n"
        );
    }

    #[test]
    fn the_last_enumerator_has_no_comma() {
        let header = "typedef enum {\n  /**\n   * One.\n   */\n  A = 1,\n  B = 2,\n} e;\n\
                      void f(int a,\n       int b);\n";
        assert_eq!(
            super::c89_enums(header),
            "typedef enum {\n  /**\n   * One.\n   */\n  A = 1,\n  B = 2\n} e;\n\
             void f(int a,\n       int b);\n"
        );
    }

    /// A plain `cargo test` catches a header that drifted from the code.
    #[test]
    fn committed_header_matches_the_code() {
        super::run(true).unwrap();
    }
}
