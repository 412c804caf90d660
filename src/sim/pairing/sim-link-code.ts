import type { LinkedDevice } from '../accounts/linked-device.ts';
import type { PhoneAccount } from '../accounts/phone-account.ts';
import type { SimCore } from '../sim-core.ts';
import { SimError, type SimErrorKind } from '../sim-error.ts';
import type { ClientStream } from '../stream/client-stream.ts';
import { iqError } from '../stream/stanza-router.ts';
import { LinkCodeError, type LinkCodeFailure } from './link-code-crypto.ts';
import { createLinkCodeFlow, type LinkCodeFlow } from './link-code-flow.ts';
import { linkCodeStage } from './link-code-nodes.ts';
import { linkCompanion } from './qr-scan.ts';

const ERROR_KIND: Readonly<Record<LinkCodeFailure, SimErrorKind>> = {
  'malformed-code': 'bad-input',
  'malformed-node': 'bad-input',
  'wrong-code': 'bad-input',
  'identity-mismatch': 'bad-input',
  'no-request': 'not-found',
  busy: 'conflict',
  timeout: 'conflict',
};

/** Answers `link_code_companion_reg` iqs on registration streams; returns the flow for enterPairingCode. */
export function attachLinkCode(sim: SimCore): LinkCodeFlow<ClientStream> {
  const flow = createLinkCodeFlow<ClientStream>();
  sim.router.iq({ xmlns: 'md', type: 'set', child: 'link_code_companion_reg' }, (ctx) => {
    if (ctx.stream.identity.kind !== 'registration') return iqError(ctx.node, 400, 'bad-request');
    try {
      const stage = linkCodeStage(ctx.node);
      if (stage === 'companion_hello') return flow.onCompanionHello(ctx.stream, ctx.node);
      if (stage === 'companion_finish') return flow.onCompanionFinish(ctx.stream, ctx.node);
    } catch (err) {
      if (!(err instanceof LinkCodeError)) throw err;
      sim.logger.debug({ err }, 'sim refused a pairing-code stanza');
    }
    return iqError(ctx.node, 400, 'bad-request');
  });
  return flow;
}

/**
 * The phone types a pairing code: the primary_hello / companion_finish exchange runs, then the
 * companion is linked exactly as after a QR scan (pair-success with the derived adv secret → 515).
 * A wrong code links nothing and fails with a 400 SimError.
 */
export async function enterPairingCode(
  sim: SimCore,
  flow: LinkCodeFlow<ClientStream>,
  phone: PhoneAccount,
  code: unknown,
): Promise<LinkedDevice> {
  if (typeof code !== 'string') throw new SimError('bad-input', 'code must be a string');
  let exchange;
  try {
    exchange = await flow.enterCode({
      phoneNumber: phone.phoneNumber,
      code,
      primaryIdentity: phone.accountKey,
      notificationId: sim.nextId(),
    });
  } catch (err) {
    if (err instanceof LinkCodeError) {
      const message = err.reason === 'wrong-code' ? 'wrong pairing code' : err.message;
      throw new SimError(ERROR_KIND[err.reason], message);
    }
    throw err;
  }
  const { stream, link } = exchange;
  if (
    stream.identity.kind !== 'registration' ||
    !stream.identity.registration.noiseKey.equals(link.companionNoisePub)
  ) {
    throw new SimError('bad-input', 'the companion that asked for the code is not the one that finished it');
  }
  return linkCompanion(sim, phone, stream, {
    identityPub: link.companionIdentityPub,
    advSecret: link.advSecret,
    platformId: link.platformId,
  });
}
