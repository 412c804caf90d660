import type { DeviceBundle } from '../signal/device-bundle.ts';

/** What the registration payload told the server about a companion (its Signal identity). */
export interface CompanionRegistration {
  /** The device's Noise static key: authenticates every later login. */
  readonly noiseKey: Buffer;
  /** Signal material from `devicePairingData`: registration id, identity, signed pre-key (no one-time keys yet). */
  readonly signal: DeviceBundle;
  /** CompanionWebClientType from the QR (1 = Chrome, …). */
  readonly platformId: string;
}

/** A companion device linked to a phone account. */
export interface LinkedDevice {
  readonly phoneNumber: string;
  readonly deviceId: number;
  /** `PHONE:DEV@s.whatsapp.net` */
  readonly jid: string;
  /** `LID:DEV@lid` */
  readonly lidJid: string;
  readonly keyIndex: number;
  readonly noiseKey: Buffer;
  readonly platformId: string;
  readonly linkedAt: Date;
  status: 'linked' | 'removed';
  /** Successful logins so far. */
  loginCount: number;
  /** Whether the phone's initial history sync was due yet; until then every login gets it. */
  initialSyncDue: boolean;
  /**
   * The device's public Signal material: registration id, 32-byte identity key, signed pre-key and
   * the one-time pre-keys it uploaded (key fetches consume them). Replaced on an identity change.
   */
  signal: DeviceBundle;
}

/** The JSON view of a device for the control API (no key material). */
export interface DeviceView {
  readonly deviceId: number;
  readonly jid: string;
  readonly lid: string;
  readonly status: 'linked' | 'removed';
  readonly platformId: string;
  readonly linkedAt: string;
  readonly online: boolean;
  readonly oneTimePreKeys: number;
}

/** Presents a device. */
export function deviceView(device: LinkedDevice, online: boolean): DeviceView {
  return {
    deviceId: device.deviceId,
    jid: device.jid,
    lid: device.lidJid,
    status: device.status,
    platformId: device.platformId,
    linkedAt: device.linkedAt.toISOString(),
    online,
    oneTimePreKeys: device.signal.oneTimePreKeys.size,
  };
}
