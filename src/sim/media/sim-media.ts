import type { ControlRouter } from '../control/control-router.ts';
import type { MediaAccess } from '../messaging/hub-context.ts';
import type { SimCore } from '../sim-core.ts';
import { iqResult } from '../stream/stanza-router.ts';
import type { MediaHost } from './media-host.ts';

// Baileys refreshes media_conn once the ttl ran out; a day keeps tests from ever seeing a refresh mid-upload.
const MEDIA_CONN_TTL_S = 86_400;

/**
 * Plugs the media host into the core: `w:m` media_conn points Baileys at it (hostname with port,
 * since Baileys builds `https://HOSTNAME/mms/…`), and `GET /sim/media` tells a harness what to trust.
 * Returns the in-process access the virtual phones use.
 */
export function attachMediaHost(core: SimCore, control: ControlRouter, host: MediaHost): MediaAccess {
  core.router.iq({ xmlns: 'w:m', type: 'set', child: 'media_conn' }, (ctx) =>
    iqResult(ctx.node, [
      {
        tag: 'media_conn',
        attrs: { auth: host.auth, ttl: String(MEDIA_CONN_TTL_S) },
        content: [{ tag: 'host', attrs: { hostname: host.host, maxContentLengthBytes: String(host.maxUploadBytes) } }],
      },
    ]),
  );
  control.route('GET', '/media', () => ({
    body: {
      success: true,
      media: { url: host.origin, host: host.host, caPem: host.caPem, stored: host.store.size, bytes: host.store.bytes },
    },
  }));
  return {
    download: (ref) => host.find(ref)?.blob,
    upload: (kind, blob) => host.upload(kind, blob),
  };
}
