import { jidDecode } from '@whiskeysockets/baileys';
import { SimError } from '../sim-error.ts';
import type { LinkedDevice } from './linked-device.ts';
import { createPhoneAccount, type PhoneAccount, type PhoneAccountOptions } from './phone-account.ts';

/** Every account and device the simulator knows, indexed by phone number, LID and Noise key. */
export class AccountStore {
  readonly #phones = new Map<string, PhoneAccount>();
  readonly #byLid = new Map<string, PhoneAccount>();
  readonly #byNoiseKey = new Map<string, LinkedDevice>();

  /** Creates an account; a phone number or LID already in use is a conflict. */
  createPhone(options: PhoneAccountOptions): PhoneAccount {
    const phone = createPhoneAccount(options);
    if (this.#phones.has(phone.phoneNumber))
      throw new SimError('conflict', `phone ${phone.phoneNumber} already exists`);
    if (this.#byLid.has(phone.lid)) throw new SimError('conflict', `lid ${phone.lid} already in use`);
    this.#phones.set(phone.phoneNumber, phone);
    this.#byLid.set(phone.lid, phone);
    return phone;
  }

  /** The account of a phone number, or undefined. */
  findPhone(phoneNumber: string): PhoneAccount | undefined {
    return this.#phones.get(phoneNumber.replace(/^\+/, ''));
  }

  /** The account of a phone number; throws a not-found SimError. */
  getPhone(phoneNumber: string): PhoneAccount {
    const phone = this.findPhone(phoneNumber);
    if (!phone) throw new SimError('not-found', `unknown phone ${phoneNumber}`);
    return phone;
  }

  /** Every account. */
  phones(): PhoneAccount[] {
    return [...this.#phones.values()];
  }

  /** The account behind a user JID, PN (`PHONE[:DEV]@s.whatsapp.net`) or LID (`LID[:DEV]@lid`). */
  findPhoneByJid(jid: string): PhoneAccount | undefined {
    const decoded = jidDecode(jid);
    if (!decoded?.user) return undefined;
    if (decoded.server === 'lid') return this.#byLid.get(decoded.user);
    return decoded.server === 's.whatsapp.net' ? this.#phones.get(decoded.user) : undefined;
  }

  /** The companion device behind a device JID (PN or LID form), linked or removed; device 0 is the phone, not here. */
  findDevice(jid: string): LinkedDevice | undefined {
    const phone = this.findPhoneByJid(jid);
    const deviceId = jidDecode(jid)?.device;
    return phone && deviceId ? phone.devices.get(deviceId) : undefined;
  }

  /** The device that authenticated with this Noise static key at pairing. */
  findDeviceByNoiseKey(noiseKey: Uint8Array): LinkedDevice | undefined {
    return this.#byNoiseKey.get(Buffer.from(noiseKey).toString('hex'));
  }

  /** Indexes a newly linked device by its Noise key (a re-link with the same key replaces the old entry). */
  indexDevice(device: LinkedDevice): void {
    this.#byNoiseKey.set(device.noiseKey.toString('hex'), device);
  }
}
