import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PhoneFeatures } from '../../src/sim/phone-features.ts';
import { muteLibsignalConsole } from '../../src/sim/signal/quiet-libsignal.ts';
import { startSimulator, type Simulator } from '../../src/sim/simulator.ts';
import type { GatewayOptions } from './gateway-process.ts';
import { tempDir } from './test-databases.ts';

export interface TestSimulator {
  sim: Simulator;
  features: PhoneFeatures;
  /**
   * Env that points a gateway at this simulator: its WebSocket, its Noise root key, and (through Node's
   * NODE_EXTRA_CA_CERTS) trust in its HTTPS media host's pinned certificate.
   */
  gatewayEnv: NonNullable<GatewayOptions['env']>;
}

// The simulated phones run libsignal in this process; its console output carries (simulated) session
// keys, which have no place in test output either. The CLI mutes it the same way.
muteLibsignalConsole();

/** The simulator with every phone feature (history sync, pairing code, messaging, media), as the CLI runs it. */
export async function startTestSimulator(rootSeed: string): Promise<TestSimulator> {
  const sim = await startSimulator({ rootSeed });
  // startSimulator attaches the phone features itself; attaching them twice would split their state.
  const { features } = sim;
  const caFile = join(tempDir('wagate-sim-ca-'), 'sim-media.pem');
  writeFileSync(caFile, sim.media.caPem);
  return {
    sim,
    features,
    gatewayEnv: { WA_WS_URL: sim.wsUrl, WA_ROOT_PUBLIC_KEY: sim.rootPublicKeyHex, NODE_EXTRA_CA_CERTS: caFile },
  };
}
