import autocannon from 'autocannon';
import { readdirSync, readFileSync } from 'node:fs';
import type { BenchGateway } from './gateway.ts';
import { cpuSeconds, reapedChildrenCpuSeconds } from './proc.ts';

// The senders, runs and CPU probes of bench/send-throughput.ts.

export interface Sender {
  /** Sends `count` texts, `inflight` at a time; resolves when each one has been answered (201 or `sendMessage`). */
  send(count: number, inflight: number, tag: string): Promise<void>;
}

/**
 * A gateway sender: `count` × `POST /sessions/:id/messages` from autocannon, `inflight` keep-alive connections each
 * waiting for its answer before the next request (no pipelining). autocannon writes prebuilt requests and parses
 * answers with little CPU, so the load generator takes as little as it can from the cores the gateway shares with it.
 */
export function gatewaySender(gateway: BenchGateway, sessionId: string, to: string): Sender {
  return {
    send(count, inflight, tag) {
      // autocannon ends a run only on its 1-second tick: the send is done when the last answer arrives.
      return new Promise((resolve, reject) => {
        let answered = 0;
        const tracker = autocannon(
          {
            url: `${gateway.url}/sessions/${sessionId}/messages`,
            method: 'POST',
            headers: { authorization: `Bearer ${gateway.apiKey}`, 'content-type': 'application/json' },
            body: JSON.stringify({ to, text: `${tag} ${sessionId} lorem ipsum dolor sit amet` }),
            connections: Math.min(inflight, count),
            amount: count,
          },
          () => undefined,
        );
        tracker.on('response', (_client: unknown, statusCode: number) => {
          if (statusCode !== 201) {
            tracker.stop();
            reject(new Error(`send ${sessionId}: status ${statusCode}`));
          } else if (++answered === count) resolve();
        });
        tracker.on('reqError', (error: Error) => {
          tracker.stop();
          reject(error);
        });
      });
    },
  };
}

export interface Run {
  /** 'bare', or the gateway's ENGINE_THREADS as 'gw:N'. */
  path: string;
  inflight: number;
  round: number;
  texts: number;
  ms: number;
  /** CPU seconds of the process that runs Baileys for this path (gateway process, or this bench process). */
  engineCpu: number;
  /** CPU seconds of this bench process (HTTP client for the gateway path; Baileys itself for the bare path). */
  benchCpu: number;
  simCpu: number;
  /** CPU seconds of every PostgreSQL server process (with --postgres; 0 otherwise). */
  dbCpu: number;
}

/**
 * Every PostgreSQL server process on the machine (with --postgres, the throw-away server with-postgres.sh started),
 * plus the CPU of backends that have ended (the postmaster reaps them): without it, a connection closing between two
 * samples made the difference negative.
 */
export function postgresCpuSeconds(postgres: boolean): number {
  if (!postgres) return 0;
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres')
        total += cpuSeconds(Number(entry)) + reapedChildrenCpuSeconds(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

export const benchCpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

export async function drive(senders: Sender[], perSender: number, inflight: number, tag: string): Promise<number> {
  const t0 = performance.now();
  await Promise.all(senders.map((sender) => sender.send(perSender, inflight, tag)));
  return performance.now() - t0;
}
