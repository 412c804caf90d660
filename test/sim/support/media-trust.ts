import { Agent as HttpsAgent } from 'node:https';
import type { Dispatcher } from 'undici-types';
import type { Simulator } from '../../../src/sim/simulator.ts';

/** What a Baileys client needs to trust the simulator's media host. */
export interface MediaTrust {
  readonly caPem: string;
  /** For `makeWASocket({ fetchAgent })`: Baileys uploads with node:https in Node. */
  readonly agent: HttpsAgent;
  /** For `downloadMediaMessage(msg, 'buffer', { options: { dispatcher } })`: downloads use fetch. */
  readonly dispatcher: Dispatcher;
  close(): Promise<void>;
}

const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1');

/**
 * Reads the media host's certificate from the control API and builds both trust objects. Node 20
 * bundles undici but does not export its Agent; a gateway would depend on `undici` and write
 * `new Agent({ connect: { ca } })`. Tests borrow the class of fetch's global dispatcher instead,
 * which exists once fetch has run (the control request below).
 */
export async function trustSimMedia(sim: Simulator): Promise<MediaTrust> {
  const res = await fetch(`${sim.controlUrl}/media`);
  const { media } = (await res.json()) as { media: { caPem: string } };
  const global = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER];
  if (typeof global !== 'object' || global === null) throw new Error('fetch has no global dispatcher yet');
  const AgentClass = global.constructor as new (options: { connect: { ca: string } }) => Dispatcher;
  const dispatcher = new AgentClass({ connect: { ca: media.caPem } });
  const agent = new HttpsAgent({ ca: media.caPem });
  return {
    caPem: media.caPem,
    agent,
    dispatcher,
    async close() {
      agent.destroy();
      await dispatcher.close();
    },
  };
}
