//! Any bytes through the strict XML filter: it must never panic; a document it passes is
//! passed byte for byte unless a cut was recorded; every offset it reports lies inside the
//! input; and every cut offset maps back inside the input.
//!
//! The filter checks the bytes where the caller's buffer holds them and takes most of a
//! document by fast paths, so the same input is also read as the parser never reads it: one
//! byte at a time from below (only the byte states see it), and in small reads of an odd size
//! from above. All three must pass the same bytes and stop at the same error.
#![no_main]

use std::io::{self, Read};

use dvrole::xml::strict;
use libfuzzer_sys::fuzz_target;

/// Hands out at most one byte per read.
struct OneByOne<'a>(&'a [u8]);

impl Read for OneByOne<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        match (self.0.split_first(), out.first_mut()) {
            (Some((&b, rest)), Some(slot)) => {
                *slot = b;
                self.0 = rest;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
}

/// What the filter passes of `inner`, read `step` bytes at a time, or where and why it stops.
fn filtered(inner: impl Read, step: usize) -> (Vec<u8>, Option<(u64, String)>, bool) {
    let (mut filter, cuts) = strict::strict(inner);
    let mut out = Vec::new();
    let mut buf = vec![0; step];
    loop {
        match filter.read(&mut buf) {
            Ok(0) => return (out, None, cuts.any()),
            Ok(n) => out.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => {
                let found = strict::strict_error(&e).expect("only the filter's own errors");
                return (out, Some((found.offset, found.message.clone())), cuts.any());
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let (mut filter, cuts) = strict::strict(data);
    let mut out = Vec::new();
    match filter.read_to_end(&mut out) {
        Ok(_) => {
            if !cuts.any() {
                assert_eq!(out, data, "an uncut document passes unchanged");
            }
            assert!(cuts.original(out.len() as u64) <= data.len() as u64);
        }
        Err(e) => {
            let found = strict::strict_error(&e).expect("only the filter's own errors");
            assert!(found.offset < data.len() as u64, "the offset lies inside the input");
            assert!(data.starts_with(&out), "what passed before the error is the input's start");
        }
    }
    let whole = filtered(data, 1 << 16);
    let step = 1 + usize::from(data.first().copied().unwrap_or(0) % 13);
    assert_eq!(whole, filtered(OneByOne(data), 1 << 16), "one byte at a time from below");
    assert_eq!(whole, filtered(data, step), "reads of {step} bytes from above");
});
