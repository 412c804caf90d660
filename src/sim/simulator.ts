import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { DeviceView } from './accounts/linked-device.ts';
import type { PhoneAccountOptions } from './accounts/phone-account.ts';
import { ControlRouter } from './control/control-router.ts';
import { registerCoreRoutes } from './control/core-routes.ts';
import { type Fault, injectFault } from './faults.ts';
import { registerPreKeyIqs } from './iq/prekey-iqs.ts';
import { registerSessionIqs } from './iq/session-iqs.ts';
import { type MediaHost, startMediaHost } from './media/media-host.ts';
import { attachMediaHost } from './media/sim-media.ts';
import { SimCore } from './sim-core.ts';
import { SimError } from './sim-error.ts';
import { waitForEvent } from './sim-events.ts';
import { attachPhoneFeatures, type PhoneFeatures } from './phone-features.ts';
import { createSimPhone, type SimPhone } from './sim-phone.ts';
import { createServerKeys } from './transport/root-key.ts';

/** Options of startSimulator. */
export interface SimulatorOptions {
  /** TCP port on 127.0.0.1; 0 picks a free one. */
  readonly port?: number;
  /** Seed of the root key pair (and the server's Noise keys): same seed, same WA_ROOT_PUBLIC_KEY. */
  readonly rootSeed?: string;
  /** Port of the HTTPS media host on 127.0.0.1; 0 (the default) picks a free one. */
  readonly mediaPort?: number;
  readonly logger?: Logger;
}

/** A running simulator. */
export interface Simulator {
  readonly port: number;
  /** `ws://127.0.0.1:PORT/ws/chat` (Baileys' `waWebSocketUrl`). */
  readonly wsUrl: string;
  /** `http://127.0.0.1:PORT/sim` */
  readonly controlUrl: string;
  /** 32-byte root public key (for `WA_CERT_DETAILS.PUBLIC_KEY`) and its 64-char hex form. */
  readonly rootPublicKey: Buffer;
  readonly rootPublicKeyHex: string;
  /** The server core: accounts, stanza router, events (extension point for messaging). */
  readonly core: SimCore;
  /** The control API; further features register routes on it. */
  readonly control: ControlRouter;
  /**
   * The HTTPS media host (WhatsApp's mmg stand-in) that media_conn announces. A client trusts it by
   * trusting `media.caPem`, a self-signed certificate derived from the seed (docs/simulator.md).
   */
  readonly media: MediaHost;
  /** Pairing codes and 1:1 messaging (the phones' methods use it; the hub is here for advanced tests). */
  readonly features: PhoneFeatures;
  createPhone(options: PhoneAccountOptions): SimPhone;
  /** The phone of a number; throws a not-found SimError. */
  phone(phoneNumber: string): SimPhone;
  phones(): SimPhone[];
  /** Devices of a phone (linked and removed). */
  devices(phoneNumber: string): DeviceView[];
  /** The phone unlinks a device by its JID (PN or LID form). */
  unlink(deviceJid: string): DeviceView;
  injectFault(fault: Fault): void;
  /** Resolves with the device JID once a device of that phone is linked (after a scan). */
  waitForLink(phoneNumber: string, timeoutMs?: number): Promise<string>;
  /** Resolves once the device (PN or LID JID) logged in. */
  waitForLogin(deviceJid: string, timeoutMs?: number): Promise<void>;
  /** Resolves once the device has no live stream (at once if it has none). */
  waitForOffline(deviceJid: string, timeoutMs?: number): Promise<void>;
  /** Resolves once the device was removed (unlink or logout). */
  waitForRemoval(deviceJid: string, timeoutMs?: number): Promise<'unlink' | 'logout'>;
  /** Drops every connection and closes the server. */
  stop(): Promise<void>;
}

const DEFAULT_WAIT_MS = 10_000;

/** Starts the simulator: one HTTP server with the WebSocket at `/ws/chat` and the control API at `/sim`. */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const seed = options.rootSeed ?? 'wagate-simulator';
  const keys = createServerKeys(seed);
  const core = new SimCore({ keys, logger });
  registerSessionIqs(core.router);
  registerPreKeyIqs(core.router);
  const control = new ControlRouter('/sim', logger);
  const media = await startMediaHost({ seed, logger, port: options.mediaPort ?? 0 });
  const features = attachPhoneFeatures(core, control, { media: attachMediaHost(core, control, media) });
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const server: Server = createServer((req, res) => {
    if (control.owns(new URL(req.url ?? '/', 'http://localhost').pathname)) void control.handle(req, res);
    else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: false, message: 'not found' }));
    }
  });
  // Baileys hangs forever on any upgrade answer but 101, so anything else is a dropped socket.
  server.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/ws/chat') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => core.accept(ws));
  });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
  } catch (err) {
    await media.stop();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  // SimPhone is a stateless view, so any account in the store (however it was created) has one.
  const phone = (phoneNumber: string): SimPhone => createSimPhone(core, core.accounts.getPhone(phoneNumber), features);
  const sameDevice = (jid: string) => (device: { jid: string; lidJid: string }) =>
    core.accounts.findDevice(jid)?.jid === device.jid;

  const sim: Simulator = {
    port,
    wsUrl: `ws://127.0.0.1:${port}/ws/chat`,
    controlUrl: `http://127.0.0.1:${port}/sim`,
    rootPublicKey: keys.root.public,
    rootPublicKeyHex: keys.root.public.toString('hex'),
    core,
    control,
    media,
    features,
    createPhone: (phoneOptions) => createSimPhone(core, core.accounts.createPhone(phoneOptions), features),
    phone,
    phones: () => core.accounts.phones().map((account) => createSimPhone(core, account, features)),
    devices: (phoneNumber) => phone(phoneNumber).devices(),
    unlink(deviceJid) {
      const device = core.accounts.findDevice(deviceJid);
      if (!device) throw new SimError('not-found', `unknown device ${deviceJid}`);
      return phone(device.phoneNumber).unlink(device.deviceId);
    },
    injectFault: (fault) => injectFault(core, fault),
    async waitForLink(phoneNumber, timeoutMs = DEFAULT_WAIT_MS) {
      const [device] = await waitForEvent(
        core.events,
        'device-linked',
        (d) => d.phoneNumber === phoneNumber,
        timeoutMs,
      );
      return device.jid;
    },
    async waitForLogin(deviceJid, timeoutMs = DEFAULT_WAIT_MS) {
      await waitForEvent(core.events, 'device-login', sameDevice(deviceJid), timeoutMs);
    },
    async waitForOffline(deviceJid, timeoutMs = DEFAULT_WAIT_MS) {
      if (!core.liveStream(deviceJid)) return;
      await waitForEvent(core.events, 'device-offline', sameDevice(deviceJid), timeoutMs);
    },
    async waitForRemoval(deviceJid, timeoutMs = DEFAULT_WAIT_MS) {
      const [, reason] = await waitForEvent(core.events, 'device-removed', sameDevice(deviceJid), timeoutMs);
      return reason;
    },
    async stop() {
      core.closeAll();
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await media.stop();
    },
  };
  registerCoreRoutes(control, sim);
  return sim;
}
