import type { PhoneFeatures } from '../../src/sim/phone-features.ts';
import { startSimulator, type Simulator } from '../../src/sim/simulator.ts';
import type { GatewayOptions } from './gateway-process.ts';

export interface TestSimulator {
  sim: Simulator;
  features: PhoneFeatures;
  /** Env that points a gateway at this simulator. */
  gatewayEnv: NonNullable<GatewayOptions['env']>;
}

/** The simulator with every phone feature (history sync, pairing code, messaging), as the CLI runs it. */
export async function startTestSimulator(rootSeed: string): Promise<TestSimulator> {
  const sim = await startSimulator({ rootSeed });
  // startSimulator attaches the phone features itself; attaching them twice would split their state.
  const { features } = sim;
  return { sim, features, gatewayEnv: { WA_WS_URL: sim.wsUrl, WA_ROOT_PUBLIC_KEY: sim.rootPublicKeyHex } };
}
