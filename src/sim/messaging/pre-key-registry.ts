import type { BinaryNode } from '@whiskeysockets/baileys';
import {
  type DeviceBundle,
  mergePreKeyUpload,
  parsePreKeyUpload,
  parseSignedPreKeyRotate,
} from '../signal/device-bundle.ts';

/** The Signal pre-key material linked devices uploaded, by device key (`PHONE:DEV`). */
export interface PreKeyRegistry {
  /** Stores `<iq xmlns="encrypt" type="set"><registration>…` (adds to what the device uploaded before). */
  upload(deviceKey: string, iq: BinaryNode): DeviceBundle;
  /** Stores `<iq xmlns="encrypt" type="set"><rotate><skey>`; false when nothing was uploaded yet. */
  rotate(deviceKey: string, iq: BinaryNode): boolean;
  /** One-time pre-keys left, for `<count value>`. */
  count(deviceKey: string): number;
  bundle(deviceKey: string): DeviceBundle | undefined;
  drop(deviceKey: string): void;
}

/** Creates an empty registry. */
export function createPreKeyRegistry(): PreKeyRegistry {
  const bundles = new Map<string, DeviceBundle>();
  return {
    upload(deviceKey, iq) {
      const bundle = mergePreKeyUpload(bundles.get(deviceKey), parsePreKeyUpload(iq));
      bundles.set(deviceKey, bundle);
      return bundle;
    },
    rotate(deviceKey, iq) {
      const bundle = bundles.get(deviceKey);
      if (!bundle) return false;
      bundle.signedPreKey = parseSignedPreKeyRotate(iq);
      return true;
    },
    count: (deviceKey) => bundles.get(deviceKey)?.oneTimePreKeys.size ?? 0,
    bundle: (deviceKey) => bundles.get(deviceKey),
    drop: (deviceKey) => void bundles.delete(deviceKey),
  };
}
