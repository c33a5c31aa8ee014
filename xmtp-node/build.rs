//! Tests against PostgreSQL are marked ignored unless `XMTP_TEST_POSTGRES_URL` is set when they
//! are built, so a plain `cargo test` lists them as `ignored, needs XMTP_TEST_POSTGRES_URL`
//! instead of passing without running. Cargo rebuilds when the variable changes.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(xmtp_test_postgres)");
    println!("cargo::rerun-if-env-changed=XMTP_TEST_POSTGRES_URL");
    println!("cargo::rerun-if-changed=build.rs");
    if std::env::var_os("XMTP_TEST_POSTGRES_URL").is_some_and(|url| !url.is_empty()) {
        println!("cargo::rustc-cfg=xmtp_test_postgres");
    }
}
