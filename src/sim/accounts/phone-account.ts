import { randomInt } from 'node:crypto';
import { jidEncode } from '@whiskeysockets/baileys';
import { generateX25519KeyPair, type RawKeyPair } from '../pairing/x25519.ts';
import { SimError } from '../sim-error.ts';
import type { CompanionRegistration, LinkedDevice } from './linked-device.ts';

/** Platforms a phone may report in `<platform name>`; smba/smbi are WhatsApp Business. */
export const PHONE_PLATFORMS = ['android', 'iphone', 'smba', 'smbi'] as const;
export type PhonePlatform = (typeof PHONE_PLATFORMS)[number];

/** Options of createPhoneAccount. */
export interface PhoneAccountOptions {
  readonly phoneNumber: string;
  /** Push name; becomes the linked device's `creds.me.name`. */
  readonly name: string;
  readonly platform?: string;
  /** LID user part (digits); random when absent. */
  readonly lid?: string;
}

/** Who a phone is: number, push name, platform and both of its JIDs. */
export interface PhoneIdentity {
  readonly phoneNumber: string;
  readonly name: string;
  readonly platform: PhonePlatform;
  /** `PHONE@s.whatsapp.net` */
  readonly jid: string;
  /** LID user part and `LID@lid`. */
  readonly lid: string;
  readonly lidJid: string;
}

/** A WhatsApp account held by a virtual phone (device 0). */
export interface PhoneAccount extends PhoneIdentity {
  /** ADV account key pair: signs every linked device's identity. */
  readonly accountKey: RawKeyPair;
  /** Linked (and removed) companion devices by device id. */
  readonly devices: Map<number, LinkedDevice>;
  nextDeviceId: number;
  nextKeyIndex: number;
}

const DIGITS = /^[1-9]\d{4,14}$/;

function isPlatform(value: string): value is PhonePlatform {
  return (PHONE_PLATFORMS as readonly string[]).includes(value);
}

/** Validates the options and creates the account with a fresh account key and LID. */
export function createPhoneAccount(options: PhoneAccountOptions): PhoneAccount {
  const phoneNumber = options.phoneNumber.replace(/^\+/, '');
  if (!DIGITS.test(phoneNumber)) throw new SimError('bad-input', 'phoneNumber must be 5 to 15 digits');
  if (typeof options.name !== 'string' || !options.name.trim()) throw new SimError('bad-input', 'name is required');
  const platform = options.platform ?? 'android';
  if (!isPlatform(platform)) throw new SimError('bad-input', `platform must be one of ${PHONE_PLATFORMS.join(', ')}`);
  const lid = options.lid ?? String(randomInt(10 ** 13, 10 ** 14 - 1)) + String(randomInt(0, 9));
  if (!DIGITS.test(lid)) throw new SimError('bad-input', 'lid must be 5 to 15 digits');
  return {
    phoneNumber,
    name: options.name,
    platform,
    jid: jidEncode(phoneNumber, 's.whatsapp.net'),
    lid,
    lidJid: jidEncode(lid, 'lid'),
    accountKey: generateX25519KeyPair(),
    devices: new Map(),
    nextDeviceId: 1,
    nextKeyIndex: 1,
  };
}

/** Allocates the next device id and key index of the phone and records the device as linked. */
export function linkDevice(phone: PhoneAccount, registration: CompanionRegistration, keyIndex: number): LinkedDevice {
  const deviceId = phone.nextDeviceId++;
  const device: LinkedDevice = {
    phoneNumber: phone.phoneNumber,
    deviceId,
    jid: jidEncode(phone.phoneNumber, 's.whatsapp.net', deviceId),
    lidJid: jidEncode(phone.lid, 'lid', deviceId),
    keyIndex,
    noiseKey: registration.noiseKey,
    platformId: registration.platformId,
    linkedAt: new Date(),
    status: 'linked',
    loginCount: 0,
    initialSyncDue: false,
    signal: registration.signal,
  };
  phone.devices.set(deviceId, device);
  return device;
}
