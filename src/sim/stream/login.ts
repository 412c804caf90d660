import type { BinaryNode } from '@whiskeysockets/baileys';
import type { AccountStore } from '../accounts/account-store.ts';
import type { LinkedDevice } from '../accounts/linked-device.ts';
import type { SimEvents } from '../sim-events.ts';
import type { NoiseResult } from '../transport/noise-server.ts';
import type { WaConnection } from '../transport/wa-connection.ts';
import { ClientStream } from './client-stream.ts';

/** Returns the stanzas queued for a device while it was offline; login sends them with `offline="1"`. */
export type OfflineSource = (device: LinkedDevice) => BinaryNode[];

/** What a login needs from the server core (SimCore is one); named here so the core and its login import one way. */
export interface LoginHost {
  readonly accounts: Pick<AccountStore, 'findDeviceByNoiseKey'>;
  readonly events: SimEvents;
  readonly offlineSources: readonly OfflineSource[];
  /** A login failure armed for this device (a fault), taken once. */
  takeLoginFailure(device: LinkedDevice): number | undefined;
  /** Makes the stream the device's live one; returns the stream it replaced. */
  setLive(stream: ClientStream, device: LinkedDevice): ClientStream | undefined;
}

const LOGIN_REFUSED = 401;

function authenticate(sim: LoginHost, result: NoiseResult): LinkedDevice | undefined {
  const device = sim.accounts.findDeviceByNoiseKey(result.clientStatic);
  if (!device || device.status !== 'linked') return undefined;
  const { username, device: deviceId } = result.clientPayload;
  // The payload names the account; it must agree with the device the Noise key belongs to.
  if (username === null || username === undefined || String(username) !== device.phoneNumber) return undefined;
  return (deviceId ?? 0) === device.deviceId ? device : undefined;
}

function successNode(device: LinkedDevice): BinaryNode {
  const now = Math.floor(Date.now() / 1000);
  return {
    tag: 'success',
    attrs: {
      t: String(now),
      props: '1',
      abprops: '1',
      location: 'sim',
      creation: String(Math.floor(device.linkedAt.getTime() / 1000)),
      lid: device.lidJid,
    },
  };
}

/**
 * A login: authenticate by the Noise static key learned at pairing, replace an older stream of the
 * same device (440 to it), send `<success>`, the offline queue and `<ib><offline count>`.
 */
export function handleLogin(sim: LoginHost, connection: WaConnection, result: NoiseResult): ClientStream | undefined {
  const device = authenticate(sim, result);
  if (!device) {
    connection.failure(LOGIN_REFUSED);
    return undefined;
  }
  const armed = sim.takeLoginFailure(device);
  if (armed !== undefined) {
    connection.failure(armed);
    return undefined;
  }
  const stream = new ClientStream(connection, { kind: 'login', device });
  const replaced = sim.setLive(stream, device);
  replaced?.connection.streamError({}, [{ tag: 'conflict', attrs: { type: 'replaced' } }]);
  device.loginCount++;
  // A first login that dropped before its pre-keys were up gets the history sync on the next one.
  stream.historySyncPending = !device.initialSyncDue;
  stream.send(successNode(device));
  const offline = sim.offlineSources.flatMap((source) => source(device));
  for (const node of offline) stream.send({ ...node, attrs: { ...node.attrs, offline: '1' } });
  stream.send({
    tag: 'ib',
    attrs: { from: 's.whatsapp.net' },
    content: [{ tag: 'offline', attrs: { count: String(offline.length) } }],
  });
  sim.events.emit('device-login', device);
  return stream;
}
