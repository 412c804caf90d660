import type { LinkedDevice } from '../accounts/linked-device.ts';
import type { PhoneAccount } from '../accounts/phone-account.ts';
import type { SimCore } from '../sim-core.ts';
import type { StanzaContext } from '../stream/stanza-router.ts';
import type { DeviceRef } from './device-messages.ts';
import type { HubAccount, MediaAccess, MessagingPort } from './hub-context.ts';
import { createMessagingHub, type MessagingHub } from './messaging-hub.ts';
import type { PreKeyRegistry } from './pre-key-registry.ts';

function hubAccount(phone: PhoneAccount | undefined): HubAccount | undefined {
  if (!phone) return undefined;
  const deviceIds = [...phone.devices.values()].filter((d) => d.status === 'linked').map((d) => d.deviceId);
  return {
    phoneNumber: phone.phoneNumber,
    lidUser: phone.lid,
    pushName: phone.name,
    identity: phone.accountKey,
    deviceIds,
  };
}

function linkedDevice(sim: SimCore, key: string): LinkedDevice | undefined {
  const at = key.lastIndexOf(':');
  const device = sim.accounts.findPhone(key.slice(0, at))?.devices.get(Number(key.slice(at + 1)));
  return device?.status === 'linked' ? device : undefined;
}

/**
 * Pre-keys live on the core's LinkedDevice (`device.signal`, filled by the pre-key iqs); messaging
 * only reads them and consumes one-time keys through the same object.
 */
function devicePreKeys(sim: SimCore): PreKeyRegistry {
  return {
    upload: () => {
      throw new Error('pre-key uploads are handled by the pre-key iqs');
    },
    rotate: () => false,
    count: (key) => linkedDevice(sim, key)?.signal.oneTimePreKeys.size ?? 0,
    bundle: (key) => linkedDevice(sim, key)?.signal,
    drop: () => undefined,
  };
}

function deviceRef(ctx: StanzaContext<SimCore>): DeviceRef {
  const device = ctx.stream.device;
  if (!device) throw new Error(`<${ctx.node.tag}> on a stream without a linked device`);
  return { phoneNumber: device.phoneNumber, deviceId: device.deviceId };
}

/** Plugs 1:1 messaging into the core: usync, key fetch, `<message>`, `<receipt>`, the offline queue. */
export function attachMessaging(sim: SimCore, media?: MediaAccess): MessagingHub {
  const port: MessagingPort = {
    accountByPhone: (phoneNumber) => hubAccount(sim.accounts.findPhone(phoneNumber)),
    accountByLid: (lidUser) => hubAccount(sim.accounts.findPhoneByJid(`${lidUser}@lid`)),
    deliver(phoneNumber, deviceId, node) {
      const stream = sim.liveStream(`${phoneNumber}:${deviceId}@s.whatsapp.net`);
      if (!stream) return false;
      stream.send(node);
      return true;
    },
  };
  const hub = createMessagingHub(port, { preKeys: devicePreKeys(sim), ...(media ? { media } : {}) });
  const answer = (ctx: StanzaContext<SimCore>) => hub.answerIq(deviceRef(ctx), ctx.node);
  sim.router
    .iq({ xmlns: 'usync', type: 'get' }, answer)
    .iq({ xmlns: 'encrypt', type: 'get', child: 'key' }, answer)
    .stanza('message', async (ctx) => {
      const { ack, issues } = await hub.routeMessage(deviceRef(ctx), ctx.node);
      if (issues.length > 0)
        sim.logger.warn({ id: ctx.node.attrs.id, issues }, 'sim could not route every copy of a message');
      return ack;
    })
    .stanza('receipt', (ctx) => {
      hub.routeReceipt(deviceRef(ctx), ctx.node);
    });
  sim.offlineSources.push((device) => hub.drainOffline({ phoneNumber: device.phoneNumber, deviceId: device.deviceId }));
  sim.events.on('device-removed', (device) =>
    hub.forgetDevice({ phoneNumber: device.phoneNumber, deviceId: device.deviceId }),
  );
  return hub;
}
