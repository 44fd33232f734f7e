//! Scanning a run of bytes eight at a time, for the hot loops of the strict filter and the
//! walk: most of a solution file is printable ASCII that no check needs to look at one by one.

/// Ones and high bits in every byte of a word.
pub(crate) const LO: u64 = 0x0101_0101_0101_0101;
pub(crate) const HI: u64 = 0x8080_8080_8080_8080;

/// High bit set in each byte of `x` that is zero; exact for the lowest such byte (borrows
/// start only at a zero byte and run upwards).
#[inline(always)]
pub(crate) fn zero_bytes(x: u64) -> u64 {
    x.wrapping_sub(LO) & !x & HI
}

/// The length of the run at the start of `bytes` of bytes that `continues` takes, eight bytes
/// at a time: `flags` marks, in a little-endian word, each byte that may not continue the run,
/// exactly at the lowest such byte (marks above it may be false), and only a marked byte is
/// looked at with `continues`. So the run ends where a byte-by-byte count with `continues`
/// ends it.
#[inline(always)]
pub(crate) fn word_run(
    bytes: &[u8],
    flags: impl Fn(u64) -> u64,
    continues: impl Fn(u8) -> bool,
) -> usize {
    let mut i = 0;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let Ok(word) = <[u8; 8]>::try_from(chunk) else {
            break;
        };
        let marked = flags(u64::from_le_bytes(word));
        if marked == 0 {
            i += 8;
            continue;
        }
        i += (marked.trailing_zeros() / 8) as usize;
        match bytes.get(i) {
            Some(&b) if continues(b) => i += 1,
            _ => return i,
        }
    }
    i + bytes
        .get(i..)
        .unwrap_or_default()
        .iter()
        .take_while(|&&b| continues(b))
        .count()
}
