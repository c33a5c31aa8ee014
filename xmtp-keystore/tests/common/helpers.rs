// Helpers shared by the scenario tests, pulled in with `include!("common/helpers.rs")`.

include!(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/load.rs"));


/// Alice's and Bob's JS-generated bundles from TV-1.
#[allow(dead_code)]
fn tv1() -> (xmtp_keystore::PrivateKeyBundle, xmtp_keystore::PrivateKeyBundle) {
    let v = Vector::load("tv01_deterministic_topic");
    (
        xmtp_keystore::PrivateKeyBundle::decode(&v.bytes("alice_private_key_bundle")).unwrap(),
        xmtp_keystore::PrivateKeyBundle::decode(&v.bytes("bob_private_key_bundle")).unwrap(),
    )
}

/// A fresh identity created through the signature-request flow with a local wallet.
#[allow(dead_code)]
fn new_identity(now_ms: u64) -> (xmtp_crypto::LocalWallet, xmtp_keystore::PrivateKeyBundle) {
    let wallet = xmtp_crypto::LocalWallet::generate();
    let creation = xmtp_keystore::IdentityCreation::new(wallet.address(), now_ms);
    let sig = wallet.personal_sign(creation.request().text.as_bytes());
    let bundle = creation
        .finish(sig.to_bytes_v27().expose(), now_ms + 1)
        .unwrap();
    (wallet, bundle)
}

/// secp256k1 group order n, big-endian.
#[allow(dead_code)]
const CURVE_ORDER: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
    0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
];

/// Turns a low-S `r || s` into its high-S twin `r || n - s`.
#[allow(dead_code)]
fn to_high_s(sig: &[u8]) -> Vec<u8> {
    let mut out = sig.to_vec();
    let mut borrow = 0i16;
    for i in (0..32).rev() {
        let d = i16::from(CURVE_ORDER[i]) - i16::from(sig[32 + i]) - borrow;
        borrow = i16::from(d < 0);
        out[32 + i] = (d + if d < 0 { 256 } else { 0 }) as u8;
    }
    out
}
