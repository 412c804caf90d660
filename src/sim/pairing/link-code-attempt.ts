import type { BinaryNode } from '@whiskeysockets/baileys';
import {
  deriveAdvSecret,
  LinkCodeError,
  normaliseLinkCode,
  openKeyBundle,
  unwrapEphemeralPub,
  wrapEphemeralPub,
} from './link-code-crypto.ts';
import { buildPrimaryHello, type CompanionFinish, type CompanionHello } from './link-code-nodes.ts';
import { generateX25519KeyPair, type RawKeyPair, x25519 } from './x25519.ts';

/** Everything the phone needs to send `pair-success` once the code exchange succeeded. */
export interface LinkCodeLink {
  /** HMAC key for `pair-success`, equal to the companion's `creds.advSecretKey`. */
  readonly advSecret: Buffer;
  readonly companionIdentityPub: Buffer;
  readonly companionNoisePub: Buffer;
  readonly platformId: string;
  readonly platformDisplay: string;
}

/** The phone's half of one pairing-code exchange, after the user typed a code. */
export interface LinkCodeAttempt {
  /** The notification to push to the companion's stream. */
  readonly primaryHello: BinaryNode;
  /** Checks `companion_finish`; throws LinkCodeError (`wrong-code` for a mistyped code). */
  finish(finish: CompanionFinish): LinkCodeLink;
}

/** Options of startLinkCodeAttempt. */
export interface LinkCodeAttemptOptions {
  readonly hello: CompanionHello;
  /** The code as the user typed it. */
  readonly code: string;
  /** The phone's identity (account) key pair; its public half becomes `primary_identity_pub`. */
  readonly primaryIdentity: RawKeyPair;
  /** The pairing ref handed out in the companion_hello answer. */
  readonly ref: Uint8Array;
  /** Stanza id of the primary_hello notification. */
  readonly notificationId: string;
}

function agree(priv: Uint8Array, pub: Uint8Array): Buffer {
  try {
    return x25519(priv, pub);
  } catch {
    // A wrong code unwraps to random bytes, which can (rarely) be a low-order point.
    throw new LinkCodeError('wrong-code', 'the pairing code is wrong');
  }
}

/** Phone side: the user typed `code`; wrap a fresh ephemeral key and prepare to check the finish. */
export async function startLinkCodeAttempt(options: LinkCodeAttemptOptions): Promise<LinkCodeAttempt> {
  const code = normaliseLinkCode(options.code);
  const { hello, primaryIdentity } = options;
  const ref = Buffer.from(options.ref);
  const ephemeral = generateX25519KeyPair();
  const [companionEphemeralPub, wrappedPrimaryEphemeralPub] = await Promise.all([
    unwrapEphemeralPub(hello.wrappedCompanionEphemeralPub, code),
    wrapEphemeralPub(ephemeral.public, code),
  ]);
  const primaryHello = buildPrimaryHello({
    id: options.notificationId,
    ref,
    primaryIdentityPub: primaryIdentity.public,
    wrappedPrimaryEphemeralPub,
  });

  const finish = (message: CompanionFinish): LinkCodeLink => {
    if (!ref.equals(message.ref)) throw new LinkCodeError('malformed-node', 'companion_finish names another ref');
    const shared = agree(ephemeral.private, companionEphemeralPub);
    const bundle = openKeyBundle(message.wrappedKeyBundle, shared);
    if (!bundle.companionIdentityPub.equals(message.companionIdentityPub)) {
      throw new LinkCodeError('identity-mismatch', 'bundle and companion_identity_public disagree');
    }
    if (!bundle.primaryIdentityPub.equals(primaryIdentity.public)) {
      throw new LinkCodeError('identity-mismatch', 'bundle names another primary identity');
    }
    const identityShared = agree(primaryIdentity.private, bundle.companionIdentityPub);
    return {
      advSecret: deriveAdvSecret(shared, identityShared, bundle.random),
      companionIdentityPub: bundle.companionIdentityPub,
      companionNoisePub: hello.companionNoisePub,
      platformId: hello.platformId,
      platformDisplay: hello.platformDisplay,
    };
  };
  return { primaryHello, finish };
}
