//! The codec of the generated `MessageApi` client and server: prost's encoding, with smaller
//! first buffers than tonic's default.

use std::marker::PhantomData;

use tonic::codec::{BufferSettings, Codec};
use tonic_prost::{ProstCodec, ProstDecoder, ProstEncoder};

/// Bytes an encoder or decoder buffer starts with; tonic's default is 8 KiB. A stream holds
/// its encoder's buffer for as long as it is open, idle or not, so on a node with 20,000 idle
/// `Subscribe` streams the default was 160 MiB of the heap (issue 17, measured with heaptrack).
/// Buffers grow to the message they carry.
const FIRST_BUFFER_BYTES: usize = 512;
/// Encoded bytes gathered before a stream hands them to the transport (tonic's default).
const YIELD_THRESHOLD_BYTES: usize = 32 * 1024;

fn buffer_settings() -> BufferSettings {
    BufferSettings::new(FIRST_BUFFER_BYTES, YIELD_THRESHOLD_BYTES)
}

/// [`ProstCodec`] with [`FIRST_BUFFER_BYTES`] buffers.
#[derive(Debug, Clone, Copy)]
pub struct LeanCodec<T, U>(PhantomData<fn() -> (T, U)>);

impl<T, U> Default for LeanCodec<T, U> {
    fn default() -> Self {
        Self(PhantomData)
    }
}

impl<T, U> Codec for LeanCodec<T, U>
where
    T: prost::Message + Send + 'static,
    U: prost::Message + Default + Send + 'static,
{
    type Encode = T;
    type Decode = U;
    type Encoder = ProstEncoder<T>;
    type Decoder = ProstDecoder<U>;

    fn encoder(&mut self) -> Self::Encoder {
        ProstCodec::<T, U>::raw_encoder(buffer_settings())
    }

    fn decoder(&mut self) -> Self::Decoder {
        ProstCodec::<T, U>::raw_decoder(buffer_settings())
    }
}
