//! Content topic names (protocol.md §9, network.md §4.1).
//!
//! Every v2-era topic is `/xmtp/0/<name>/proto`. The builders take addresses that the caller
//! has **already normalised to EIP-55** (mixed-case checksummed `0x…`): this crate does not
//! depend on `xmtp-crypto` and does not check or change case. Getting the case wrong gives a
//! different topic, and for direct messages a different order of the two addresses.
//!
//! [`Topic::parse`] splits a topic string into its parts and never fails: anything it does not
//! recognise is [`Topic::Other`], and `Topic::parse(s).to_string() == s` for every `s`.
//! [`category`] is the node's own, looser, classification (xmtp-node-go `topic.Category`), which
//! drives ephemeral handling, metrics labels and publish authorisation.

use std::fmt;

/// Start of every v2-era topic.
pub const PREFIX: &str = "/xmtp/0/";
/// Start of MLS (v3) topics; only parsed here, never built.
pub const MLS_PREFIX: &str = "/xmtp/mls/1/";
/// End of every topic.
pub const SUFFIX: &str = "/proto";
/// What follows the address in the private-store topic name.
pub const KEY_BUNDLE: &str = "key_bundle";

fn build(name: fmt::Arguments<'_>) -> String {
    format!("{PREFIX}{name}{SUFFIX}")
}

/// `/xmtp/0/contact-<address>/proto`: where a user's contact bundles are published.
pub fn contact(address: &str) -> String {
    build(format_args!("contact-{address}"))
}

/// `/xmtp/0/intro-<address>/proto`: copies of the first v1 message of each conversation.
pub fn intro(address: &str) -> String {
    build(format_args!("intro-{address}"))
}

/// `/xmtp/0/dm-<A>-<B>/proto`, a v1 conversation; `A < B` by plain byte order of the two
/// EIP-55 strings (case-sensitive: digits < upper case < lower case).
pub fn direct_message_v1(a: &str, b: &str) -> String {
    let (lo, hi) = sorted(a, b);
    build(format_args!("dm-{lo}-{hi}"))
}

/// `/xmtp/0/dmE-<A>-<B>/proto`: relayed but never stored counterpart of
/// [`direct_message_v1`].
pub fn ephemeral_direct_message_v1(a: &str, b: &str) -> String {
    let (lo, hi) = sorted(a, b);
    build(format_args!("dmE-{lo}-{hi}"))
}

fn sorted<'a>(a: &'a str, b: &'a str) -> (&'a str, &'a str) {
    if a.as_bytes() <= b.as_bytes() {
        (a, b)
    } else {
        (b, a)
    }
}

/// `/xmtp/0/invite-<address>/proto`: sealed invitations to and from a user.
pub fn invite(address: &str) -> String {
    build(format_args!("invite-{address}"))
}

/// `/xmtp/0/m-<id>/proto`, a v2 conversation. Take the id from the decrypted invitation; never
/// recompute it.
pub fn conversation_v2(id: &str) -> String {
    build(format_args!("m-{id}"))
}

/// `/xmtp/0/mE-<id>/proto`: relayed but never stored counterpart of [`conversation_v2`].
pub fn ephemeral_conversation_v2(id: &str) -> String {
    build(format_args!("mE-{id}"))
}

/// `/xmtp/0/privatestore-<address>/key_bundle/proto`: the user's encrypted private key bundle.
pub fn private_store(address: &str) -> String {
    build(format_args!("privatestore-{address}/{KEY_BUNDLE}"))
}

/// `/xmtp/0/installations-<address>/proto`: an xmtp-rs extension, where a wallet publishes the
/// public keys of its forward-secrecy installations (signed by its identity key) and their
/// revocations. Only the wallet may publish there, as on its contact topic.
pub fn installations(address: &str) -> String {
    build(format_args!("installations-{address}"))
}

/// `/xmtp/0/userpreferences-<identifier>/proto`: self-encrypted consent actions. The identifier
/// is derived from the identity key (protocol.md §11.1).
pub fn user_preferences(identifier: &str) -> String {
    build(format_args!("userpreferences-{identifier}"))
}

/// The ephemeral topic for a conversation topic: `/xmtp/0/dm-…` becomes `/xmtp/0/dmE-…` and
/// `/xmtp/0/m-…` becomes `/xmtp/0/mE-…`. `None` for any other topic, including one that is
/// already ephemeral.
pub fn to_ephemeral(topic: &str) -> Option<String> {
    let name = topic.strip_prefix(PREFIX)?;
    if let Some(rest) = name.strip_prefix("dm-") {
        Some(format!("{PREFIX}dmE-{rest}"))
    } else {
        name.strip_prefix("m-")
            .map(|rest| format!("{PREFIX}mE-{rest}"))
    }
}

/// Inverse of [`to_ephemeral`]: `/xmtp/0/dmE-…` → `/xmtp/0/dm-…`, `/xmtp/0/mE-…` →
/// `/xmtp/0/m-…`; `None` for any other topic.
pub fn from_ephemeral(topic: &str) -> Option<String> {
    let name = topic.strip_prefix(PREFIX)?;
    if let Some(rest) = name.strip_prefix("dmE-") {
        Some(format!("{PREFIX}dm-{rest}"))
    } else {
        name.strip_prefix("mE-")
            .map(|rest| format!("{PREFIX}m-{rest}"))
    }
}

/// JS `isValidTopic` (protocol.md §9), applied to intro-derived `dm-` topics and to the topic
/// inside incoming invitations.
///
/// Finds the first `"0/"`, takes the text from after it up to the last `"/proto"`, and accepts
/// iff that text is non-empty and every byte is in 0x21–0x7F. No `"0/"` means invalid. The
/// corner cases follow JS `String.prototype.substring` exactly, which the spec text does not
/// spell out: with no `"/proto"` after the `"0/"` (none at all, or only an earlier one) the two
/// bounds are swapped, so the text checked is everything *before* the end of `"0/"` — e.g.
/// `"/xmtp/0/anything at all"` is valid because `"/xmtp/0/"` is.
pub fn is_valid_topic(topic: &str) -> bool {
    let Some(zero_slash) = topic.find("0/") else {
        return false;
    };
    let start = zero_slash + 2;
    // JS lastIndexOf gives -1 when absent, and substring clamps that to 0.
    let end = topic.rfind(SUFFIX).unwrap_or(0);
    let (lo, hi) = if start <= end {
        (start, end)
    } else {
        (end, start)
    };
    let inner = &topic.as_bytes()[lo..hi];
    !inner.is_empty() && inner.iter().all(|b| (0x21..=0x7f).contains(b))
}

/// A topic split into its parts. Parsing is structural only: address and id contents are not
/// checked.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Topic {
    /// `/xmtp/0/contact-<address>/proto`.
    Contact {
        /// As written in the topic (EIP-55 when built by an SDK).
        address: String,
    },
    /// `/xmtp/0/intro-<address>/proto`.
    Intro {
        /// As written in the topic.
        address: String,
    },
    /// `/xmtp/0/dm-<a>-<b>/proto`.
    DirectMessageV1 {
        /// First address as written (the smaller one when built by an SDK).
        a: String,
        /// Second address as written.
        b: String,
    },
    /// `/xmtp/0/dmE-<a>-<b>/proto`.
    EphemeralDirectMessageV1 {
        /// First address as written.
        a: String,
        /// Second address as written.
        b: String,
    },
    /// `/xmtp/0/invite-<address>/proto`.
    Invite {
        /// As written in the topic.
        address: String,
    },
    /// `/xmtp/0/groupInvite-<address>/proto`: pre-v2 group chat invitations; still a category
    /// of its own on the node.
    GroupInvite {
        /// As written in the topic.
        address: String,
    },
    /// `/xmtp/0/m-<id>/proto`.
    ConversationV2 {
        /// 64 hex digits (deterministic) or base64-like (random; may contain `+` and, from
        /// JS < 11.2.3, `/`).
        id: String,
    },
    /// `/xmtp/0/mE-<id>/proto`.
    EphemeralConversationV2 {
        /// As in [`Topic::ConversationV2`].
        id: String,
    },
    /// `/xmtp/0/privatestore-<address>/<key>/proto`.
    PrivateStore {
        /// As written in the topic.
        address: String,
        /// [`KEY_BUNDLE`] for the only key the SDKs store.
        key: String,
    },
    /// `/xmtp/0/userpreferences-<identifier>/proto`.
    UserPreferences {
        /// base64url without padding.
        identifier: String,
    },
    /// `/xmtp/mls/1/g-<group_id>/proto` (MLS; outside the v2 protocol).
    GroupMessage {
        /// As written in the topic.
        group_id: String,
    },
    /// `/xmtp/mls/1/w-<installation_id>/proto` (MLS; outside the v2 protocol).
    Welcome {
        /// As written in the topic.
        installation_id: String,
    },
    /// `test-…` or `/xmtp/0/test-…`: the node's test category; holds the whole topic.
    Test(String),
    /// Anything else, including malformed topics of a known kind (no `/proto` suffix, empty
    /// name, an address containing `/`); holds the whole topic.
    Other(String),
}

impl Topic {
    /// Splits `topic` into its parts. Never fails and never panics; see [`Topic::Other`].
    pub fn parse(topic: &str) -> Topic {
        parse_known(topic).unwrap_or_else(|| {
            if category(topic) == Category::Test {
                Topic::Test(topic.to_owned())
            } else {
                Topic::Other(topic.to_owned())
            }
        })
    }

    /// The node's category of this topic (same as [`category`] of its string form).
    pub fn category(&self) -> Category {
        match self {
            Topic::Contact { .. } => Category::Contact,
            Topic::Intro { .. } => Category::V1Intro,
            Topic::DirectMessageV1 { .. } => Category::V1Conversation,
            Topic::EphemeralDirectMessageV1 { .. } => Category::V1ConversationEphemeral,
            Topic::Invite { .. } => Category::V2Invite,
            Topic::GroupInvite { .. } => Category::V2GroupInvite,
            Topic::ConversationV2 { .. } => Category::V2Conversation,
            Topic::EphemeralConversationV2 { .. } => Category::V2ConversationEphemeral,
            Topic::PrivateStore { .. } => Category::Private,
            Topic::UserPreferences { .. } => Category::UserPreferences,
            Topic::GroupMessage { .. } | Topic::Welcome { .. } => Category::Invalid,
            Topic::Test(_) => Category::Test,
            Topic::Other(s) => category(s),
        }
    }
}

/// Addresses sit between fixed separators, so they must be non-empty and free of `/`.
fn address(s: &str) -> Option<String> {
    (!s.is_empty() && !s.contains('/')).then(|| s.to_owned())
}

/// Ids are the rest of the name; only emptiness is rejected.
fn id(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

fn parse_known(topic: &str) -> Option<Topic> {
    if let Some(name) = topic
        .strip_prefix(PREFIX)
        .and_then(|rest| rest.strip_suffix(SUFFIX))
    {
        let (kind, rest) = name.split_once('-')?;
        return match kind {
            "contact" => address(rest).map(|address| Topic::Contact { address }),
            "intro" => address(rest).map(|address| Topic::Intro { address }),
            "invite" => address(rest).map(|address| Topic::Invite { address }),
            "groupInvite" => address(rest).map(|address| Topic::GroupInvite { address }),
            "dm" | "dmE" => {
                let (a, b) = rest.split_once('-')?;
                let (a, b) = (address(a)?, address(b)?);
                Some(if kind == "dm" {
                    Topic::DirectMessageV1 { a, b }
                } else {
                    Topic::EphemeralDirectMessageV1 { a, b }
                })
            }
            "m" => id(rest).map(|id| Topic::ConversationV2 { id }),
            "mE" => id(rest).map(|id| Topic::EphemeralConversationV2 { id }),
            "privatestore" => {
                let (addr, key) = rest.split_once('/')?;
                Some(Topic::PrivateStore {
                    address: address(addr)?,
                    key: id(key)?,
                })
            }
            "userpreferences" => id(rest).map(|identifier| Topic::UserPreferences { identifier }),
            _ => None,
        };
    }
    let name = topic
        .strip_prefix(MLS_PREFIX)
        .and_then(|rest| rest.strip_suffix(SUFFIX))?;
    if let Some(group_id) = name.strip_prefix("g-") {
        id(group_id).map(|group_id| Topic::GroupMessage { group_id })
    } else if let Some(installation_id) = name.strip_prefix("w-") {
        id(installation_id).map(|installation_id| Topic::Welcome { installation_id })
    } else {
        None
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Topic::Contact { address } => write!(f, "{PREFIX}contact-{address}{SUFFIX}"),
            Topic::Intro { address } => write!(f, "{PREFIX}intro-{address}{SUFFIX}"),
            Topic::DirectMessageV1 { a, b } => write!(f, "{PREFIX}dm-{a}-{b}{SUFFIX}"),
            Topic::EphemeralDirectMessageV1 { a, b } => write!(f, "{PREFIX}dmE-{a}-{b}{SUFFIX}"),
            Topic::Invite { address } => write!(f, "{PREFIX}invite-{address}{SUFFIX}"),
            Topic::GroupInvite { address } => write!(f, "{PREFIX}groupInvite-{address}{SUFFIX}"),
            Topic::ConversationV2 { id } => write!(f, "{PREFIX}m-{id}{SUFFIX}"),
            Topic::EphemeralConversationV2 { id } => write!(f, "{PREFIX}mE-{id}{SUFFIX}"),
            Topic::PrivateStore { address, key } => {
                write!(f, "{PREFIX}privatestore-{address}/{key}{SUFFIX}")
            }
            Topic::UserPreferences { identifier } => {
                write!(f, "{PREFIX}userpreferences-{identifier}{SUFFIX}")
            }
            Topic::GroupMessage { group_id } => write!(f, "{MLS_PREFIX}g-{group_id}{SUFFIX}"),
            Topic::Welcome { installation_id } => {
                write!(f, "{MLS_PREFIX}w-{installation_id}{SUFFIX}")
            }
            Topic::Test(s) | Topic::Other(s) => f.write_str(s),
        }
    }
}

/// The node's topic category (xmtp-node-go `pkg/topic` `Category`, network.md §4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Category {
    /// `test-…` or `/xmtp/0/test-…`.
    Test,
    /// `contact-`: publishing needs the matching wallet.
    Contact,
    /// `intro-`.
    V1Intro,
    /// `dm-`.
    V1Conversation,
    /// `dmE-`: relayed, never stored.
    V1ConversationEphemeral,
    /// `invite-`.
    V2Invite,
    /// `groupInvite-`.
    V2GroupInvite,
    /// `m-`.
    V2Conversation,
    /// `mE-`: relayed, never stored.
    V2ConversationEphemeral,
    /// `privatestore-`: publishing needs the matching wallet.
    Private,
    /// `userpreferences-`.
    UserPreferences,
    /// Anything else, including every topic outside `/xmtp/0/` (so MLS topics too).
    Invalid,
}

impl Category {
    /// The node's label, e.g. `"v2-conversation-ephemeral"` (used in metrics).
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Test => "test",
            Category::Contact => "contact",
            Category::V1Intro => "v1-intro",
            Category::V1Conversation => "v1-conversation",
            Category::V1ConversationEphemeral => "v1-conversation-ephemeral",
            Category::V2Invite => "v2-invite",
            Category::V2GroupInvite => "v2-group-invite",
            Category::V2Conversation => "v2-conversation",
            Category::V2ConversationEphemeral => "v2-conversation-ephemeral",
            Category::Private => "private",
            Category::UserPreferences => "userpreferences",
            Category::Invalid => "invalid",
        }
    }

    /// Ephemeral topics are relayed to subscribers but never stored.
    pub fn is_ephemeral(self) -> bool {
        matches!(
            self,
            Category::V1ConversationEphemeral | Category::V2ConversationEphemeral
        )
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The node's category of a topic string, exactly as xmtp-node-go computes it: a `test-`
/// prefix is [`Category::Test`]; otherwise strip `/xmtp/0/` (absent → [`Category::Invalid`]),
/// cut at the first `-` and look the part before it up. The `/proto` suffix is not required.
pub fn category(topic: &str) -> Category {
    if topic.starts_with("test-") {
        return Category::Test;
    }
    let Some((kind, _)) = topic
        .strip_prefix(PREFIX)
        .and_then(|rest| rest.split_once('-'))
    else {
        return Category::Invalid;
    };
    match kind {
        "test" => Category::Test,
        "contact" => Category::Contact,
        "intro" => Category::V1Intro,
        "dm" => Category::V1Conversation,
        "dmE" => Category::V1ConversationEphemeral,
        "invite" => Category::V2Invite,
        "groupInvite" => Category::V2GroupInvite,
        "m" => Category::V2Conversation,
        "mE" => Category::V2ConversationEphemeral,
        "privatestore" => Category::Private,
        "userpreferences" => Category::UserPreferences,
        _ => Category::Invalid,
    }
}
