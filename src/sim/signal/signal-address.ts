import { jidDecode } from '@whiskeysockets/baileys';

// Baileys' WAJIDDomains: 0 = s.whatsapp.net, 1 = lid, 128 = hosted, 129 = hosted.lid.
const DOMAIN_BY_SERVER: Readonly<Record<string, number>> = {
  's.whatsapp.net': 0,
  lid: 1,
  hosted: 128,
  'hosted.lid': 129,
};

/**
 * The libsignal address string Baileys uses for a device JID: `user[_domainType].device`
 * (e.g. `15550001111.0`, `123456789_1.12`). Baileys keys sessions by the LID form when it
 * knows the mapping, so a virtual peer should use LID JIDs too.
 */
export function signalAddress(jid: string): string {
  const decoded = jidDecode(jid);
  if (!decoded?.user) throw new Error(`not a user JID: ${jid}`);
  const domain = DOMAIN_BY_SERVER[decoded.server];
  if (domain === undefined) throw new Error(`no Signal domain for server ${decoded.server}`);
  const user = domain === 0 ? decoded.user : `${decoded.user}_${domain}`;
  return `${user}.${decoded.device ?? 0}`;
}
