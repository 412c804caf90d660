import { jidEncode } from '@whiskeysockets/baileys';
import type { LinkedDevice } from '../accounts/linked-device.ts';
import { linkDevice, type PhoneAccount } from '../accounts/phone-account.ts';
import type { SimCore } from '../sim-core.ts';
import { SimError } from '../sim-error.ts';
import type { ClientStream } from '../stream/client-stream.ts';
import { buildPairSuccess, verifyPairDeviceSign } from './pair-success.ts';

/** How long the phone waits for the companion's `pair-device-sign`. */
const SIGN_TIMEOUT_MS = 10_000;

/** What the phone knows about the companion it is linking, from a QR or a pairing-code exchange. */
export interface CompanionToLink {
  readonly identityPub: Buffer;
  readonly advSecret: Buffer;
  readonly platformId: string;
}

/**
 * The phone links the companion behind a registration stream: `pair-success` (HMAC'd with the
 * adv secret, account-signed), a real XEdDSA check of the `pair-device-sign` answer, then 515.
 * Shared by QR scanning and the pairing-code flow.
 */
export async function linkCompanion(
  sim: SimCore,
  phone: PhoneAccount,
  stream: ClientStream,
  companion: CompanionToLink,
): Promise<LinkedDevice> {
  if (stream.identity.kind !== 'registration')
    throw new SimError('conflict', 'that stream is not waiting to be linked');
  if (stream.linking) throw new SimError('conflict', 'this companion is already being linked');
  const { registration } = stream.identity;
  if (!registration.signal.identityKey.equals(companion.identityPub)) {
    throw new SimError('bad-input', 'the identity key does not belong to the companion behind this ref');
  }
  stream.linking = true;
  const keyIndex = phone.nextKeyIndex++;
  const id = sim.nextId();
  const deviceId = phone.nextDeviceId;
  const { node, details } = buildPairSuccess({
    id,
    keyIndex,
    accountKey: phone.accountKey,
    companionIdentityPub: companion.identityPub,
    advSecret: companion.advSecret,
    deviceJid: jidEncode(phone.phoneNumber, 's.whatsapp.net', deviceId),
    deviceLid: jidEncode(phone.lid, 'lid', deviceId),
    platform: phone.platform,
    pushName: phone.name,
  });
  const reply = stream.awaitReply(id, SIGN_TIMEOUT_MS);
  stream.send(node);
  let answer;
  try {
    answer = await reply;
  } catch (err) {
    throw new SimError(
      'conflict',
      `the companion did not sign the pairing: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const verified = verifyPairDeviceSign(answer, {
    details,
    companionIdentityPub: companion.identityPub,
    accountPub: phone.accountKey.public,
  });
  if (!verified) {
    stream.connection.streamError({ code: '401' });
    throw new SimError('conflict', 'the companion device signature does not verify');
  }
  const device = linkDevice(
    phone,
    { noiseKey: registration.noiseKey, signal: registration.signal, platformId: companion.platformId },
    keyIndex,
  );
  sim.accounts.indexDevice(device);
  sim.events.emit('device-linked', device);
  stream.connection.streamError({ code: '515' });
  return device;
}
