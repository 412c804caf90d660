/**
 * N linked sessions in one gateway process against the simulator: time from process start until all N
 * are AUTHENTICATED again after a restart, RSS after ~30 s idle and idle CPU over ~30 s, against the
 * same gateway with 0 sessions measured in the same run.
 * `npx tsx bench/sessions-restore.ts [--sizes 100,1000] [--concurrency 10,50] [--idle 30] [--engine-threads 0]`
 * `--engine-threads N`: the gateway's ENGINE_THREADS, for the baseline and every restart (default auto, the gateway's default).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startBenchGateway, type BenchGateway } from './support/gateway.ts';
import { connectedCount, linkSessionWithRetry } from './support/link.ts';
import { machineLine, runDate } from './support/machine.ts';
import { forEachLimited, sleep } from './support/pool.ts';
import { cpuPercentOver, rssBytes } from './support/proc.ts';
import { fmt, table, writeSection } from './support/report.ts';
import { startSimProcess, type SimProcess } from './support/simulator.ts';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100,1000' },
    concurrency: { type: 'string', default: '10,50' },
    'link-concurrency': { type: 'string', default: '10' },
    idle: { type: 'string', default: '30' },
    'restore-timeout': { type: 'string', default: '300' },
    'link-budget': { type: 'string', default: '900' },
    'no-write': { type: 'boolean', default: false },
    'engine-threads': { type: 'string', default: 'auto' },
  },
});
const ENGINE_THREADS = args['engine-threads'] ?? 'auto';
const SIZES = (args.sizes ?? '')
  .split(',')
  .map(Number)
  .sort((a, b) => a - b);
const CONCURRENCY = (args.concurrency ?? '').split(',').map(Number);
const LINK_CONCURRENCY = Number(args['link-concurrency']);
const IDLE_MS = Number(args.idle) * 1000;
const RESTORE_TIMEOUT_MS = Number(args['restore-timeout']) * 1000;
/** Linking stops taking new sessions after this long per size; the restore is then measured with what is linked. */
const LINK_BUDGET_MS = Number(args['link-budget']) * 1000;
const MIB = 1024 ** 2;

const log = (text: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${text}\n`);

interface Idle {
  rss: number;
  cpuPercent: number;
  rssAfterCpu: number;
}

/** RSS after `IDLE_MS` of idling, then CPU % over the next `IDLE_MS`. */
async function idleFootprint(gateway: BenchGateway): Promise<Idle> {
  await sleep(IDLE_MS);
  const rss = rssBytes(gateway.pid);
  const cpuPercent = await cpuPercentOver(gateway.pid, IDLE_MS);
  return { rss, cpuPercent, rssAfterCpu: rssBytes(gateway.pid) };
}

interface Restore {
  /** The size asked for. */
  target: number;
  /** Sessions actually linked (and restored) in this run. */
  sessions: number;
  /** How many were AUTHENTICATED when the restore timed out; equals `sessions` on success. */
  reached: number;
  concurrency: number;
  healthyMs: number;
  /** null when not all came back within the restore timeout. */
  allAuthenticatedMs: number | null;
  idle: Idle;
  simRss: number;
}

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'wagate-bench-restore-'));
  dirs.push(dir);
  return dir;
};

let sim: SimProcess | undefined;
let gateway: BenchGateway | undefined;
const results: Restore[] = [];
let baseline: Idle | undefined;
const linkTimes: Array<{ from: number; to: number; ms: number }> = [];
let retries = 0;
let failedLinks = 0;
let failure: string | undefined;
try {
  sim = await startSimProcess();
  const gatewayEnv = { ...sim.gatewayEnv, ENGINE_THREADS };
  log(`simulator pid ${sim.pid}`);

  // Baseline: the same gateway, same simulator env, empty database.
  {
    const dir = tempDir();
    const empty = await startBenchGateway({
      databaseUrl: `sqlite:${join(dir, 'wagate.sqlite')}`,
      dataDir: dir,
      env: gatewayEnv,
    });
    baseline = await idleFootprint(empty);
    log(`baseline: ${fmt.mib(baseline.rss)} RSS, ${baseline.cpuPercent.toFixed(2)} % CPU`);
    await empty.stop();
  }

  const dir = tempDir();
  const options = { databaseUrl: `sqlite:${join(dir, 'wagate.sqlite')}`, dataDir: dir, env: gatewayEnv };
  let linked = 0;
  let nextId = 0;
  for (const size of SIZES) {
    gateway ??= await startBenchGateway(options);
    const wanted = size - linked;
    const t0 = performance.now();
    const deadline = t0 + LINK_BUDGET_MS;
    let done = 0;
    await forEachLimited(
      Array.from({ length: wanted }, (_, i) => i),
      LINK_CONCURRENCY,
      async () => {
        if (performance.now() > deadline) return;
        const n = nextId++;
        const phone = `1555${String(n).padStart(7, '0')}`;
        const sessionId = `bench-${String(n).padStart(4, '0')}`;
        try {
          await sim!.createPhone(phone, `Bench ${n}`);
          retries += await linkSessionWithRetry(gateway!, sim!, sessionId, phone, 3, (err) =>
            log(`link ${n} failed, retrying: ${err instanceof Error ? err.message.slice(0, 200) : String(err)}`),
          );
          done++;
        } catch (err) {
          failedLinks++;
          log(`link ${n} given up: ${err instanceof Error ? err.message.slice(0, 200) : String(err)}`);
          await gateway!.request('DELETE', `/sessions/${sessionId}`).catch(() => undefined);
        }
        if (done > 0 && done % 50 === 0) log(`linked ${linked + done}/${size} (${fmt.s(performance.now() - t0)})`);
      },
    );
    linkTimes.push({ from: linked, to: linked + done, ms: performance.now() - t0 });
    linked += done;
    log(`linked ${linked} of ${size} wanted in ${fmt.s(performance.now() - t0)}`);
    // Let first-login work (pre-key uploads, history sync) settle before restarting.
    await sleep(5_000);
    const before = await connectedCount(gateway);
    if (before !== linked) log(`note: ${before} of ${linked} linked sessions AUTHENTICATED before the restart`);

    for (const concurrency of CONCURRENCY) {
      await gateway.stop();
      gateway = undefined;
      const restarted = await startBenchGateway({
        ...options,
        env: { ...gatewayEnv, SESSION_START_CONCURRENCY: String(concurrency) },
      });
      gateway = restarted;
      const healthyMs = restarted.healthyAt - restarted.spawnedAt;
      const restoreDeadline = Date.now() + RESTORE_TIMEOUT_MS;
      let count = 0;
      let allAuthenticatedMs: number | null = null;
      for (;;) {
        count = await connectedCount(restarted);
        if (count >= linked) {
          allAuthenticatedMs = performance.now() - restarted.spawnedAt;
          break;
        }
        if (Date.now() > restoreDeadline) break;
        await sleep(250);
      }
      log(
        `N=${linked} c=${concurrency}: ${allAuthenticatedMs === null ? `only ${count} AUTHENTICATED after ${RESTORE_TIMEOUT_MS / 1000} s` : `all AUTHENTICATED ${fmt.s(allAuthenticatedMs)} after spawn`} (healthy at ${fmt.s(healthyMs)})`,
      );
      const idle = await idleFootprint(restarted);
      const simRss = rssBytes(sim.pid);
      log(
        `N=${linked} c=${concurrency}: ${fmt.mib(idle.rss)} RSS, ${idle.cpuPercent.toFixed(2)} % CPU; simulator ${fmt.mib(simRss)}`,
      );
      results.push({
        target: size,
        sessions: linked,
        reached: count,
        concurrency,
        healthyMs,
        allAuthenticatedMs,
        idle,
        simRss,
      });
    }
  }
} catch (err) {
  failure = err instanceof Error ? err.message.slice(0, 500) : String(err);
  log(`bench failed: ${failure}`);
} finally {
  await gateway?.stop();
  await sim?.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

if (!baseline) {
  process.stderr.write(`no baseline measured: ${failure ?? 'unknown'}\n`);
  process.exit(1);
}
const base = baseline;
const restoreRows = results.map((r) => {
  const perSession = (r.idle.rss - base.rss) / r.sessions;
  const restoreOk = r.allAuthenticatedMs !== null && r.allAuthenticatedMs < 30_000;
  return [
    r.sessions === r.target ? r.sessions : `${r.sessions} (of ${r.target} wanted)`,
    r.concurrency,
    fmt.s(r.healthyMs),
    r.allAuthenticatedMs === null
      ? `**not all: ${r.reached}/${r.sessions} in ${RESTORE_TIMEOUT_MS / 1000} s**`
      : `**${fmt.s(r.allAuthenticatedMs)}**`,
    r.allAuthenticatedMs === null
      ? '—'
      : `${(r.sessions / ((r.allAuthenticatedMs - r.healthyMs) / 1000)).toFixed(1)}/s`,
    fmt.mib(r.idle.rss),
    `**${(perSession / 1024).toFixed(0)} KiB**`,
    `${r.idle.cpuPercent.toFixed(2)} %`,
    `${(r.idle.cpuPercent - base.cpuPercent).toFixed(2)} %`,
    fmt.mib(r.simRss),
    `${r.target === 1000 ? (r.sessions < 1000 ? 'not measured at 1,000' : restoreOk ? 'met' : '**missed**') : '—'} / ${perSession < MIB ? 'met' : '**missed**'}`,
  ];
});
const markdown = [
  table(
    ['gateway', 'sessions', 'RSS after idle', 'idle CPU (one core)', 'RSS after CPU window'],
    [['baseline, empty DB', 0, fmt.mib(base.rss), `${base.cpuPercent.toFixed(2)} %`, fmt.mib(base.rssAfterCpu)]],
  ),
  '',
  table(
    [
      'N',
      'SESSION_START_CONCURRENCY',
      'spawn → /health',
      'spawn → all N AUTHENTICATED',
      'sessions/s after /health',
      'RSS after idle',
      '(RSS − base)/N',
      'idle CPU',
      'idle CPU − base',
      'simulator RSS',
      'goals: < 30 s (N=1000) / < 1 MiB per session',
    ],
    restoreRows,
  ),
  '',
  table(
    ['linked', 'wall time', 'links/s'],
    linkTimes.map((l) => [`${l.from} → ${l.to}`, fmt.s(l.ms), ((l.to - l.from) / (l.ms / 1000)).toFixed(1)]),
  ),
  '',
  `Links that failed and were redone (session deleted, new QR): ${retries}; given up after 3 attempts: ${failedLinks}.`,
  failure ? `\n**The run stopped early:** ${failure}` : '',
].join('\n');
process.stdout.write(`${markdown}\n`);
if (!args['no-write']) {
  writeSection(
    'Sessions restore, RSS and idle CPU (`bench/sessions-restore.ts`)',
    `Run: ${runDate()} · ${machineLine()}

\`npx tsx bench/sessions-restore.ts\` — one simulator process (the CLI) and one gateway process (\`src/main.ts\`,
SQLite, \`LOG_LEVEL=warn\`, default keep-alive 30 s, \`ENGINE_THREADS=${ENGINE_THREADS}\`${ENGINE_THREADS === 'auto' ? ' (the default)' : ''}${ENGINE_THREADS === '0' ? ': Baileys on the main thread' : ': Baileys in engine worker threads'}). Sessions are linked for real (HTTP create, QR, simulator scan,
${LINK_CONCURRENCY} at a time), then the gateway is stopped with SIGTERM and started again; "spawn → all N AUTHENTICATED" is
measured from \`spawn()\` of the new process until \`GET /sessions/connected\` (polled every 250 ms) counts N. RSS is
VmRSS from \`/proc/PID/status\` after ${IDLE_MS / 1000} s idle; idle CPU is utime+stime from \`/proc/PID/stat\` over the next
${IDLE_MS / 1000} s, as % of one core. Linking a size stops taking new sessions after ${LINK_BUDGET_MS / 1000} s; the restore is then
measured with the sessions actually linked (the first column says so). The baseline is the same gateway with an empty database, same run. The simulator's own
RSS and CPU are in its own process and not counted.

${markdown}

Goals (issue 3): 1,000 sessions restored in < 30 s; < 1 MiB RSS per idle session beyond the base.
`,
  );
}
if (failure) process.exitCode = 1;
