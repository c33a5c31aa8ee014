//! Auth tokens from the keystore's identity bundle.

use std::sync::Arc;

use async_trait::async_trait;
use xmtp_keystore::{Clock, PrivateKeyBundle, SystemClock};

use crate::api::AuthTokenSource;
use crate::error::Result;

/// Makes publish tokens from an identity's private key bundle, dated by a [`Clock`] (the system
/// clock unless [`KeystoreAuth::with_clock`] says otherwise).
#[derive(Clone)]
pub struct KeystoreAuth {
    bundle: Arc<PrivateKeyBundle>,
    clock: Arc<dyn Clock>,
}

impl KeystoreAuth {
    /// Tokens for `bundle`'s identity.
    pub fn new(bundle: Arc<PrivateKeyBundle>) -> Self {
        Self {
            bundle,
            clock: Arc::new(SystemClock),
        }
    }

    /// The same tokens dated by `clock`.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }
}

#[async_trait]
impl AuthTokenSource for KeystoreAuth {
    async fn create_token(&self) -> Result<String> {
        Ok(xmtp_keystore::create_auth_token(
            &self.bundle,
            self.clock.now_ns(),
        ))
    }
}
