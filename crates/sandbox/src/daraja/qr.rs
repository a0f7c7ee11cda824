//! Dynamic QR: answers with a real PNG image (a QR-like pattern, not a scannable code).

use base64::Engine as _;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{invalid, request_id, Body, Result};
use crate::http::Response;

/// Largest image side produced, whatever `Size` asks (keeps answers small).
const MAX_SIDE: usize = 256;
/// Modules per side of the pattern.
const MODULES: usize = 25;

/// `POST /mpesa/qrcode/v1/generate`.
pub(super) fn generate(b: &Body) -> Result<Response> {
    let merchant = b.string_len("MerchantName", 1, 100)?;
    let ref_no = b.string_len("RefNo", 1, 100)?;
    let amount = b.amount("Amount", 1, 999_999_999, true)?;
    let trx = b.one_of("TrxCode", &["BG", "WA", "PB", "SM", "SB"])?;
    let cpi = b.string_len("CPI", 1, 100)?;
    let size = b.string_len("Size", 1, 4)?;
    let size: usize = match size.parse() {
        Ok(n) if (1..=9999).contains(&n) => n,
        _ => return Err(invalid("Size")),
    };
    let seed = Sha256::digest(format!("{merchant}|{ref_no}|{amount}|{trx}|{cpi}").as_bytes());
    let side = size.clamp(MODULES, MAX_SIDE.max(MODULES));
    let png = render(&seed, side);
    Ok(Response::json(
        200,
        &json!({
            "ResponseCode": "00",
            "RequestID": request_id(),
            "ResponseDescription": "QR Code Successfully Generated.",
            "QRCode": base64::engine::general_purpose::STANDARD.encode(png),
        }),
    ))
}

/// Whether module (x, y) is dark: three finder squares plus seeded noise.
fn dark(seed: &[u8], x: usize, y: usize) -> bool {
    let finder = |fx: usize, fy: usize| {
        if x < fx || y < fy || x >= fx + 7 || y >= fy + 7 {
            return None;
        }
        let (dx, dy) = (x - fx, y - fy);
        let ring = dx.min(dy).min(6 - dx).min(6 - dy);
        Some(ring != 1)
    };
    if let Some(v) = finder(0, 0)
        .or_else(|| finder(MODULES - 7, 0))
        .or_else(|| finder(0, MODULES - 7))
    {
        return v;
    }
    let bit = (y * MODULES + x) % (seed.len() * 8);
    let mix = seed[bit / 8] ^ seed[(x * 7 + y * 13) % seed.len()];
    (mix >> (bit % 8)) & 1 == 1
}

/// An 8-bit grayscale PNG of `side`×`side` pixels.
fn render(seed: &[u8], side: usize) -> Vec<u8> {
    let mut raw = Vec::with_capacity(side * (side + 1));
    for py in 0..side {
        raw.push(0); // filter: none
        for px in 0..side {
            let (mx, my) = (px * MODULES / side, py * MODULES / side);
            raw.push(if dark(seed, mx, my) { 0 } else { 255 });
        }
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::with_capacity(13);
    ihdr.extend_from_slice(&(side as u32).to_be_bytes());
    ihdr.extend_from_slice(&(side as u32).to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    chunk(&mut png, b"IDAT", &zlib_stored(&raw));
    chunk(&mut png, b"IEND", &[]);
    png
}

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    let start = out.len();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = crc32(&out[start..]);
    out.extend_from_slice(&crc.to_be_bytes());
}

/// A zlib stream of uncompressed deflate blocks.
fn zlib_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = data.chunks(65_535).collect();
    if blocks.is_empty() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for &byte in data {
        a = (a + u32::from(byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    out.extend_from_slice(&((b << 16) | a).to_be_bytes());
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc_matches_known_value() {
        assert_eq!(crc32(b"IEND"), 0xae42_6082);
        let png = render(&[7u8; 32], 50);
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&png[png.len() - 8..png.len() - 4], b"IEND");
    }
}
