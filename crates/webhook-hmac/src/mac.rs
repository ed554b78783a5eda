//! HMAC-SHA256 (RFC 2104) keyed once: a key's inner and outer states are
//! hashed when the secret is parsed, and every tag starts from them.
//!
//! Where the CPU has SHA-256 instructions (x86 SHA extensions, Armv8
//! `sha2`), a tag runs `sha2`'s block function straight from those states:
//! the body's whole blocks where they lie, the first block (a head such as
//! `{id}.{timestamp}.` and the body's start) and the last ones (the body's
//! end and the padding) assembled on the stack, then one block for the
//! outer hash. `ring::hmac` runs the same instructions but spends about
//! 60 ns a call setting up its context (a 107-byte message signed in
//! 188–192 ns against 143–150 ns here, on the machine of the crate
//! README's *Performance*), a quarter of a small webhook's verification.
//! Elsewhere `sha2` would fall back to portable code, slower than ring's
//! assembly, so those CPUs keep `ring::hmac`. Both give the same tags
//! (tests compare them over key and message lengths either side of every
//! block boundary).

use std::slice;

use ring::hmac;
use sha2::block_api::compress256;
use sha2::{Digest as _, Sha256};
use zeroize::Zeroize;

const BLOCK: usize = 64;

/// SHA-256's initial state (FIPS 180-4, 5.3.3).
const H0: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// The outer hash's last block after the inner digest: its padding for a
/// message of one key block and 32 bytes, written in one piece (a block
/// loaded right after several small stores to it waits for them).
const OUTER_PADDING: [u8; 32] = {
    let mut tail = [0u8; 32];
    tail[0] = 0x80;
    let bits = ((BLOCK + 32) * 8) as u64;
    let bytes = bits.to_be_bytes();
    let mut i = 0;
    while i < 8 {
        tail[24 + i] = bytes[i];
        i += 1;
    }
    tail
};

/// One HMAC-SHA256 key, ready to sign.
pub(crate) struct HmacKey(Backend);

enum Backend {
    /// The states after hashing `key ^ ipad` and `key ^ opad`: as good as the
    /// key, so zeroed on drop.
    Blocks { inner: [u32; 8], outer: [u32; 8] },
    /// CPUs without SHA-256 instructions.
    Ring(hmac::Key),
}

impl HmacKey {
    /// The key for `key`'s bytes, of any length (longer than a block, it is
    /// hashed first, as RFC 2104 says).
    pub(crate) fn new(key: &[u8]) -> Self {
        if sha_instructions() {
            Self::blocks(key)
        } else {
            Self(Backend::Ring(hmac::Key::new(hmac::HMAC_SHA256, key)))
        }
    }

    /// The block-function backend whatever the CPU (tests run it on every
    /// machine).
    fn blocks(key: &[u8]) -> Self {
        let mut padded = [0u8; BLOCK];
        if key.len() > BLOCK {
            // The digest is the key: the hasher (feature `zeroize`) and the
            // digest are zeroed once copied.
            let mut digest = Sha256::digest(key);
            padded[..32].copy_from_slice(&digest);
            digest.as_mut_slice().zeroize();
        } else {
            padded[..key.len()].copy_from_slice(key);
        }
        let mut inner = H0;
        let mut outer = H0;
        let mut pad = [0u8; BLOCK];
        for (p, k) in pad.iter_mut().zip(&padded) {
            *p = k ^ 0x36;
        }
        compress256(&mut inner, slice::from_ref(&pad));
        for (p, k) in pad.iter_mut().zip(&padded) {
            *p = k ^ 0x5c;
        }
        compress256(&mut outer, slice::from_ref(&pad));
        padded.zeroize();
        pad.zeroize();
        Self(Backend::Blocks { inner, outer })
    }

    /// The tag of `message`.
    pub(crate) fn sign(&self, message: &Message<'_>) -> [u8; 32] {
        match &self.0 {
            Backend::Blocks { inner, outer } => {
                let mut state = *inner;
                match &message.layout {
                    Some(layout) => layout.hash(&mut state),
                    None => {
                        let mut hash = Blocks::new(state);
                        for part in message.head {
                            hash.update(part);
                        }
                        hash.update(message.body);
                        state = hash.finish();
                    }
                }
                let mut last = [0u8; BLOCK];
                digest_bytes(&state, &mut last[..32]);
                last[32..].copy_from_slice(&OUTER_PADDING);
                let mut state = *outer;
                compress256(&mut state, slice::from_ref(&last));
                let mut out = [0u8; 32];
                digest_bytes(&state, &mut out);
                out
            }
            Backend::Ring(key) => {
                let mut ctx = hmac::Context::with_key(key);
                for part in message.head {
                    ctx.update(part);
                }
                ctx.update(message.body);
                let mut out = [0u8; 32];
                out.copy_from_slice(ctx.sign().as_ref());
                out
            }
        }
    }
}

/// A message to sign: a few short parts (`head`, the Standard scheme's
/// `{id}.{timestamp}.`) and then the body, hashed where it lies.
///
/// Its first and last blocks are assembled when it is made, once for every
/// key: a block loaded right after several small stores to it waits for
/// them to settle, about 15 to 25 ns a block on the bench machine, so the
/// verifier makes the message before its other checks.
pub(crate) struct Message<'a> {
    head: &'a [&'a [u8]],
    body: &'a [u8],
    /// `None` when the head fills a block or more (a long id): streamed.
    layout: Option<Layout<'a>>,
}

impl<'a> Message<'a> {
    #[inline]
    pub(crate) fn new(head: &'a [&'a [u8]], body: &'a [u8]) -> Self {
        let head_len: usize = head.iter().map(|part| part.len()).sum();
        let layout = (head_len < BLOCK).then(|| Layout::new(head, head_len, body));
        Self { head, body, layout }
    }
}

/// The inner hash's blocks after the key's: the first (the head and the
/// body's start), the body's whole blocks in place, and the last one or two
/// (the body's end and the padding). The assembled blocks lie side by side,
/// so a message without whole blocks in between takes one call of the block
/// function (each call loads and stores the state).
struct Layout<'a> {
    /// The first block, if the message fills one, then the last ones.
    assembled: [[u8; BLOCK]; 3],
    /// 1 when `assembled` starts with a first block, else 0.
    first: usize,
    middle: &'a [[u8; BLOCK]],
    last: usize,
}

impl<'a> Layout<'a> {
    #[inline]
    fn new(head: &[&[u8]], head_len: usize, body: &'a [u8]) -> Self {
        let total = head_len + body.len();
        let mut assembled = [[0u8; BLOCK]; 3];
        // The head and the body's start make the first block; a message
        // without a head starts with its body's whole blocks, in place.
        let (first, rest, head_in_tail) = if head_len == 0 {
            (0, body, 0)
        } else if total >= BLOCK {
            let (start, rest) = body.split_at(BLOCK - head_len);
            let [block, ..] = &mut assembled;
            write_parts(block, head);
            block[head_len..].copy_from_slice(start);
            (1, rest, 0)
        } else {
            write_parts(assembled.as_flattened_mut(), head);
            (0, body, head_len)
        };
        let (middle, end) = rest.as_chunks::<BLOCK>();
        let tail_len = head_in_tail + end.len();
        assembled[first..].as_flattened_mut()[head_in_tail..tail_len].copy_from_slice(end);
        let last = pad(&mut assembled[first..], tail_len, total);
        Self {
            assembled,
            first,
            middle,
            last,
        }
    }

    fn hash(&self, state: &mut [u32; 8]) {
        let (first, last) = self.assembled.split_at(self.first);
        if self.middle.is_empty() {
            compress256(state, &self.assembled[..self.first + self.last]);
        } else {
            compress256(state, first);
            compress256(state, self.middle);
            compress256(state, &last[..self.last]);
        }
    }
}

/// Writes `parts` one after the other from the start of `out`.
fn write_parts(out: &mut [u8], parts: &[&[u8]]) {
    let mut at = 0;
    for part in parts {
        // A separator is one store, not a call to copy one byte.
        if let [byte] = part {
            out[at] = *byte;
        } else {
            out[at..at + part.len()].copy_from_slice(part);
        }
        at += part.len();
    }
}

/// SHA-256's padding after `tail_len` bytes of a message of `message_len`
/// bytes (the key's block not counted), in `blocks` (at least two, zeroed,
/// the tail at their start): how many of them it uses (one or two).
fn pad(blocks: &mut [[u8; BLOCK]], tail_len: usize, message_len: usize) -> usize {
    let used = (tail_len + 1 + 8).div_ceil(BLOCK);
    let flat = blocks.as_flattened_mut();
    flat[tail_len] = 0x80;
    let bits = ((BLOCK + message_len) as u64) * 8;
    flat[used * BLOCK - 8..used * BLOCK].copy_from_slice(&bits.to_be_bytes());
    used
}

impl Drop for HmacKey {
    fn drop(&mut self) {
        if let Backend::Blocks { inner, outer } = &mut self.0 {
            inner.zeroize();
            outer.zeroize();
        }
    }
}

/// SHA-256 continued from a keyed state, over a message that follows one
/// block of key, fed part by part (a message whose head fills a block).
struct Blocks {
    state: [u32; 8],
    pending: [u8; BLOCK],
    filled: usize,
    /// Message bytes so far.
    length: usize,
}

impl Blocks {
    fn new(state: [u32; 8]) -> Self {
        Self {
            state,
            pending: [0; BLOCK],
            filled: 0,
            length: 0,
        }
    }

    fn update(&mut self, data: &[u8]) {
        self.length += data.len();
        let room = BLOCK - self.filled;
        if data.len() < room {
            self.pending[self.filled..self.filled + data.len()].copy_from_slice(data);
            self.filled += data.len();
            return;
        }
        let (head, data) = data.split_at(room);
        self.pending[self.filled..].copy_from_slice(head);
        compress256(&mut self.state, slice::from_ref(&self.pending));
        let (blocks, rest) = data.as_chunks::<BLOCK>();
        compress256(&mut self.state, blocks);
        self.pending[..rest.len()].copy_from_slice(rest);
        self.filled = rest.len();
    }

    /// Pads, and returns the state after the last block.
    fn finish(self) -> [u32; 8] {
        let Self {
            mut state,
            pending,
            filled,
            length,
        } = self;
        let mut last = [[0u8; BLOCK]; 2];
        last[0][..filled].copy_from_slice(&pending[..filled]);
        let used = pad(&mut last, filled, length);
        compress256(&mut state, &last[..used]);
        state
    }
}

fn digest_bytes(state: &[u32; 8], out: &mut [u8]) {
    for (bytes, word) in out.chunks_exact_mut(4).zip(state) {
        bytes.copy_from_slice(&word.to_be_bytes());
    }
}

/// Whether `sha2`'s block function runs on SHA-256 instructions here: the
/// features `sha2` itself detects, read through the standard library's
/// (safe, cached) detection. Were the two ever to disagree, only the speed
/// would change: `sha2` falls back to portable code with the same results.
fn sha_instructions() -> bool {
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    {
        std::arch::is_x86_feature_detected!("sha") && std::arch::is_x86_feature_detected!("sse4.1")
    }
    #[cfg(target_arch = "aarch64")]
    {
        std::arch::is_aarch64_feature_detected!("sha2")
    }
    #[cfg(not(any(target_arch = "x86", target_arch = "x86_64", target_arch = "aarch64")))]
    {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring_tag(key: &[u8], message: &[u8]) -> [u8; 32] {
        let tag = hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), message);
        tag.as_ref().try_into().unwrap()
    }

    fn bytes(len: usize, seed: u8) -> Vec<u8> {
        (0..len)
            .map(|i| (i as u8).wrapping_mul(31) ^ seed)
            .collect()
    }

    #[test]
    fn both_backends_agree_with_ring_at_every_block_boundary() {
        for key_len in [0, 1, 16, 32, 63, 64, 65, 100, 200] {
            let key = bytes(key_len, 0x5a);
            let blocks = HmacKey::blocks(&key);
            let ring = HmacKey(Backend::Ring(hmac::Key::new(hmac::HMAC_SHA256, &key)));
            for len in (0..300).chain([1000, 4096, 4097, 16_384 + 43]) {
                let message = bytes(len, 0xc3);
                let expected = ring_tag(&key, &message);
                let whole = Message::new(&[], &message);
                assert_eq!(
                    blocks.sign(&whole),
                    expected,
                    "key {key_len}, message {len}"
                );
                assert_eq!(ring.sign(&whole), expected, "key {key_len}, message {len}");
                // A head in uneven parts in front of the body, as the
                // Standard scheme signs `{id}.{timestamp}.{body}`: heads
                // that fit one block and heads that do not.
                for cut in [1, 7, 55, 63, 64, 65, 130] {
                    let cut = cut.min(len);
                    let (head, body) = message.split_at(cut);
                    let (a, b) = head.split_at(cut / 2);
                    let head = [a, b, b""];
                    let parts = Message::new(&head, body);
                    assert_eq!(blocks.sign(&parts), expected, "cut {cut}");
                    assert_eq!(ring.sign(&parts), expected, "cut {cut}");
                }
            }
        }
    }

    #[test]
    fn rfc_4231_known_answers() {
        // Test cases 1, 2 and 6 (a key longer than a block).
        let cases: [(&[u8], &[u8], &str); 3] = [
            (
                &[0x0b; 20],
                b"Hi There",
                "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
            ),
            (
                b"Jefe",
                b"what do ya want for nothing?",
                "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
            ),
            (
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First",
                "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
            ),
        ];
        for (key, message, expected) in cases {
            let message = Message::new(&[], message);
            assert_eq!(hex::encode(HmacKey::blocks(key).sign(&message)), expected);
            assert_eq!(hex::encode(HmacKey::new(key).sign(&message)), expected);
        }
    }
}
