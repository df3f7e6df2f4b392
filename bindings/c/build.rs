//! Gives the shared library its soname, so programs link against the ABI (`libjwtkit.so.0`)
//! rather than one build of it.

fn main() {
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if target_os == "linux" {
        let major = std::env::var("CARGO_PKG_VERSION_MAJOR").unwrap_or_else(|_| "0".to_owned());
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libjwtkit.so.{major}");
    }
}
