import type { BinaryNode } from '@whiskeysockets/baileys';
import type { LinkedDevice } from '../accounts/linked-device.ts';
import type { SimCore } from '../sim-core.ts';
import { mergePreKeyUpload, parsePreKeyUpload, parseSignedPreKeyRotate } from '../signal/device-bundle.ts';
import type { StanzaContext, StanzaRouter } from '../stream/stanza-router.ts';
import { iqError, iqResult } from '../stream/stanza-router.ts';

const bigEndian = (value: number, length: number): Buffer => {
  const out = Buffer.alloc(length);
  out.writeUIntBE(value, 0, length);
  return out;
};

function loginDevice(ctx: StanzaContext<SimCore>): LinkedDevice {
  const device = ctx.stream.device;
  if (!device) throw new Error('pre-key iq on a stream without a linked device');
  return device;
}

/** `<digest>` of what the server holds for the device; Baileys only checks that the child exists. */
function digestNode(device: LinkedDevice): BinaryNode {
  const { signal } = device;
  const ids = [...signal.oneTimePreKeys.keys()].sort((a, b) => a - b);
  return {
    tag: 'digest',
    attrs: {},
    content: [
      { tag: 'type', attrs: {}, content: Buffer.from([5]) },
      { tag: 'registration', attrs: {}, content: bigEndian(signal.registrationId, 4) },
      { tag: 'identity', attrs: {}, content: signal.identityKey },
      { tag: 'skey', attrs: {}, content: [{ tag: 'id', attrs: {}, content: bigEndian(signal.signedPreKey.id, 3) }] },
      {
        tag: 'list',
        attrs: {},
        content: ids.map((id): BinaryNode => ({ tag: 'id', attrs: {}, content: bigEndian(id, 3) })),
      },
      { tag: 'hash', attrs: {}, content: Buffer.alloc(20) },
    ],
  };
}

/**
 * Pre-key management under `xmlns="encrypt"`: count, upload, digest, signed pre-key rotation.
 * Uploads land in `device.signal` (see LinkedDevice); key fetches (`<key>`) belong to messaging.
 */
export function registerPreKeyIqs(router: StanzaRouter<SimCore>): void {
  router.iq({ xmlns: 'encrypt', type: 'get', child: 'count' }, (ctx) => {
    const count = loginDevice(ctx).signal.oneTimePreKeys.size;
    return iqResult(ctx.node, [{ tag: 'count', attrs: { value: String(count) } }]);
  });
  router.iq({ xmlns: 'encrypt', type: 'set', child: 'registration' }, (ctx) => {
    const device = loginDevice(ctx);
    let upload;
    try {
      upload = parsePreKeyUpload(ctx.node);
    } catch (err) {
      return iqError(ctx.node, 400, err instanceof Error ? err.message : 'bad-request');
    }
    device.signal = mergePreKeyUpload(device.signal, upload);
    return iqResult(ctx.node);
  });
  router.iq({ xmlns: 'encrypt', type: 'get', child: 'digest' }, (ctx) => {
    const device = loginDevice(ctx);
    ctx.stream.send(iqResult(ctx.node, [digestNode(device)]));
    // The digest is the last query before `open`: pre-keys are up, so the phone can now encrypt to us.
    if (ctx.stream.historySyncPending) {
      ctx.stream.historySyncPending = false;
      device.initialSyncDue = true;
      ctx.sim.events.emit('initial-sync-due', device, ctx.stream);
    }
  });
  router.iq({ xmlns: 'encrypt', type: 'set', child: 'rotate' }, (ctx) => {
    loginDevice(ctx).signal.signedPreKey = parseSignedPreKeyRotate(ctx.node);
    return iqResult(ctx.node);
  });
}
