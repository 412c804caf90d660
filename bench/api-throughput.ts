/**
 * API throughput of the seed's credentials reads against a raw node:http JSON server, same run,
 * same autocannon settings, same bytes. `npx tsx bench/api-throughput.ts [--duration 2] [--connections 50] [--rounds 10] [--no-pin]`
 * `--gateway-node-flags='--cpu-prof --cpu-prof-dir=/tmp/prof/api'`: extra node flags for the gateway process.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { resolveEncryptionKey } from '../src/config/encryption-key.ts';
import { openStore } from '../src/store/open-store.ts';
import { load, type LoadResult } from './support/autocannon-run.ts';
import { canPin, pinProcess } from './support/cpu-pinning.ts';
import { cpuSeconds } from './support/proc.ts';
import { spawnTracked, type TrackedChild } from './support/children.ts';
import { startBenchGateway, type BenchGateway } from './support/gateway.ts';
import { machineLine, runDate } from './support/machine.ts';
import { fmt, median, ROOT, table, writeSection } from './support/report.ts';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '10' },
    sizes: { type: 'string', default: '100,1000' },
    'no-write': { type: 'boolean', default: false },
    'no-pin': { type: 'boolean', default: false },
    'gateway-node-flags': { type: 'string', default: '' },
  },
});
const DURATION = Number(args.duration);
const WARMUP = Number(args.warmup);
const CONNECTIONS = Number(args.connections);
const ROUNDS = Number(args.rounds);
const SIZES = (args.sizes ?? '100,1000').split(',').map(Number);
const GOAL = 0.7;
/** The load generator (this process) on core 0, each server on core 1; see support/cpu-pinning.ts. */
const PIN = !args['no-pin'] && canPin();
const CLIENT_CORE = 0;
const SERVER_CORE = 1;
// Read before pinning: nproc counts only the cores this process may use.
const MACHINE = machineLine();
if (PIN) pinProcess(process.pid, CLIENT_CORE);

/** Realistic stored sessions: linked accounts that were last seen a while ago, with a disconnect reason. */
async function seed(databaseUrl: string, count: number): Promise<void> {
  const filename = databaseUrl.slice('sqlite:'.length);
  // The key the gateway will find in its DATA_DIR (the database's directory here).
  const { key } = resolveEncryptionKey({ encryptionKey: undefined, dataDir: dirname(filename) });
  const database = await openStore({ database: { dialect: 'sqlite', filename }, encryptionKey: key });
  const records = database.records;
  const platforms = ['android', 'iphone', 'smba', 'smbi'];
  for (let i = 0; i < count; i++) {
    const sessionId = `session-${String(i).padStart(4, '0')}`;
    const phone = `6283876${String(i).padStart(6, '0')}`;
    await records.insert(sessionId);
    await records.update(sessionId, {
      status: 'disconnected',
      userInfo: {
        phoneNumber: phone,
        name: `Store Front ${i}`,
        jid: `${phone}:${(i % 20) + 1}@s.whatsapp.net`,
        lid: `${180_000_000_000_000 + i * 7919}:${(i % 20) + 1}@lid`,
        platform: platforms[i % platforms.length] ?? 'android',
        registered: i % 3 === 0,
      },
      lastSeenAt: new Date(Date.now() - 60_000 - i * 1000),
      lastDisconnect: { code: 428, reason: 'Connection Closed', at: new Date(Date.now() - 60_000).toISOString() },
    });
  }
  await database.destroy();
}

async function startServer(script: string, payloadFile: string): Promise<{ url: string; proc: TrackedChild }> {
  const proc = spawnTracked(process.execPath, ['--import', 'tsx', script, payloadFile], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
  });
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    proc.child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /PORT=(\d+)/.exec(text);
      if (match?.[1]) resolve(Number(match[1]));
    });
    void proc.exited.then((code) => reject(new Error(`${script} exited (${code}): ${proc.output()}`)));
  });
  return { url: `http://127.0.0.1:${port}`, proc };
}

interface Case {
  sessions: number;
  endpoint: string;
  path: string;
  raw: Measured[];
  gateway: Measured[];
  fastify: Measured[];
  bytes: number;
}

const mean = (results: Measured[], pick: (r: Measured) => number) =>
  results.reduce((sum, r) => sum + pick(r), 0) / results.length;
/** Each round measures every side back to back; the ratio of one round is immune to slow drift of the machine. */
const roundRatios = (side: Measured[], base: Measured[]) =>
  side.map((r, i) => r.requestsPerSec / base[i]!.requestsPerSec);

interface Measured extends LoadResult {
  /** Server CPU time (user + system) per answered request, in microseconds. */
  cpuUsPerRequest: number;
}

async function measure(
  url: string,
  pid: number,
  headers: Record<string, string> | undefined,
  warm: boolean,
): Promise<Measured> {
  if (warm) await load({ url, connections: CONNECTIONS, durationSec: WARMUP, ...(headers && { headers }) });
  const cpu0 = cpuSeconds(pid);
  const result = await load({ url, connections: CONNECTIONS, durationSec: DURATION, ...(headers && { headers }) });
  const cpu = cpuSeconds(pid) - cpu0;
  // Wrong answers abort the run; timeouts (autocannon's 10 s) under load are counted and reported.
  if (result.non2xx > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers`);
  return { ...result, cpuUsPerRequest: (cpu * 1e6) / Math.max(1, result.requestsPerSec * DURATION) };
}

async function runSize(count: number): Promise<Case[]> {
  const dir = mkdtempSync(join(tmpdir(), 'wagate-bench-api-'));
  let gateway: BenchGateway | undefined;
  let raw: { url: string; proc: TrackedChild } | undefined;
  let fastify: { url: string; proc: TrackedChild } | undefined;
  try {
    const databaseUrl = `sqlite:${join(dir, 'wagate.sqlite')}`;
    const t0 = performance.now();
    await seed(databaseUrl, count);
    process.stderr.write(`seeded ${count} sessions in ${fmt.s(performance.now() - t0)}\n`);
    gateway = await startBenchGateway({
      databaseUrl,
      dataDir: dir,
      nodeFlags: (args['gateway-node-flags'] ?? '').split(' ').filter(Boolean),
    });
    const single = `/sessions/session-${String(Math.floor(count / 2)).padStart(4, '0')}/credentials`;
    const list = '/sessions/all/credentials';
    // The raw server gets exactly what the gateway answers (same bytes once serialised).
    const payloads: Record<string, unknown> = {};
    for (const path of [single, list]) {
      const response = await gateway.request('GET', path);
      if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(response.body)}`);
      payloads[path] = response.body;
    }
    const payloadFile = join(dir, 'payloads.json');
    writeFileSync(payloadFile, JSON.stringify(payloads));
    raw = await startServer('bench/support/raw-json-server.ts', payloadFile);
    fastify = await startServer('bench/support/fastify-json-server.ts', payloadFile);
    if (PIN) for (const pid of [gateway.proc.pid, raw.proc.pid, fastify.proc.pid]) pinProcess(pid, SERVER_CORE);
    const headers = { authorization: `Bearer ${gateway.apiKey}` };
    const cases: Case[] = [
      {
        sessions: count,
        endpoint: 'GET /sessions/:id/credentials',
        path: single,
        raw: [],
        gateway: [],
        fastify: [],
        bytes: 0,
      },
      {
        sessions: count,
        endpoint: 'GET /sessions/all/credentials',
        path: list,
        raw: [],
        gateway: [],
        fastify: [],
        bytes: 0,
      },
    ];
    for (const c of cases) {
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate the order so drift on a shared machine does not favour one side.
        const order =
          round % 2 === 0 ? (['raw', 'fastify', 'gateway'] as const) : (['gateway', 'fastify', 'raw'] as const);
        for (const side of order) {
          const server = side === 'raw' ? raw : side === 'fastify' ? fastify : { url: gateway.url, proc: gateway.proc };
          const result = await measure(
            `${server.url}${c.path}`,
            server.proc.pid,
            side === 'gateway' ? headers : undefined,
            round === 0,
          );
          c[side].push(result);
          process.stderr.write(
            `${count} ${c.endpoint} ${side}: ${fmt.int(result.requestsPerSec)} req/s, ${fmt.int(result.cpuUsPerRequest)} µs CPU/req, ${fmt.int(result.bytesPerResponse)} B/response\n`,
          );
        }
      }
      c.bytes = Buffer.byteLength(JSON.stringify(payloads[c.path]));
    }
    return cases;
  } finally {
    await gateway?.stop();
    await raw?.proc.stop();
    await fastify?.proc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const cases: Case[] = [];
for (const size of SIZES) cases.push(...(await runSize(size)));

const rows = cases.map((c) => {
  const rawRps = mean(c.raw, (r) => r.requestsPerSec);
  const gwRps = mean(c.gateway, (r) => r.requestsPerSec);
  const ratios = roundRatios(c.gateway, c.raw);
  const ratio = median(ratios);
  const fastifyRps = mean(c.fastify, (r) => r.requestsPerSec);
  const fastifyRatio = median(roundRatios(c.fastify, c.raw));
  const goal = c.endpoint.includes(':id') ? (ratio >= GOAL ? `≥ 70 %: met` : `≥ 70 %: **missed**`) : 'none (reported)';
  return [
    c.sessions,
    `\`${c.endpoint}\``,
    fmt.int(c.bytes),
    fmt.int(rawRps),
    fmt.int(gwRps),
    `**${fmt.pct(ratio)}** (rounds: ${fmt.pct(Math.min(...ratios))} – ${fmt.pct(Math.max(...ratios))})`,
    `${fmt.int(fastifyRps)} (${fmt.pct(fastifyRatio)})`,
    `${fmt.int(mean(c.raw, (r) => r.cpuUsPerRequest))} / ${fmt.int(mean(c.fastify, (r) => r.cpuUsPerRequest))} / ${fmt.int(mean(c.gateway, (r) => r.cpuUsPerRequest))}`,
    `${mean(c.raw, (r) => r.latencyP99Ms).toFixed(0)} / ${mean(c.gateway, (r) => r.latencyP99Ms).toFixed(0)}`,
    `${c.raw.reduce((n, r) => n + r.errors, 0)} / ${c.gateway.reduce((n, r) => n + r.errors, 0)}`,
    goal,
  ];
});
const markdown = table(
  [
    'sessions in DB',
    'endpoint',
    'body bytes',
    'raw node:http req/s',
    'gateway req/s',
    'gateway / raw (median of rounds)',
    'bare Fastify req/s (/ raw)',
    'server CPU µs/req raw / Fastify / gw',
    'p99 ms raw / gw',
    'timeouts raw / gw',
    'goal',
  ],
  rows,
);
process.stdout.write(`${markdown}\n`);
if (!args['no-write']) {
  writeSection(
    'API throughput (`bench/api-throughput.ts`)',
    `Run: ${runDate()} · ${MACHINE}

\`npx tsx bench/api-throughput.ts\` — the gateway (\`src/main.ts\`, SQLite, \`LOG_LEVEL=warn\`, default \`ENGINE_THREADS=auto\` (no session is connected here, so no engine thread starts and Baileys is not loaded on the main thread), API key checked on
every request) and a bare \`node:http\` server that answers the same paths with the same JSON (serialised
with \`JSON.stringify\` per request) run as child processes; autocannon runs in the bench process with
${CONNECTIONS} connections, a ${WARMUP} s warm-up per server and endpoint, then ${ROUNDS} rounds of ${DURATION} s (means of req/s, CPU and p99 shown). Each round measures the three servers back to back, in alternating
order; the ratios are per round, and the table shows their median (and range), so slow drift of a shared machine cancels.
A bare Fastify 5 server (no logger, hooks or schemas) serving the same JSON is shown as a reference point.
Server CPU is utime+stime of the server process from \`/proc\` per answered request.
${
  PIN
    ? `CPU pinning: the bench process (autocannon) runs on core ${CLIENT_CORE} and every server on core ${SERVER_CORE}
(\`taskset\`), so each server is measured with one core of its own against the same client; unpinned
(\`--no-pin\`), client and server compete for both cores and a server that needs more CPU per request also
slows its own client, which exaggerates differences.`
    : 'CPU pinning: off (`--no-pin`, or no `taskset` / fewer than 2 cores): client and servers share the cores.'
}
Sessions are seeded through the store API (linked \`userInfo\`, last disconnect, last seen); they hold no
auth state, so none is connected.

${markdown}

Goal (issue 3): a single-session credentials read at ≥ 70 % of raw \`node:http\`. The list endpoint has no raw goal.

How the gateway answers these reads (since 2026-12-06): a read whose session row is in memory and has no state
write queued is answered in the same tick, without a promise chain; the manager hands out one frozen view per
session while nothing shown has changed, and each view is serialised once, so an unchanged session costs no
serialisation at all (the envelope is written around the memoised text). That is why the list endpoint beats the
raw server, which runs \`JSON.stringify\` over the whole list on every request; a session whose state changes
(status, linked account, a frame received) is serialised again on its next read.
`,
  );
}
