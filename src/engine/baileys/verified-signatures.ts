import { Curve } from '@whiskeysockets/baileys';

/*
 * Every Noise handshake makes Baileys verify the server's certificate chain: two XEdDSA signatures,
 * checked in pure JavaScript (curve25519-js), about 6 ms each. The chain is the same for every
 * connection to the same server, so restoring 1,000 sessions spent ~12 s of CPU proving the same two
 * facts 1,000 times. Verification is a pure function of (key, message, signature); this remembers the
 * triples that verified and answers them again without the curve arithmetic. Failures are never
 * remembered, so a bad signature is always checked in full and gets whatever answer Baileys gives it.
 * (Baileys 7.0.0-rc14's Curve.verify itself drops libsignal's boolean and returns true for any
 * well-formed triple; this wrapper keeps its answers exactly, it neither adds nor removes checks.)
 */

/** Bounded: the live certificate chains plus companion-pairing signatures fit with room to spare. */
const MAX_REMEMBERED = 256;

type Verify = (pubKey: Uint8Array, message: Uint8Array, signature: Uint8Array) => boolean;

let installed = false;

/** A verify that remembers successful checks; `verify` does the real work on every miss. */
export function rememberingVerify(verify: Verify, max = MAX_REMEMBERED): Verify {
  const verified = new Set<string>();
  return (pubKey, message, signature) => {
    const key = `${Buffer.from(pubKey).toString('base64')}.${Buffer.from(signature).toString('base64')}.${Buffer.from(message).toString('base64')}`;
    if (verified.has(key)) return true;
    const ok = verify(pubKey, message, signature);
    if (ok) {
      if (verified.size >= max) verified.delete(verified.values().next().value as string);
      verified.add(key);
    }
    return ok;
  };
}

/** Wraps Baileys' `Curve.verify` (a property lookup at each call site) once per process. */
export function installRememberedSignatures(): void {
  if (installed) return;
  installed = true;
  Curve.verify = rememberingVerify(Curve.verify.bind(Curve));
}
