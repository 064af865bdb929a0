/**
 * The emulator's RSA key pairs. Generating a 4096-bit pair takes about a second, so pairs are cached per process and
 * handed out by generation: every emulator in a process starts on generation 0 and a rotation moves it to the next
 * one (generated on first use, then reused by every later emulator of the same process).
 */
import { generateKeyPair, type KeyObject } from 'node:crypto';

export interface RsaKeyPair {
  /** 0, 1, 2, … — which rotation this pair belongs to. */
  generation: number;
  bits: number;
  publicKey: KeyObject;
  privateKey: KeyObject;
  /** PKCS#1 PEM, `-----BEGIN RSA PUBLIC KEY-----`. */
  publicPem: string;
}

const pool = new Map<string, Promise<RsaKeyPair>>();

function generate(bits: number, generation: number): Promise<RsaKeyPair> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: bits, publicExponent: 0x10001 }, (err, publicKey, privateKey) => {
      if (err) return reject(err);
      const publicPem = publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();
      resolve({ generation, bits, publicKey, privateKey, publicPem });
    });
  });
}

/** The pair of `generation` for `bits`-bit keys: generated once per process. */
export function keyPair(bits: number, generation: number): Promise<RsaKeyPair> {
  const id = `${bits}:${generation}`;
  let pending = pool.get(id);
  if (!pending) {
    pending = generate(bits, generation);
    pending.catch(() => pool.delete(id));
    pool.set(id, pending);
  }
  return pending;
}
