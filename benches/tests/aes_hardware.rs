//! C7 (performance.md §6): AES-GCM must run on the CPU's AES instructions. The software fallback
//! is about 20 times slower, and nothing else would notice the difference.

/// On x86-64 (CI and the bench machine) `aes` 0.9, which aes-gcm 0.11 and so xmtp-crypto use,
/// must detect AES-NI at run time. Fails on a CPU without AES-NI or a build with
/// `--cfg aes_backend="soft"`.
#[cfg(target_arch = "x86_64")]
#[test]
fn aes_runs_on_hardware() {
    assert!(
        aes::hardware_accelerated(),
        "AES-GCM would use the software backend (no AES-NI, or aes_backend=\"soft\")"
    );
}
