#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]

pub mod content;
mod error;

pub use error::{Error, Result};
