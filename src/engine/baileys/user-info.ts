import { jidDecode, type AuthenticationCreds } from '@whiskeysockets/baileys';
import type { UserInfo } from '../engine.ts';

/**
 * A session is linked only once WhatsApp has signed our device identity (`creds.account`). `creds.me`
 * alone proves nothing: a failed pairing-code attempt leaves `me` and `registered=true` behind.
 */
export function isLinked(creds: AuthenticationCreds): boolean {
  return Boolean(creds.me?.id && creds.account);
}

/** The seed's `userInfo`, built from linked credentials; null when nothing is linked. */
export function userInfoFromCreds(creds: AuthenticationCreds): UserInfo | null {
  const me = creds.me;
  if (!me?.id || !isLinked(creds)) return null;
  const decoded = jidDecode(me.id);
  if (!decoded?.user) return null;
  return {
    phoneNumber: decoded.user,
    name: me.name ?? me.notify ?? null,
    jid: me.id,
    lid: me.lid ?? null,
    platform: creds.platform ?? null,
    registered: creds.registered,
  };
}
