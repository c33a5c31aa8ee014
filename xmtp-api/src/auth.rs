//! Auth tokens from the keystore's identity bundle.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use async_trait::async_trait;
use xmtp_keystore::PrivateKeyBundle;

use crate::api::AuthTokenSource;
use crate::error::Result;

/// Makes publish tokens from an identity's private key bundle, dated by the system clock.
#[derive(Clone)]
pub struct KeystoreAuth {
    bundle: Arc<PrivateKeyBundle>,
}

impl KeystoreAuth {
    /// Tokens for `bundle`'s identity.
    pub fn new(bundle: Arc<PrivateKeyBundle>) -> Self {
        Self { bundle }
    }
}

/// Nanoseconds since the Unix epoch, by the system clock.
pub fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

#[async_trait]
impl AuthTokenSource for KeystoreAuth {
    async fn create_token(&self) -> Result<String> {
        Ok(xmtp_keystore::auth::create_auth_token(
            &self.bundle,
            now_ns(),
        ))
    }
}
