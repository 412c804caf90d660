import { deviceView, type DeviceView } from './accounts/linked-device.ts';
import type { PhoneAccount, PhoneIdentity } from './accounts/phone-account.ts';
import type { PhoneMessaging } from './messaging/phone-messaging.ts';
import { linkCompanion } from './pairing/qr-scan.ts';
import { parseQrCode } from './pairing/qr-code.ts';
import type { SimCore } from './sim-core.ts';
import { SimError } from './sim-error.ts';
import type { PhoneFeatures } from './phone-features.ts';

/**
 * A virtual phone: the account's primary device, which links and unlinks companions, and sends and
 * receives 1:1 texts (PhoneMessaging: sendText, received, sent, waitForMessage, sendReceipt).
 */
export interface SimPhone extends PhoneMessaging, PhoneIdentity {
  /** Scans the QR string Baileys emitted; resolves once the companion signed, right before the 515. */
  scan(qr: string): Promise<DeviceView>;
  /** Linked and removed companion devices. */
  devices(): DeviceView[];
  /** Unlinks a device: `<stream:error code="401"><conflict type="device_removed"/>` if it is online. */
  unlink(deviceId: number): DeviceView;
  /** Types the pairing code a companion showed; resolves once linked (before the 515). Wrong code: 400 SimError. */
  enterPairingCode(code: string): Promise<DeviceView>;
}

/** Wraps an account in the phone API. */
export function createSimPhone(sim: SimCore, account: PhoneAccount, features: PhoneFeatures): SimPhone {
  const view = (deviceId: number): DeviceView => {
    const device = account.devices.get(deviceId);
    if (!device) throw new SimError('not-found', `phone ${account.phoneNumber} has no device ${deviceId}`);
    return deviceView(device, sim.liveStream(device.jid) !== undefined);
  };
  return {
    ...features.phoneMessaging(account.phoneNumber),
    enterPairingCode: (code) => features.enterPairingCode(account.phoneNumber, code),
    phoneNumber: account.phoneNumber,
    name: account.name,
    platform: account.platform,
    jid: account.jid,
    lid: account.lid,
    lidJid: account.lidJid,
    async scan(qr) {
      const code = parseQrCode(qr);
      const stream = sim.registrationByRef(code.ref);
      if (!stream || stream.identity.kind !== 'registration') {
        throw new SimError('not-found', 'no companion is showing this QR (unknown or expired ref)');
      }
      if (!stream.identity.registration.noiseKey.equals(code.noisePub)) {
        throw new SimError('bad-input', 'the QR noise key does not match the companion behind this ref');
      }
      const device = await linkCompanion(sim, account, stream, {
        identityPub: code.identityPub,
        advSecret: code.advSecret,
        platformId: code.platformId,
      });
      return view(device.deviceId);
    },
    devices: () => [...account.devices.keys()].map(view),
    unlink(deviceId) {
      const device = account.devices.get(deviceId);
      if (!device) throw new SimError('not-found', `phone ${account.phoneNumber} has no device ${deviceId}`);
      sim.removeDevice(device, 'unlink');
      return view(deviceId);
    },
  };
}
