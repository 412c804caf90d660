/**
 * Simulator benchmark (issue 2): links and opens N real Baileys sessions against the simulator
 * running in a child process, and reports the child's RSS and the time until all are open, as
 * ratios to a one-session baseline measured in the same run.
 *
 *   npx tsx bench/sim-sessions.ts [--sessions 100] [--concurrency 10] [--write-docs]
 *
 * `--write-docs` replaces (or appends) the section "## Simulator: 100 linked sessions" in docs/benchmarks.md.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { type ConnectionState, makeWASocket, WA_CERT_DETAILS, type WASocket } from '@whiskeysockets/baileys';
import { pino } from 'pino';
import { createMemoryAuth, type MemoryAuth } from '../test/sim/support/memory-auth.ts';
import { nextConnectionUpdate } from '../test/sim/support/connection-update.ts';

// libsignal prints session objects, private keys included, through console.*: mute it for the whole run.
for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) console[method] = () => undefined;

const { values: args } = parseArgs({
  options: {
    sessions: { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '10' },
    'write-docs': { type: 'boolean', default: false },
  },
});
const SESSIONS = Number(args.sessions);
const CONCURRENCY = Number(args.concurrency);
const STEP_TIMEOUT_MS = 120_000;
const logger = pino({ level: 'silent' });
const out = (line = ''): boolean => process.stdout.write(`${line}\n`);

interface SimChild {
  readonly child: ChildProcess;
  readonly wsUrl: string;
  readonly controlUrl: string;
}

async function startSimChild(): Promise<SimChild> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/sim/cli.ts', '--port', '0', '--root-seed', 'bench', '--log-level', 'error'],
    {
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  if (!child.stdout) throw new Error('no stdout from the simulator');
  const env = new Map<string, string>();
  const timer = setTimeout(() => child.kill('SIGTERM'), 30_000);
  for await (const line of createInterface({ input: child.stdout })) {
    const at = line.indexOf('=');
    env.set(line.slice(0, at), line.slice(at + 1));
    if (env.size === 3) break;
  }
  clearTimeout(timer);
  const [wsUrl, rootKey, controlUrl] = ['WA_WS_URL', 'WA_ROOT_PUBLIC_KEY', 'SIM_CONTROL_URL'].map((k) => env.get(k));
  if (!wsUrl || !rootKey || !controlUrl) throw new Error('the simulator did not print its three lines');
  WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(rootKey, 'hex');
  return { child, wsUrl, controlUrl };
}

/** VmRSS and VmHWM (peak) of a process, in MiB, from /proc. */
async function memoryOf(pid: number): Promise<{ rss: number; peak: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kib('VmRSS') / 1024, peak: kib('VmHWM') / 1024 };
}

/** CPU seconds (user + system) a process has used, from /proc/PID/stat (clock ticks of 1/100 s on Linux). */
async function cpuOf(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const ownCpu = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
};

async function control(sim: SimChild, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${sim.controlUrl}${path}`, { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
}

/** The next matching connection.update, within the step timeout. */
const nextUpdate = (sock: WASocket, match: (u: Partial<ConnectionState>) => boolean) =>
  nextConnectionUpdate(sock, match, STEP_TIMEOUT_MS);

function connect(sim: SimChild, auth: MemoryAuth): WASocket {
  const sock = makeWASocket({
    auth: auth.state,
    waWebSocketUrl: sim.wsUrl,
    logger,
    markOnlineOnConnect: false,
    qrTimeout: 60_000,
  });
  sock.ev.on('creds.update', (update) => Object.assign(auth.creds, update));
  return sock;
}

/** Creates a phone, links a fresh Baileys device by QR (515 restart) and reconnects it until open. */
async function linkAndOpen(sim: SimChild, index: number): Promise<{ sock: WASocket; ms: number }> {
  const started = performance.now();
  const phoneNumber = String(15_559_000_000 + index);
  await control(sim, '/phones', { phoneNumber, name: `Bench ${index}` });
  const auth = createMemoryAuth();
  const registering = connect(sim, auth);
  const { qr } = await nextUpdate(registering, (u) => typeof u.qr === 'string');
  const closed = nextUpdate(registering, (u) => u.connection === 'close');
  await control(sim, `/phones/${phoneNumber}/scan`, { qr });
  await closed;
  registering.end(undefined);
  const sock = connect(sim, auth);
  await nextUpdate(sock, (u) => u.connection === 'open');
  return { sock, ms: performance.now() - started };
}

/** Runs `count` linkAndOpen with at most `limit` in flight; returns the sockets, durations and wall time. */
async function openMany(sim: SimChild, first: number, count: number, limit: number) {
  const sockets: WASocket[] = [];
  const durations: number[] = [];
  let next = 0;
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < count) {
      const { sock, ms } = await linkAndOpen(sim, first + next++);
      sockets.push(sock);
      durations.push(ms);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return { sockets, durations: durations.sort((a, b) => a - b), wallMs: performance.now() - started };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const pct = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
const f = (n: number, digits = 0): string => n.toFixed(digits);

// Other work on a shared machine skews every timing; the 1-minute load average at start is reported with the results.
const loadAtStart = loadavg()[0] ?? NaN;
const sim = await startSimChild();
const pid = sim.child.pid ?? 0;
const sockets: WASocket[] = [];
try {
  await settle(1_000);
  const idle = await memoryOf(pid);
  const base = await openMany(sim, 0, 1, 1);
  sockets.push(...base.sockets);
  await settle(2_000); // let the history sync and post-open queries finish before reading memory
  const one = await memoryOf(pid);
  for (const sock of sockets.splice(0)) sock.end(undefined);

  const [simCpuBefore, ownCpuBefore] = [await cpuOf(pid), ownCpu()];
  const many = await openMany(sim, 1, SESSIONS, CONCURRENCY);
  const simCpu = (await cpuOf(pid)) - simCpuBefore;
  const clientCpu = ownCpu() - ownCpuBefore;
  sockets.push(...many.sockets);
  await settle(2_000);
  const all = await memoryOf(pid);
  const baseMs = base.wallMs;
  const perSessionMiB = (all.rss - idle.rss) / SESSIONS;

  const rows = [
    ['Simulator RSS, idle (MiB)', f(idle.rss), '–'],
    [`Simulator RSS, 1 session open (MiB)`, f(one.rss), `+${f(one.rss - idle.rss, 1)} over idle`],
    [
      `Simulator RSS, ${SESSIONS} sessions open (MiB)`,
      f(all.rss),
      `+${f(perSessionMiB, 2)} MiB per session; ${f(all.rss / one.rss, 2)}× the 1-session RSS`,
    ],
    ['Simulator peak RSS, VmHWM (MiB)', f(all.peak), `${f(all.peak / one.rss, 2)}× the 1-session RSS`],
    ['1 session: link + open (ms, baseline)', f(baseMs), '1.00×'],
    [
      `${SESSIONS} sessions, concurrency ${CONCURRENCY}: until all open (ms)`,
      f(many.wallMs),
      `${f(many.wallMs / baseMs, 1)}× baseline; ${f(many.wallMs / SESSIONS / baseMs, 2)}× baseline per session`,
    ],
    [
      `CPU during the ${SESSIONS}-session batch: simulator / Baileys clients (s)`,
      `${f(simCpu, 1)} / ${f(clientCpu, 1)}`,
      `simulator ${f((100 * simCpu) / (simCpu + clientCpu))} % of the CPU used; ${f((1000 * simCpu) / SESSIONS)} ms per session`,
    ],
    [
      'Per session link + open under load, p50 / p95 (ms)',
      `${f(pct(many.durations, 50))} / ${f(pct(many.durations, 95))}`,
      `${f(pct(many.durations, 50) / baseMs, 1)}× / ${f(pct(many.durations, 95) / baseMs, 1)}× baseline`,
    ],
  ];
  const table = ['| Measure | Value | Ratio |', '|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  out(`load average at start ${f(loadAtStart, 1)} on ${cpus().length} CPUs\n`);
  out(table);

  if (args['write-docs']) {
    const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
    const section = [
      '## Simulator: 100 linked sessions',
      '',
      `${new Date().toISOString().slice(0, 10)} · ${cpus().length} × ${cpu} · ${f(totalmem() / 1024 ** 3, 1)} GiB RAM · Node ${process.version} · Baileys 7.0.0-rc14 · load average ${f(loadAtStart, 1)} at start`,
      '',
      `\`npx tsx bench/sim-sessions.ts --sessions ${SESSIONS} --concurrency ${CONCURRENCY}\`: the simulator runs in a child process`,
      '(`src/sim/cli.ts` through tsx, as `npm run sim` runs it, so the idle RSS includes the TypeScript loader); its RSS',
      '(`/proc/PID/status` VmRSS, VmHWM) is its own. The bench process links each session by QR through the control API,',
      'reconnects it after the 515 and waits for `open` (in-memory auth state, 812 pre-keys generated and uploaded per session).',
      'The 1-session baseline is measured first in the same run; its socket is closed before the batch. Both processes share the',
      "machine's cores; the CPU row shows how the work splits between the simulator and the clients. Machines are shared and noisy:",
      'compare ratios, not milliseconds.',
      '',
      table,
      '',
    ].join('\n');
    const path = 'docs/benchmarks.md';
    const existing = await readFile(path, 'utf8').catch(() => '# Benchmarks\n');
    const start = existing.indexOf('## Simulator: 100 linked sessions');
    const end = start < 0 ? -1 : existing.indexOf('\n## ', start + 1);
    const updated =
      start < 0
        ? `${existing.trimEnd()}\n\n${section}`
        : `${existing.slice(0, start)}${section}${end < 0 ? '' : existing.slice(end + 1)}`;
    await writeFile(path, updated);
    out(`\nwrote ${path}`);
  }
} finally {
  for (const sock of sockets) sock.end(undefined);
  const exited = once(sim.child, 'exit');
  sim.child.kill('SIGTERM');
  await exited;
}
// Baileys leaves timers behind after end(); the run is over.
process.exit(0);
