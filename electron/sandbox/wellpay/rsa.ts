/**
 * The emulator's side of WellPay's request encryption, written independently of the adapter's client so that a bug in
 * one cannot hide in the other: the key is published as base64(ROT13(PEM)), requests arrive RSA-encrypted with
 * PKCS#1 v1.5 padding.
 *
 * Node refuses PKCS#1 v1.5 in `privateDecrypt` by default (the CVE-2023-46809 hardening against Bleichenbacher's
 * attack), so the emulator decrypts with RSA_NO_PADDING and checks the `00 02 PS 00 M` block itself, without early
 * exits that would depend on where the padding breaks, and with one failure for every kind of bad input.
 */
import { constants, privateDecrypt, type KeyObject } from 'node:crypto';

/** ROT13 of the ASCII letters; everything else unchanged. Its own inverse. */
export function rot13(text: string): string {
  return text.replace(/[A-Za-z]/g, (c) => {
    const base = c <= 'Z' ? 65 : 97;
    return String.fromCharCode(((c.charCodeAt(0) - base + 13) % 26) + base);
  });
}

/** What `getLatestPublicRemoteRsaKey.php` publishes for a PEM. */
export function publishKey(pem: string): string {
  return Buffer.from(rot13(pem), 'utf8').toString('base64');
}

/** Removes EME-PKCS1-v1_5 padding from a decrypted block (RFC 8017 §7.2.2). `null` when it is not well formed. */
export function unpadPkcs1v15(block: Buffer, k: number): Buffer | null {
  // Scan the whole block every time: the work does not depend on where (or whether) the separator is.
  let bad = (block.length ^ k) | block[0]! | (block[1]! ^ 0x02);
  let separator = 0;
  let found = 0;
  for (let i = 2; i < block.length; i++) {
    const isZero = ((block[i]! | -block[i]!) >>> 31) ^ 1; // 1 when the byte is zero
    const first = isZero & (found ^ 1);
    separator = first ? i : separator;
    found |= isZero;
  }
  bad |= found ^ 1;
  // At least 8 bytes of non-zero padding: the separator is at index 10 or later.
  bad |= separator < 10 ? 1 : 0;
  return bad === 0 ? block.subarray(separator + 1) : null;
}

/** Decrypts one RSA PKCS#1 v1.5 ciphertext; `null` for any failure (wrong length, wrong key, bad padding). */
export function decryptPkcs1v15(privateKey: KeyObject, ciphertext: Buffer, bits: number): Buffer | null {
  const k = Math.ceil(bits / 8);
  if (ciphertext.length !== k) return null;
  let block: Buffer;
  try {
    block = privateDecrypt({ key: privateKey, padding: constants.RSA_NO_PADDING }, ciphertext);
  } catch {
    return null;
  }
  return unpadPkcs1v15(block, k);
}
