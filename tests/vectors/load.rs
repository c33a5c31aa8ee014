// Shared loader for the JSON vector files in this folder, pulled into each crate's tests with
// `include!(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/load.rs"));`.
// Needs `serde_json` and `hex` as dev-dependencies.

/// One vector file, parsed.
#[allow(dead_code)]
struct Vector(serde_json::Value, &'static str);

#[allow(dead_code)]
impl Vector {
    /// Loads `tests/vectors/<name>.json`.
    fn load(name: &'static str) -> Self {
        let path = format!("{}/../tests/vectors/{name}.json", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        Self(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}")), name)
    }

    fn field(&self, path: &str) -> &serde_json::Value {
        path.split('.')
            .try_fold(&self.0, |v, k| v.get(k))
            .unwrap_or_else(|| panic!("{}: no field {path}", self.1))
    }

    /// A hex field (dots walk into nested objects: `recomputed.key_material`).
    fn bytes(&self, path: &str) -> Vec<u8> {
        hex::decode(self.text(path)).unwrap_or_else(|e| panic!("{}: {path} is not hex: {e}", self.1))
    }

    /// A fixed-length hex field.
    fn array<const N: usize>(&self, path: &str) -> [u8; N] {
        let bytes = self.bytes(path);
        bytes.try_into().unwrap_or_else(|b: Vec<u8>| panic!("{}: {path} has {} bytes, not {N}", self.1, b.len()))
    }

    /// A text field.
    fn text(&self, path: &str) -> &str {
        self.field(path).as_str().unwrap_or_else(|| panic!("{}: {path} is not a string", self.1))
    }

    /// A number field, or a decimal string (nanosecond timestamps above 2^53 are strings).
    fn u64(&self, path: &str) -> u64 {
        let v = self.field(path);
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            .unwrap_or_else(|| panic!("{}: {path} is not an unsigned number", self.1))
    }

    /// A boolean field.
    fn flag(&self, path: &str) -> bool {
        self.field(path).as_bool().unwrap_or_else(|| panic!("{}: {path} is not a bool", self.1))
    }
}
