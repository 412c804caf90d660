import { promisify } from 'node:util';
import { deflate } from 'node:zlib';
import { proto } from '@whiskeysockets/baileys';
import { claimPreKeyBundle } from '../signal/device-bundle.ts';
import { padMessage } from '../signal/message-codec.ts';
import { buildDeviceMessage } from '../signal/message-stanzas.ts';
import { deviceKey, type HubContext, lidJid, newMessageId, pnJid } from './hub-context.ts';

const deflateAsync = promisify(deflate);

/**
 * `protocolMessage{HISTORY_SYNC_NOTIFICATION}` with an empty INITIAL_BOOTSTRAP history inline, so
 * Baileys needs no media download and stops holding events for its 20 s initial-sync window.
 */
export async function initialHistorySync(): Promise<proto.IMessage> {
  const syncType = proto.HistorySync.HistorySyncType.INITIAL_BOOTSTRAP;
  const history = proto.HistorySync.encode({ syncType, conversations: [], pushnames: [] }).finish();
  return {
    protocolMessage: {
      type: proto.Message.ProtocolMessage.Type.HISTORY_SYNC_NOTIFICATION,
      historySyncNotification: {
        syncType: proto.Message.HistorySyncType.INITIAL_BOOTSTRAP,
        progress: 100,
        chunkOrder: 0,
        initialHistBootstrapInlinePayload: await deflateAsync(history),
      },
    },
  };
}

/** The phone sends the initial history-sync peer message to its newly linked device. */
export async function sendHistorySync(ctx: HubContext, phoneNumber: string, deviceId: number): Promise<void> {
  const account = ctx.port.accountByPhone(phoneNumber);
  if (!account) throw new Error(`no phone ${phoneNumber}`);
  const plaintext = padMessage(proto.Message.encode(await initialHistorySync()).finish());
  const enc = await ctx.primary(account).encrypt(lidJid(account, deviceId), plaintext, () => {
    const bundle = ctx.preKeys.bundle(deviceKey(phoneNumber, deviceId));
    return bundle ? claimPreKeyBundle(bundle) : undefined;
  });
  const node = buildDeviceMessage({ id: newMessageId(), from: pnJid(account), enc, category: 'peer' });
  ctx.deliverOrQueue(account, deviceId, node);
}
