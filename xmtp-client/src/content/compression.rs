//! `EncodedContent.compression` (protocol.md §8.2): deflate is the zlib format (RFC 1950), gzip
//! is RFC 1952. Inflating is always bounded.

use std::io::Read;

use flate2::Compression as Level;
use flate2::read::{GzDecoder, GzEncoder, ZlibDecoder, ZlibEncoder};
use xmtp_proto::message_contents as proto;

use crate::error::{Error, Result};

/// Content shorter than this is never compressed, whatever the caller asked (xmtp-js ≥ 11.3.11).
pub const COMPRESSION_MIN_LEN: usize = 10;

/// The decompression bound a [`CodecRegistry`](super::CodecRegistry) starts with: 10 MiB,
/// comfortably above the network's ~1 MB message limit.
pub const DEFAULT_MAX_DECOMPRESSED_LEN: usize = 10 * 1024 * 1024;

/// The bound xmtp-js (8 through 13) applies when inflating: compressed content that inflates to
/// more than 1000 bytes fails to decode there, so do not compress content larger than this for
/// JS recipients.
pub const JS_MAX_DECOMPRESSED_LEN: usize = 1000;

/// A compression algorithm for `EncodedContent.content`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
#[non_exhaustive]
pub enum Compression {
    /// `COMPRESSION_DEFLATE` (0): a zlib stream, as the Compression Streams API's `"deflate"`.
    Deflate,
    /// `COMPRESSION_GZIP` (1): a gzip stream.
    Gzip,
}

impl Compression {
    pub(crate) fn to_proto(self) -> proto::Compression {
        match self {
            Compression::Deflate => proto::Compression::Deflate,
            Compression::Gzip => proto::Compression::Gzip,
        }
    }

    pub(crate) fn from_proto(value: i32) -> Result<Self> {
        match proto::Compression::try_from(value) {
            Ok(proto::Compression::Deflate) => Ok(Compression::Deflate),
            Ok(proto::Compression::Gzip) => Ok(Compression::Gzip),
            Err(_) => Err(Error::UnknownCompression(value)),
        }
    }
}

/// Compresses `data` at the default level (6).
pub fn compress(data: &[u8], compression: Compression) -> Vec<u8> {
    let mut reader: Box<dyn Read + '_> = match compression {
        Compression::Deflate => Box::new(ZlibEncoder::new(data, Level::default())),
        Compression::Gzip => Box::new(GzEncoder::new(data, Level::default())),
    };
    let mut out = Vec::new();
    // Compressing from a byte slice into a Vec has no I/O that could fail.
    let _ = reader.read_to_end(&mut out);
    out
}

/// Inflates `data`, refusing with [`Error::DecompressedTooLarge`] as soon as the output would
/// exceed `max_len` bytes; at most `max_len + 1` bytes are ever buffered.
pub fn decompress(data: &[u8], compression: Compression, max_len: usize) -> Result<Vec<u8>> {
    let reader: Box<dyn Read + '_> = match compression {
        Compression::Deflate => Box::new(ZlibDecoder::new(data)),
        Compression::Gzip => Box::new(GzDecoder::new(data)),
    };
    let mut out = Vec::new();
    reader
        .take(max_len as u64 + 1)
        .read_to_end(&mut out)
        .map_err(Error::Decompress)?;
    if out.len() > max_len {
        return Err(Error::DecompressedTooLarge { limit: max_len });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_both_formats() {
        let data = b"hello hello hello hello hello".to_vec();
        for c in [Compression::Deflate, Compression::Gzip] {
            let packed = compress(&data, c);
            assert_ne!(packed, data);
            assert_eq!(decompress(&packed, c, data.len()).unwrap(), data);
        }
    }

    #[test]
    fn deflate_is_zlib_and_gzip_is_gzip() {
        assert_eq!(compress(b"x", Compression::Deflate)[0], 0x78);
        assert_eq!(&compress(b"x", Compression::Gzip)[..2], &[0x1f, 0x8b]);
    }

    #[test]
    fn bound_is_exact() {
        let packed = compress(&[7u8; 100], Compression::Gzip);
        assert_eq!(
            decompress(&packed, Compression::Gzip, 100).unwrap().len(),
            100
        );
        assert!(matches!(
            decompress(&packed, Compression::Gzip, 99),
            Err(Error::DecompressedTooLarge { limit: 99 })
        ));
    }

    #[test]
    fn garbage_and_wrong_format_are_errors() {
        assert!(matches!(
            decompress(b"not compressed", Compression::Deflate, 1000),
            Err(Error::Decompress(_))
        ));
        let gz = compress(b"some text here", Compression::Gzip);
        assert!(matches!(
            decompress(&gz, Compression::Deflate, 1000),
            Err(Error::Decompress(_))
        ));
    }

    #[test]
    fn truncated_stream_is_an_error() {
        for c in [Compression::Deflate, Compression::Gzip] {
            let packed = compress(&[1u8; 64], c);
            let cut = &packed[..packed.len() - 4];
            assert!(
                matches!(decompress(cut, c, 1000), Err(Error::Decompress(_))),
                "{c:?}"
            );
        }
    }

    #[test]
    fn unknown_value_is_an_error() {
        assert_eq!(Compression::from_proto(1).unwrap(), Compression::Gzip);
        assert!(matches!(
            Compression::from_proto(2),
            Err(Error::UnknownCompression(2))
        ));
        assert!(matches!(
            Compression::from_proto(-1),
            Err(Error::UnknownCompression(-1))
        ));
    }
}
