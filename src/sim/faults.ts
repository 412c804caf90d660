import type { SimCore } from './sim-core.ts';
import { SimError } from './sim-error.ts';

/** Fault kinds and what Baileys closes with (fact sheet §10). */
export const FAULT_KINDS = [
  'drop-tcp', // destroy the socket, no close frame → 428
  'close-ws', // WebSocket close 1000 → 428
  'stream-error', // <stream:error code> → code (428/500/503/515/401; 440 sends <conflict>)
  'conflict', // <stream:error><conflict type="replaced"/> → 440
  'failure', // <failure reason> now, or at the next login when offline → 403/503/…
  'silent', // stop sending anything, pongs included → 408 after the client's keep-alive
  'stall-handshake', // the next connection never gets a ServerHello → 408 (jid not needed)
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A fault to inject; `jid` is a device JID (`PHONE:DEV@s.whatsapp.net` or its LID form). */
export interface Fault {
  readonly kind: FaultKind;
  readonly jid?: string;
  readonly code?: number;
}

const STREAM_ERROR_CODES = [401, 428, 440, 500, 503, 515];

function isFaultKind(kind: unknown): kind is FaultKind {
  return typeof kind === 'string' && (FAULT_KINDS as readonly string[]).includes(kind);
}

/** Validates untrusted fault input (control API) into a Fault. */
export function parseFault(input: { kind?: unknown; jid?: unknown; code?: unknown }): Fault {
  if (!isFaultKind(input.kind)) throw new SimError('bad-input', `kind must be one of ${FAULT_KINDS.join(', ')}`);
  if (input.jid !== undefined && typeof input.jid !== 'string') throw new SimError('bad-input', 'jid must be a string');
  const code = input.code === undefined ? undefined : Number(input.code);
  if (code !== undefined && !Number.isInteger(code)) throw new SimError('bad-input', 'code must be an integer');
  return { kind: input.kind, ...(input.jid ? { jid: input.jid } : {}), ...(code !== undefined ? { code } : {}) };
}

/** Applies a fault to a device's live stream (or arms it, for `failure` and `stall-handshake`). */
export function injectFault(sim: SimCore, fault: Fault): void {
  if (fault.kind === 'stall-handshake') {
    sim.stallNextHandshakes();
    return;
  }
  if (!fault.jid) throw new SimError('bad-input', `fault ${fault.kind} needs a device jid`);
  const device = sim.accounts.findDevice(fault.jid);
  if (!device) throw new SimError('not-found', `unknown device ${fault.jid}`);
  const stream = sim.liveStream(device.jid);
  if (fault.kind === 'failure') {
    const reason = fault.code ?? 403;
    if (reason < 400 || reason > 599) throw new SimError('bad-input', 'failure code must be between 400 and 599');
    if (stream) stream.connection.failure(reason);
    else sim.armLoginFailure(device, reason);
    return;
  }
  if (!stream) throw new SimError('conflict', `device ${device.jid} has no live connection`);
  const { connection } = stream;
  switch (fault.kind) {
    case 'drop-tcp':
      return connection.dropTcp();
    case 'close-ws':
      return connection.closeWebSocket();
    case 'silent':
      return connection.goSilent();
    case 'conflict':
      return connection.streamError({}, [{ tag: 'conflict', attrs: { type: 'replaced' } }]);
    case 'stream-error': {
      const code = fault.code ?? 500;
      if (!STREAM_ERROR_CODES.includes(code)) {
        throw new SimError('bad-input', `stream-error code must be one of ${STREAM_ERROR_CODES.join(', ')}`);
      }
      if (code === 440) return connection.streamError({}, [{ tag: 'conflict', attrs: { type: 'replaced' } }]);
      return connection.streamError({ code: String(code) });
    }
  }
}
