import type { Simulator } from '../../src/sim/simulator.ts';
import { waitForConnectionStatus, type GatewayProcess } from './gateway-process.ts';

/** Creates a session over HTTP, scans its QR with the phone, and waits for AUTHENTICATED. Returns the device JID. */
export async function createAndLink(
  gateway: GatewayProcess,
  sim: Simulator,
  sessionId: string,
  phone: string,
): Promise<string> {
  const created = await gateway.request('POST', '/sessions', { sessionId });
  if (created.status !== 201) throw new Error(`create ${sessionId}: ${created.status} ${JSON.stringify(created.body)}`);
  await waitForConnectionStatus(gateway, sessionId, 'QR_REQUIRED');
  const qr = await gateway.request('GET', `/sessions/${sessionId}/qr`);
  await sim.phone(phone).scan(qr.body.data.qr);
  const linked = await waitForConnectionStatus(gateway, sessionId, 'AUTHENTICATED');
  return linked.body.data.userInfo.jid as string;
}
