/**
 * Texts per second through `POST /sessions/:id/messages` across 10 linked sessions, as a ratio to bare
 * Baileys `sendMessage` (10 sockets in this process, in-memory auth) against the same simulator, same run.
 * `npx tsx bench/send-throughput.ts [--sessions 10] [--messages 200] [--inflight 1,8] [--rounds 4]`
 * `--gateway-node-flags='--cpu-prof --cpu-prof-dir=/tmp/prof/send'` passes extra node flags to the gateway process.
 * `--postgres`: the gateway on a fresh PostgreSQL database instead of SQLite; run it under `scripts/with-postgres.sh`
 * (which starts a throw-away server and sets WAGATE_TEST_PG_URL). Its results go to a section of their own.
 * `--engine-threads N`: the gateway with ENGINE_THREADS=N (0: Baileys on its main thread) instead of its default;
 * a section of its own too.
 */
import { Agent, request as httpRequest } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { WASocket } from '@whiskeysockets/baileys';
import { muteLibsignalConsole } from '../src/sim/signal/quiet-libsignal.ts';
import { defaultEngineThreads } from '../src/config/load-config.ts';
import { freshDatabaseConfig } from '../src/store/test-database.ts';
import { openBareSocket } from './support/bare-baileys.ts';
import { field, startBenchGateway, type BenchGateway } from './support/gateway.ts';
import { linkSession } from './support/link.ts';
import { machineLine, runDate } from './support/machine.ts';
import { forEachLimited, sleep } from './support/pool.ts';
import { cpuSeconds } from './support/proc.ts';
import { fmt, median, table, writeSection } from './support/report.ts';
import { startSimProcess, type SimProcess } from './support/simulator.ts';

// libsignal prints session objects (private keys included) through console.* in this process.
muteLibsignalConsole();

const { values: args } = parseArgs({
  options: {
    sessions: { type: 'string', default: '10' },
    messages: { type: 'string', default: '200' },
    inflight: { type: 'string', default: '1,8' },
    rounds: { type: 'string', default: '4' },
    warmup: { type: 'string', default: '20' },
    'no-write': { type: 'boolean', default: false },
    postgres: { type: 'boolean', default: false },
    'gateway-node-flags': { type: 'string', default: '' },
    'engine-threads': { type: 'string' },
  },
});
const SESSIONS = Number(args.sessions);
const MESSAGES = Number(args.messages);
const INFLIGHT = (args.inflight ?? '').split(',').map(Number);
const ROUNDS = Number(args.rounds);
const WARMUP = Number(args.warmup);
const POSTGRES = Boolean(args.postgres);
/** Set only with --engine-threads; otherwise the gateway's default (one per core, at most 8). */
const EXPLICIT_THREADS = args['engine-threads'] === undefined ? undefined : Number(args['engine-threads']);
const ENGINE_THREADS = EXPLICIT_THREADS ?? defaultEngineThreads();
const THREADS_FLAG = EXPLICIT_THREADS === undefined ? '' : ` --engine-threads ${EXPLICIT_THREADS}`;
const GOAL = 0.15;
const CORES = availableParallelism();

const log = (text: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${text}\n`);

interface Sender {
  /** Sends one text to this sender's contact; resolves when the API (or sendMessage) has answered. */
  send(text: string): Promise<void>;
}

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** POST /sessions/:id/messages over a keep-alive node:http agent (cheaper for this process than fetch). */
function postMessage(gateway: BenchGateway, sessionId: string, to: string, text: string): Promise<void> {
  const body = JSON.stringify({ to, text });
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${gateway.url}/sessions/${sessionId}/messages`,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${gateway.apiKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          if (res.statusCode === 201) resolve();
          else reject(new Error(`send ${sessionId}: ${res.statusCode} ${Buffer.concat(chunks).toString()}`));
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface Run {
  path: 'gateway' | 'bare';
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

/** Every PostgreSQL server process on the machine: with --postgres, the throw-away server with-postgres.sh started. */
function postgresCpuSeconds(): number {
  if (!POSTGRES) return 0;
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') total += cpuSeconds(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

const benchCpuSeconds = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
};

async function drive(senders: Sender[], perSender: number, inflight: number, tag: string): Promise<number> {
  const t0 = performance.now();
  await Promise.all(
    senders.map((sender, s) =>
      forEachLimited(Array.from({ length: perSender }, (_, i) => i), inflight, (i) => sender.send(`${tag} ${s}-${i} lorem ipsum dolor sit amet`)),
    ),
  );
  return performance.now() - t0;
}

let sim: SimProcess | undefined;
let gateway: BenchGateway | undefined;
const sockets: WASocket[] = [];
const dir = mkdtempSync(join(tmpdir(), 'wagate-bench-send-'));
const runs: Run[] = [];
let received: { gateway: number; bare: number; expected: number } | undefined;
const postgres = POSTGRES ? await freshDatabaseConfig('postgres') : undefined;
try {
  sim = await startSimProcess();
  const s = sim;
  gateway = await startBenchGateway({
    databaseUrl: postgres?.config.dialect === 'postgres' ? postgres.config.url : `sqlite:${join(dir, 'wagate.sqlite')}`,
    dataDir: dir,
    env: { ...s.gatewayEnv, ...(EXPLICIT_THREADS === undefined ? {} : { ENGINE_THREADS: String(EXPLICIT_THREADS) }) },
    nodeFlags: (args['gateway-node-flags'] ?? '').split(' ').filter(Boolean),
  });
  const gw = gateway;
  const gwContacts: string[] = [];
  const bareContacts: string[] = [];
  const gwSenders: Sender[] = [];
  const bareSenders: Sender[] = [];
  for (let i = 0; i < SESSIONS; i++) {
    const n = String(i).padStart(3, '0');
    await s.createPhone(`1666000${n}`, `GW sender ${i}`);
    await s.createPhone(`1666100${n}`, `GW contact ${i}`);
    await s.createPhone(`1666200${n}`, `Bare sender ${i}`);
    await s.createPhone(`1666300${n}`, `Bare contact ${i}`);
    gwContacts.push(`1666100${n}`);
    bareContacts.push(`1666300${n}`);
  }
  log('linking gateway sessions and bare sockets');
  await forEachLimited(Array.from({ length: SESSIONS }, (_, i) => i), 5, async (i) => {
    const n = String(i).padStart(3, '0');
    const sessionId = `send-${n}`;
    await linkSession(gw, s, sessionId, `1666000${n}`);
    const to = gwContacts[i] ?? '';
    gwSenders[i] = { send: (text) => postMessage(gw, sessionId, to, text) };
    const sock = await openBareSocket(s, `1666200${n}`);
    sockets[i] = sock;
    const jid = `${bareContacts[i] ?? ''}@s.whatsapp.net`;
    bareSenders[i] = {
      async send(text) {
        const sent = await sock.sendMessage(jid, { text });
        if (!sent?.key.id) throw new Error('bare sendMessage returned no id');
      },
    };
  });
  // Both paths: the first send to a contact does usync and a key fetch; keep that out of the measurement.
  log('warming up');
  await drive(bareSenders, WARMUP, 1, 'warm-up');
  await drive(gwSenders, WARMUP, 1, 'warm-up');
  await sleep(2_000);

  for (const inflight of INFLIGHT) {
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['bare', 'gateway'] as const) : (['gateway', 'bare'] as const);
      for (const path of order) {
        const senders = path === 'gateway' ? gwSenders : bareSenders;
        const enginePid = path === 'gateway' ? gw.pid : process.pid;
        const cpu0 = { engine: cpuSeconds(enginePid), bench: benchCpuSeconds(), sim: cpuSeconds(s.pid), db: postgresCpuSeconds() };
        const ms = await drive(senders, MESSAGES, inflight, `${path} r${round}`);
        const run: Run = {
          path,
          inflight,
          round,
          texts: MESSAGES * senders.length,
          ms,
          engineCpu: cpuSeconds(enginePid) - cpu0.engine,
          benchCpu: benchCpuSeconds() - cpu0.bench,
          simCpu: cpuSeconds(s.pid) - cpu0.sim,
          dbCpu: postgresCpuSeconds() - cpu0.db,
        };
        runs.push(run);
        log(`${path} inflight=${inflight}: ${fmt.int(run.texts / (ms / 1000))} texts/s (${run.texts} in ${fmt.s(ms)})`);
        // Let receipts and the gateway's event writes drain before the other side runs.
        await sleep(1_500);
      }
    }
  }
  // Every measured text must really have reached its contact (checked outside the timed window).
  await sleep(3_000);
  const countReceived = async (contacts: string[]) => {
    let total = 0;
    for (const contact of contacts) {
      const messages = field(await s.control('GET', `/phones/${contact}/messages`), 'messages');
      if (Array.isArray(messages)) total += messages.length;
    }
    return total;
  };
  const expected = SESSIONS * (WARMUP + MESSAGES * ROUNDS * INFLIGHT.length);
  received = { gateway: await countReceived(gwContacts), bare: await countReceived(bareContacts), expected };
  log(`received by contacts: gateway ${received.gateway}/${expected}, bare ${received.bare}/${expected}`);
} finally {
  for (const sock of sockets) sock?.end(undefined);
  await gateway?.stop();
  await sim?.stop();
  agent.destroy();
  rmSync(dir, { recursive: true, force: true });
  await postgres?.drop();
}

const rows: Array<Array<string | number>> = [];
for (const inflight of INFLIGHT) {
  const pick = (path: Run['path']) => runs.filter((r) => r.path === path && r.inflight === inflight);
  const rate = (list: Run[]) => list.reduce((sum, r) => sum + r.texts, 0) / (list.reduce((sum, r) => sum + r.ms, 0) / 1000);
  const cpuPerText = (list: Run[], key: 'engineCpu' | 'benchCpu' | 'simCpu' | 'dbCpu') =>
    (list.reduce((sum, r) => sum + r[key], 0) * 1e6) / list.reduce((sum, r) => sum + r.texts, 0);
  const bare = pick('bare');
  const gw = pick('gateway');
  // Each round runs both sides back to back: its ratio is immune to slow drift of a shared machine.
  const roundRatios = gw.map((run) => rate([run]) / rate(bare.filter((b) => b.round === run.round)));
  const ratio = median(roundRatios);
  const overhead = 1 - ratio;
  // All CPU one text costs on its path (every process involved), and the rate that would allow with
  // every core of the machine busy on nothing else: no scheduling can beat it.
  // For bare, the engine is the bench process itself: its CPU is counted once.
  const pathCpu = (list: Run[]) =>
    cpuPerText(list, 'engineCpu') + cpuPerText(list, 'simCpu') + (list[0]?.path === 'gateway' ? cpuPerText(list, 'benchCpu') + cpuPerText(list, 'dbCpu') : 0);
  const ceiling = (CORES * 1e6) / pathCpu(gw);
  rows.push([
    SESSIONS,
    inflight,
    fmt.int(rate(bare)),
    fmt.int(rate(gw)),
    `**${fmt.pct(ratio)}** (rounds: ${fmt.pct(Math.min(...roundRatios))} – ${fmt.pct(Math.max(...roundRatios))})`,
    `**${fmt.pct(overhead)}**`,
    `${fmt.int(cpuPerText(bare, 'engineCpu'))} / ${fmt.int(cpuPerText(gw, 'engineCpu'))}`,
    fmt.int(cpuPerText(gw, 'benchCpu')),
    ...(POSTGRES ? [fmt.int(cpuPerText(gw, 'dbCpu'))] : []),
    `${fmt.int(cpuPerText(bare, 'simCpu'))} / ${fmt.int(cpuPerText(gw, 'simCpu'))}`,
    `${fmt.int(pathCpu(bare))} / ${fmt.int(pathCpu(gw))}`,
    `${fmt.int(ceiling)} (${fmt.pct(ceiling / rate(bare))})`,
    overhead <= GOAL ? 'met' : '**missed**',
  ]);
}
const markdown = table(
  ['sessions', 'in flight per session', 'bare Baileys texts/s', 'gateway texts/s', 'gateway / bare (median of rounds)', 'overhead', 'CPU µs/text: bare (bench proc) / gateway proc', 'HTTP client CPU µs/text', ...(POSTGRES ? ['PostgreSQL server CPU µs/text'] : []), 'simulator CPU µs/text bare / gw', 'whole path CPU µs/text bare / gw', `gateway ceiling texts/s on ${CORES} cores (/ bare)`, 'goal ≤ 15 %'],
  rows,
);
const delivery = received ? `Texts received by the simulated contacts (checked after the timed runs): gateway ${received.gateway}/${received.expected}, bare ${received.bare}/${received.expected}.` : '';
process.stdout.write(`${markdown}\n${delivery}\n`);
if (!args['no-write']) {
  writeSection(
    `Send throughput${POSTGRES ? ' on PostgreSQL' : ''}${EXPLICIT_THREADS === undefined ? '' : `, ENGINE_THREADS=${EXPLICIT_THREADS}`} (\`bench/send-throughput.ts${POSTGRES ? ' --postgres' : ''}${THREADS_FLAG}\`)`,
    `Run: ${runDate()} · ${machineLine()}

${POSTGRES ? '`npm run bench:send:pg` (`--postgres` under `scripts/with-postgres.sh`)' : `\`npx tsx bench/send-throughput.ts${THREADS_FLAG}\``} — one simulator process (the CLI); ${SESSIONS} gateway sessions (\`src/main.ts\`,
${ENGINE_THREADS > 0 ? `\`ENGINE_THREADS=${ENGINE_THREADS}\`${EXPLICIT_THREADS === undefined ? ' (the default on this machine)' : ''}: Baileys in ${ENGINE_THREADS} worker thread(s) of the gateway process, whose CPU columns cover all its threads;` : `\`ENGINE_THREADS=0\`${EXPLICIT_THREADS === undefined ? ' (the default on this machine)' : ''}: Baileys on the gateway's main thread;`}
${POSTGRES ? 'PostgreSQL: a fresh database on a throw-away server on this machine, whose processes\' CPU is a column of its own and part of the whole path' : 'SQLite'},
\`LOG_LEVEL=warn\`) linked by QR, each sending texts with \`POST /sessions/:id/messages\` to its own simulated contact;
and, in the bench process, ${SESSIONS} bare Baileys sockets (\`makeWASocket\`, in-memory auth state, same browser and
history settings) linked to the same simulator, each calling \`sendMessage\` to its own contact. Each sender sends
${MESSAGES} texts per round with the given number in flight; ${ROUNDS} rounds, each running both sides back to back in
alternating order. The rate columns are total texts / total time; the ratio is per round, and the table shows the
median of the rounds' ratios (and their range), so slow drift of a shared machine cancels. Both paths were warmed up with ${WARMUP} texts per sender first (usync and key fetch). A send
counts when the API answered 201 or \`sendMessage\` resolved (Baileys resolves once the stanza is written, before the
server ack). CPU columns are utime+stime per text from \`/proc\`: the Baileys process of each path (bench process for
bare, gateway process for the API), the bench's HTTP client, and the simulator. "Whole path" adds them up (for
bare: bench process and simulator; the bench process holds no HTTP client work then). The ceiling is the rate the
gateway path's CPU per text would allow with all ${CORES} cores busy on it and nothing else — an upper bound no
scheduling can beat: when it is below 85 % of bare, the goal cannot be met on this machine without cutting CPU per text.

${markdown}

${delivery}

Goal (issue 4): the gateway adds ≤ 15 % overhead (gateway / bare ≥ 85 %).
`,
  );
}
