import type { BinaryNode } from '@whiskeysockets/baileys';
import type { SimCore } from '../sim-core.ts';
import type { StanzaRouter } from '../stream/stanza-router.ts';
import { iqError, iqResult } from '../stream/stanza-router.ts';

const PRIVACY_CATEGORIES: Readonly<Record<string, string>> = {
  readreceipts: 'all',
  last: 'all',
  online: 'all',
  profile: 'all',
  status: 'all',
  groupadd: 'all',
  calladd: 'all',
  messages: 'all',
};

// 10518 (privacy tokens on 1:1 sends), 9666 and 14303 are the AB props Baileys reads.
const AB_PROPS: Readonly<Record<string, string>> = { '10518': '1', '9666': '0', '14303': '0' };

const kids = (node: BinaryNode | undefined): BinaryNode[] => (Array.isArray(node?.content) ? node.content : []);

/** Every iq Baileys sends around `open` that needs only a fixed or echoed answer (fact sheet Appendix A). */
export function registerSessionIqs(router: StanzaRouter<SimCore>): void {
  const ok = (ctx: { node: BinaryNode }): BinaryNode => iqResult(ctx.node);
  router
    .iq({ xmlns: 'w:p', child: 'ping' }, ok)
    .iq({ xmlns: 'passive', type: 'set' }, ok)
    .iq({ xmlns: 'urn:xmpp:whatsapp:dirty', type: 'set' }, ok)
    .iq({ xmlns: 'w:stats' }, ok)
    .iq({ xmlns: 'privacy', type: 'set' }, ok)
    .iq({ xmlns: 'status', type: 'set' }, ok)
    .iq({ xmlns: 'disappearing_mode', type: 'set' }, ok)
    .iq({ xmlns: 'blocklist', type: 'get' }, (ctx) => iqResult(ctx.node, [{ tag: 'list', attrs: {} }]))
    .iq({ xmlns: 'privacy', type: 'get' }, (ctx) =>
      iqResult(ctx.node, [
        {
          tag: 'privacy',
          attrs: {},
          content: Object.entries(PRIVACY_CATEGORIES).map(([name, value]) => ({
            tag: 'category',
            attrs: { name, value },
          })),
        },
      ]),
    )
    .iq({ xmlns: 'abt', type: 'get', child: 'props' }, (ctx) =>
      iqResult(ctx.node, [
        {
          tag: 'props',
          attrs: { protocol: '1', hash: 'sim' },
          content: Object.entries(AB_PROPS).map(([code, value]) => ({
            tag: 'prop',
            attrs: { config_code: code, config_value: value },
          })),
        },
      ]),
    )
    .iq({ xmlns: 'w:profile:picture', type: 'get' }, (ctx) => iqError(ctx.node, 404, 'item-not-found'))
    // App-state sync: echo every requested collection at its version, with no patches; a missing
    // collection makes Baileys query it again forever.
    .iq({ xmlns: 'w:sync:app:state', type: 'set' }, (ctx) => {
      const sync = kids(ctx.node).find((c) => c.tag === 'sync');
      const collections = kids(sync)
        .filter((c) => c.tag === 'collection' && c.attrs.name)
        .map((c): BinaryNode => ({
          tag: 'collection',
          attrs: { name: c.attrs.name ?? '', version: c.attrs.version ?? '0' },
        }));
      return iqResult(ctx.node, [{ tag: 'sync', attrs: {}, content: collections }]);
    })
    .iq({ xmlns: 'md', type: 'set', child: 'remove-companion-device' }, (ctx) => {
      const device = ctx.stream.device;
      if (device) ctx.sim.removeDevice(device, 'logout');
      return iqResult(ctx.node);
    });
}
