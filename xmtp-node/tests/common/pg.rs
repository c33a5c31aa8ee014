//! A PostgreSQL schema of its own for a test that runs node processes: created up front, named on
//! the URL (`options=-c search_path=…`) so the binary's `--db` selects it, dropped on drop.

use std::hash::BuildHasher;

/// `XMTP_TEST_POSTGRES_URL`, or `None` with a notice; under `CI=true` a missing URL fails. Every
/// PostgreSQL test reads the URL here, and is marked
/// `#[cfg_attr(not(xmtp_test_postgres), ignore = "needs XMTP_TEST_POSTGRES_URL")]` so that a
/// build without the variable lists it as ignored (see `build.rs`).
pub fn postgres_url() -> Option<String> {
    match std::env::var("XMTP_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("XMTP_TEST_POSTGRES_URL must be set when CI=true")
        }
        _ => {
            eprintln!("skipping PostgreSQL test: XMTP_TEST_POSTGRES_URL is not set");
            None
        }
    }
}

/// Runs `sql` on a fresh connection to `url`, from a thread and runtime of its own (callable
/// from sync tests, async tests and drops alike).
pub fn execute(url: &str, sql: &str) -> Result<(), tokio_postgres::Error> {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls).await?;
            tokio::spawn(conn);
            client.batch_execute(&sql).await
        })
    })
    .join()
    .unwrap()
}

pub struct PgSchema {
    base: String,
    pub name: String,
}

impl PgSchema {
    pub fn create() -> Option<Self> {
        let base = postgres_url()?;
        let random = std::collections::hash_map::RandomState::new().hash_one(std::process::id());
        let name = format!("xmtp_fault_{random:016x}");
        execute(&base, &format!("CREATE SCHEMA {name}")).unwrap();
        Some(Self { base, name })
    }

    /// The URL a node process is started with: this schema first on its search path.
    pub fn url(&self) -> String {
        let sep = if self.base.contains('?') { '&' } else { '?' };
        format!("{}{sep}options=-c%20search_path%3D{}", self.base, self.name)
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let sql = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name);
        if execute(&self.base, &sql).is_err() {
            eprintln!("could not drop test schema {}", self.name);
        }
    }
}
