//! Publish authorisation (network.md §3): the token, the topic ownership rule, the deny list.

use std::collections::HashSet;

use xmtp_crypto::Address;

use crate::config::AuthConfig;

/// What a verified token says about the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Caller {
    /// The wallet that signed the identity key, EIP-55.
    pub(crate) wallet: String,
    /// On the allow list: uses the priority rate-limit buckets.
    pub(crate) priority: bool,
}

pub(crate) struct Authorizer {
    enabled: bool,
    max_age_ns: u64,
    deny: HashSet<String>,
    allow: HashSet<String>,
    privileged: HashSet<String>,
}

fn lowercase_set(list: &[String]) -> HashSet<String> {
    list.iter().map(|a| a.trim().to_ascii_lowercase()).collect()
}

fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

impl Authorizer {
    pub(crate) fn new(config: &AuthConfig) -> Self {
        Self {
            enabled: config.enabled,
            max_age_ns: u64::try_from(config.max_token_age.as_nanos()).unwrap_or(u64::MAX),
            deny: lowercase_set(&config.deny),
            allow: lowercase_set(&config.allow),
            privileged: lowercase_set(&config.privileged),
        }
    }

    /// Verifies the `authorization` value of a Publish. `Ok(None)` when auth is switched off.
    pub(crate) fn authenticate(
        &self,
        authorization: Option<&str>,
    ) -> Result<Option<Caller>, tonic::Status> {
        if !self.enabled {
            return Ok(None);
        }
        self.verify(authorization).map(Some)
    }

    fn verify(&self, authorization: Option<&str>) -> Result<Caller, tonic::Status> {
        let header = authorization
            .ok_or_else(|| tonic::Status::unauthenticated("authorization token is not provided"))?;
        let wallet: Address =
            xmtp_keystore::auth::verify_auth_header(header, now_ns(), self.max_age_ns)
                .map_err(|e| tonic::Status::unauthenticated(e.to_string()))?;
        let wallet = wallet.to_string();
        let priority = self.allow.contains(&wallet.to_ascii_lowercase());
        Ok(Caller { wallet, priority })
    }

    /// Whether a call that needs no token still gets the priority buckets: only when there is an
    /// allow list and the call carries a valid token of a wallet on it (as the reference does).
    pub(crate) fn is_priority(&self, authorization: Option<&str>) -> bool {
        !self.allow.is_empty()
            && authorization.is_some()
            && self
                .verify(authorization)
                .is_ok_and(|caller| caller.priority)
    }

    /// The topic ownership rule and the deny list, after authentication.
    pub(crate) fn authorize<'a>(
        &self,
        caller: &Caller,
        topics: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), tonic::Status> {
        let lower = caller.wallet.to_ascii_lowercase();
        if !self.privileged.contains(&lower)
            && topics
                .into_iter()
                .any(|t| !allowed_to_publish(t, &caller.wallet))
        {
            return Err(tonic::Status::permission_denied(
                "publishing to restricted topic",
            ));
        }
        if self.deny.contains(&lower) {
            return Err(tonic::Status::permission_denied("wallet is deny listed"));
        }
        Ok(())
    }
}

/// `contact-<addr>` and `privatestore-<addr>` topics under `/xmtp/0/` belong to `<addr>`; every
/// other topic is open. Addresses compare case-insensitively (the SDK always checksums).
fn allowed_to_publish(topic: &str, wallet: &str) -> bool {
    let Some(rest) = topic.strip_prefix("/xmtp/0/") else {
        return true;
    };
    let segment = rest.split('/').next().unwrap_or_default();
    let mut parts = segment.split('-');
    match parts.next() {
        Some("contact" | "privatestore") => parts
            .next()
            .is_some_and(|owner| owner.eq_ignore_ascii_case(wallet)),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ME: &str = "0xF56d1F3b1290204441Cb3843C2Cac1C2f5AEd690";

    #[test]
    fn restricted_topics_belong_to_their_wallet() {
        assert!(allowed_to_publish(
            &format!("/xmtp/0/contact-{ME}/proto"),
            ME
        ));
        assert!(allowed_to_publish(
            &format!(
                "/xmtp/0/privatestore-{}/key_bundle/proto",
                ME.to_lowercase()
            ),
            ME
        ));
        assert!(!allowed_to_publish(
            "/xmtp/0/contact-0x3De402A325323Bb97f00cE3ad5bFAc96A11F9A34/proto",
            ME
        ));
        assert!(!allowed_to_publish("/xmtp/0/privatestore/proto", ME));
        assert!(allowed_to_publish(
            "/xmtp/0/invite-0x3De402A325323Bb97f00cE3ad5bFAc96A11F9A34/proto",
            ME
        ));
        assert!(allowed_to_publish("/xmtp/0/userpreferences-abc/proto", ME));
        assert!(allowed_to_publish("contact-0x00/proto", ME));
    }

    #[test]
    fn deny_list_and_privileged_wallets() {
        let config = AuthConfig {
            deny: vec![ME.to_lowercase()],
            ..AuthConfig::default()
        };
        let auth = Authorizer::new(&config);
        let me = Caller {
            wallet: ME.into(),
            priority: false,
        };
        let err = auth.authorize(&me, ["/xmtp/0/m-x/proto"]).unwrap_err();
        assert_eq!(err.code(), tonic::Code::PermissionDenied);
        assert_eq!(err.message(), "wallet is deny listed");

        let other = "/xmtp/0/contact-0x3De402A325323Bb97f00cE3ad5bFAc96A11F9A34/proto";
        let auth = Authorizer::new(&AuthConfig {
            privileged: vec![ME.into()],
            ..AuthConfig::default()
        });
        auth.authorize(&me, [other]).unwrap();
        let auth = Authorizer::new(&AuthConfig::default());
        assert_eq!(
            auth.authorize(&me, [other]).unwrap_err().message(),
            "publishing to restricted topic"
        );
    }

    #[test]
    fn missing_or_bad_tokens_are_unauthenticated() {
        let auth = Authorizer::new(&AuthConfig::default());
        let err = auth.authenticate(None).unwrap_err();
        assert_eq!(err.code(), tonic::Code::Unauthenticated);
        assert_eq!(err.message(), "authorization token is not provided");
        let err = auth.authenticate(Some("Basic abc")).unwrap_err();
        assert_eq!(err.message(), "unrecognized authorization scheme Basic");
        let err = auth.authenticate(Some("Bearer !!!")).unwrap_err();
        assert_eq!(err.code(), tonic::Code::Unauthenticated);
        let off = Authorizer::new(&AuthConfig {
            enabled: false,
            ..AuthConfig::default()
        });
        assert_eq!(off.authenticate(None).unwrap(), None);
    }
}
