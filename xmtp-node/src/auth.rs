//! Publish authorisation (network.md §3): the token, the topic ownership rule, the deny list.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

use base64::Engine as _;
use xmtp_crypto::Address;
use xmtp_keystore::Clock;
use xmtp_proto::Message as _;
use xmtp_proto::message_api::v1 as api;

use crate::config::AuthConfig;

/// What a verified token says about the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Caller {
    /// The wallet that signed the identity key, EIP-55.
    pub(crate) wallet: String,
    /// On the allow list: uses the priority rate-limit buckets.
    pub(crate) priority: bool,
}

/// Verified tokens kept at most; a full cache first drops its expired entries, then everything.
const TOKEN_CACHE_CAPACITY: usize = 4096;

pub(crate) struct Authorizer {
    enabled: bool,
    max_age_ns: u64,
    deny: HashSet<String>,
    allow: HashSet<String>,
    privileged: HashSet<String>,
    tokens: TokenCache,
    /// The node's clock: tokens age by it.
    clock: Arc<dyn Clock>,
}

/// Tokens that passed verification, so that a client reusing its token (as the SDK does for up to
/// an hour) costs one hash and one lookup instead of an ECDSA recovery and a verification.
///
/// The key is the SHA-256 of the whole `authorization` value: verification is a pure function of
/// that value and the clock, so the only thing a hit must re-check is the token's age, with the
/// same comparison as [`xmtp_keystore::verify_token`]. Failures are never cached.
struct TokenCache {
    capacity: usize,
    entries: Mutex<HashMap<[u8; 32], CachedToken>>,
}

#[derive(Clone)]
struct CachedToken {
    caller: Caller,
    created_ns: u64,
}

impl TokenCache {
    fn new(capacity: usize) -> Self {
        Self {
            capacity,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The cached caller if the token is still young enough at `now_ns`; an expired entry is
    /// dropped, and the caller then verifies afresh (and gets the keystore's own error).
    fn get(&self, key: &[u8; 32], now_ns: u64, max_age_ns: u64) -> Option<Caller> {
        let mut entries = self.entries.lock().ok()?;
        let entry = entries.get(key)?;
        if now_ns.saturating_sub(entry.created_ns) > max_age_ns {
            entries.remove(key);
            return None;
        }
        Some(entry.caller.clone())
    }

    fn insert(&self, key: [u8; 32], entry: CachedToken, now_ns: u64, max_age_ns: u64) {
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.retain(|_, e| now_ns.saturating_sub(e.created_ns) <= max_age_ns);
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(key, entry);
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.lock().map_or(0, |e| e.len())
    }
}

/// `AuthData.created_ns` of a header that has just passed verification (so it decodes).
fn token_created_ns(header: &str) -> Option<u64> {
    let (_, rest) = header.split_once(' ')?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()?;
    let token = api::Token::decode(bytes.as_slice()).ok()?;
    api::AuthData::decode(token.auth_data_bytes.as_slice())
        .ok()
        .map(|data| data.created_ns)
}

fn lowercase_set(list: &[String]) -> HashSet<String> {
    list.iter().map(|a| a.trim().to_ascii_lowercase()).collect()
}

impl Authorizer {
    pub(crate) fn new(config: &AuthConfig, clock: Arc<dyn Clock>) -> Self {
        Self {
            enabled: config.enabled,
            max_age_ns: u64::try_from(config.max_token_age.as_nanos()).unwrap_or(u64::MAX),
            deny: lowercase_set(&config.deny),
            allow: lowercase_set(&config.allow),
            privileged: lowercase_set(&config.privileged),
            tokens: TokenCache::new(TOKEN_CACHE_CAPACITY),
            clock,
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
        self.verify_at(authorization, self.clock.now_ns())
    }

    fn verify_at(&self, authorization: Option<&str>, now_ns: u64) -> Result<Caller, tonic::Status> {
        let header = authorization
            .ok_or_else(|| tonic::Status::unauthenticated("authorization token is not provided"))?;
        let key = xmtp_crypto::sha256(header.as_bytes());
        if let Some(caller) = self.tokens.get(&key, now_ns, self.max_age_ns) {
            return Ok(caller);
        }
        let wallet: Address = xmtp_keystore::verify_auth_header(header, now_ns, self.max_age_ns)
            .map_err(|e| tonic::Status::unauthenticated(e.to_string()))?;
        let wallet = wallet.to_string();
        let priority = self.allow.contains(&wallet.to_ascii_lowercase());
        let caller = Caller { wallet, priority };
        if let Some(created_ns) = token_created_ns(header) {
            let entry = CachedToken {
                caller: caller.clone(),
                created_ns,
            };
            self.tokens.insert(key, entry, now_ns, self.max_age_ns);
        }
        Ok(caller)
    }

    /// Whether an already verified (cached) token is a priority wallet's; `None` when the
    /// token is not in the cache. Costs one SHA-256, never a signature recovery.
    pub(crate) fn cached_priority(&self, authorization: Option<&str>) -> Option<bool> {
        if self.allow.is_empty() {
            return Some(false);
        }
        let key = xmtp_crypto::sha256(authorization?.as_bytes());
        self.tokens
            .get(&key, self.clock.now_ns(), self.max_age_ns)
            .map(|caller| caller.priority)
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

/// For a `contact-<addr>`, `privatestore-<addr>` or `installations-<addr>` topic under
/// `/xmtp/0/`, the parts of its segment after the prefix (the owner first); `None` for an open
/// topic. `installations-` is the xmtp-rs forward-secrecy extension's, owned like `contact-`.
fn owner_parts(topic: &str) -> Option<std::str::Split<'_, char>> {
    let rest = topic.strip_prefix("/xmtp/0/")?;
    let mut parts = rest.split('/').next().unwrap_or_default().split('-');
    matches!(
        parts.next(),
        Some("contact" | "privatestore" | "installations")
    )
    .then_some(parts)
}

/// Whether only its owner may publish on `topic` (`contact-`, `privatestore-`,
/// `installations-`).
#[cfg_attr(not(feature = "waku"), allow(dead_code))]
pub(crate) fn is_restricted(topic: &str) -> bool {
    owner_parts(topic).is_some()
}

/// `contact-<addr>`, `privatestore-<addr>` and `installations-<addr>` topics under `/xmtp/0/`
/// belong to `<addr>`; every other topic is open. Addresses compare case-insensitively (the SDK always checksums).
pub(crate) fn allowed_to_publish(topic: &str, wallet: &str) -> bool {
    owner_parts(topic).is_none_or(|mut parts| {
        parts
            .next()
            .is_some_and(|owner| owner.eq_ignore_ascii_case(wallet))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use xmtp_crypto::LocalWallet;
    use xmtp_keystore::AuthToken;
    use xmtp_keystore::IdentityCreation;

    const HOUR_NS: u64 = 3_600_000_000_000;

    fn system() -> Arc<dyn Clock> {
        Arc::new(xmtp_keystore::SystemClock)
    }

    /// A fresh wallet's `authorization` value for a token made at `created_ns`.
    fn token(created_ns: u64) -> (String, String) {
        let wallet = LocalWallet::generate();
        let creation = IdentityCreation::new(wallet.address(), 1);
        let signature = wallet.personal_sign(creation.request().text.as_bytes());
        let bundle = creation
            .finish(signature.to_bytes_v27().expose(), 1)
            .unwrap();
        (
            wallet.address().to_string(),
            AuthToken::create(&bundle, created_ns).authorization_header(),
        )
    }

    #[test]
    fn a_cached_token_still_expires_exactly_on_time() {
        let auth = Authorizer::new(&AuthConfig::default(), system());
        let created = 1_000 * HOUR_NS;
        let (wallet, header) = token(created);
        let caller = auth.verify_at(Some(&header), created).unwrap();
        assert_eq!(caller.wallet, wallet);
        assert_eq!(auth.tokens.len(), 1);
        // Hits up to and including the last valid nanosecond, as the keystore's own check.
        assert_eq!(
            auth.verify_at(Some(&header), created + HOUR_NS).unwrap(),
            caller
        );
        assert_eq!(auth.tokens.len(), 1);
        let err = auth
            .verify_at(Some(&header), created + HOUR_NS + 1)
            .unwrap_err();
        assert_eq!(err.code(), tonic::Code::Unauthenticated);
        let uncached =
            xmtp_keystore::verify_auth_header(&header, created + HOUR_NS + 1, HOUR_NS).unwrap_err();
        assert_eq!(err.message(), uncached.to_string());
        // The expired entry is gone and an expired token is never cached.
        assert_eq!(auth.tokens.len(), 0);
        assert!(
            auth.verify_at(Some(&header), created + 2 * HOUR_NS)
                .is_err()
        );
        assert_eq!(auth.tokens.len(), 0);
    }

    #[test]
    fn failures_are_not_cached_and_the_cache_is_bounded() {
        let mut auth = Authorizer::new(&AuthConfig::default(), system());
        auth.tokens = TokenCache::new(3);
        let now = 1_000 * HOUR_NS;
        assert!(auth.verify_at(Some("Bearer !!!"), now).is_err());
        assert_eq!(auth.tokens.len(), 0);
        // An old token alongside live ones: a full cache drops the expired entry first.
        let (_, old) = token(now - HOUR_NS / 2);
        auth.verify_at(Some(&old), now).unwrap();
        let mut live = Vec::new();
        for _ in 0..2 {
            let (wallet, header) = token(now);
            auth.verify_at(Some(&header), now).unwrap();
            live.push((wallet, header));
        }
        assert_eq!(auth.tokens.len(), 3);
        let later = now + HOUR_NS / 2 + 1;
        let (_, fresh) = token(later);
        auth.verify_at(Some(&fresh), later).unwrap();
        assert_eq!(auth.tokens.len(), 3);
        assert!(auth.verify_at(Some(&old), later).is_err());
        // Full of live tokens: it empties rather than grows.
        let (_, another) = token(later);
        auth.verify_at(Some(&another), later).unwrap();
        assert_eq!(auth.tokens.len(), 1);
        for (wallet, header) in &live {
            assert_eq!(&auth.verify_at(Some(header), later).unwrap().wallet, wallet);
        }
        assert!(auth.tokens.len() <= 3);
    }

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
    fn installations_topics_belong_to_their_wallet() {
        let mine = xmtp_proto::topic::installations(ME);
        assert!(allowed_to_publish(&mine, ME));
        assert!(allowed_to_publish(&mine.to_lowercase(), ME));
        assert!(is_restricted(&mine));
        let theirs = xmtp_proto::topic::installations("0x3De402A325323Bb97f00cE3ad5bFAc96A11F9A34");
        assert!(!allowed_to_publish(&theirs, ME));
        assert!(!allowed_to_publish("/xmtp/0/installations-/proto", ME));
    }

    #[test]
    fn deny_list_and_privileged_wallets() {
        let config = AuthConfig {
            deny: vec![ME.to_lowercase()],
            ..AuthConfig::default()
        };
        let auth = Authorizer::new(&config, system());
        let me = Caller {
            wallet: ME.into(),
            priority: false,
        };
        let err = auth.authorize(&me, ["/xmtp/0/m-x/proto"]).unwrap_err();
        assert_eq!(err.code(), tonic::Code::PermissionDenied);
        assert_eq!(err.message(), "wallet is deny listed");

        let other = "/xmtp/0/contact-0x3De402A325323Bb97f00cE3ad5bFAc96A11F9A34/proto";
        let auth = Authorizer::new(
            &AuthConfig {
                privileged: vec![ME.into()],
                ..AuthConfig::default()
            },
            system(),
        );
        auth.authorize(&me, [other]).unwrap();
        let auth = Authorizer::new(&AuthConfig::default(), system());
        assert_eq!(
            auth.authorize(&me, [other]).unwrap_err().message(),
            "publishing to restricted topic"
        );
    }

    #[test]
    fn missing_or_bad_tokens_are_unauthenticated() {
        let auth = Authorizer::new(&AuthConfig::default(), system());
        let err = auth.authenticate(None).unwrap_err();
        assert_eq!(err.code(), tonic::Code::Unauthenticated);
        assert_eq!(err.message(), "authorization token is not provided");
        let err = auth.authenticate(Some("Basic abc")).unwrap_err();
        assert_eq!(err.message(), "unrecognized authorization scheme Basic");
        let err = auth.authenticate(Some("Bearer !!!")).unwrap_err();
        assert_eq!(err.code(), tonic::Code::Unauthenticated);
        let off = Authorizer::new(
            &AuthConfig {
                enabled: false,
                ..AuthConfig::default()
            },
            system(),
        );
        assert_eq!(off.authenticate(None).unwrap(), None);
    }
}
