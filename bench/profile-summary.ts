/**
 * Reads a V8 `.cpuprofile` (from `--cpu-prof`, or an `inspector` session in a worker thread) and prints where its
 * self time went: by package, by function, and optionally the callers of one function.
 * `npx tsx bench/profile-summary.ts FILE [--top 30] [--callers NAME]`
 * `(idle)` is time the thread waited in its event loop.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' }, callers: { type: 'string' } },
});
const file = positionals[0];
if (!file) throw new Error('usage: profile-summary.ts FILE [--top 30] [--callers NAME]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const top = Number(args.top);
if (!Number.isInteger(top) || top < 1) throw new Error('--top takes a whole number of rows, 1 or more');

const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
const selfMicros = new Map<number, number>();
profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
const total = [...selfMicros.values()].reduce((sum, t) => sum + t, 0);

/** A package name from node_modules, the first folder under src/, `node-core`, or `(native)`. */
function packageOf(url: string): string {
  if (!url) return '(native)';
  const inModules = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules?.[1]) return inModules[1];
  if (url.includes('/src/')) return `src:${url.split('/src/')[1]?.split('/')[0] ?? ''}`;
  if (url.startsWith('node:')) return 'node-core';
  return url.slice(-40);
}
const frameName = ({ functionName, url, lineNumber }: CallFrame) =>
  `${functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${lineNumber}`;

function printTop(title: string, totals: Map<string, number>): void {
  console.log(`\n${title}`);
  for (const [name, micros] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    const ms = (micros / 1000).toFixed(0).padStart(8);
    console.log(`${ms} ms ${((100 * micros) / total).toFixed(1).padStart(5)} %  ${name}`);
  }
}

const byPackage = new Map<string, number>();
const byFunction = new Map<string, number>();
const byCallers = new Map<string, number>();
for (const [id, micros] of selfMicros) {
  const node = nodes.get(id);
  if (!node) continue;
  const pkg = packageOf(node.callFrame.url);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + micros);
  const name = frameName(node.callFrame);
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
  if (args.callers && node.callFrame.functionName === args.callers) {
    const chain: string[] = [];
    for (let up = parents.get(id); up !== undefined && chain.length < 6; up = parents.get(up)) {
      const frame = nodes.get(up)?.callFrame;
      if (frame) chain.push(frameName(frame));
    }
    const key = chain.join(' < ');
    byCallers.set(key, (byCallers.get(key) ?? 0) + micros);
  }
}
console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled`);
printTop('self time by package', byPackage);
printTop('self time by function', byFunction);
if (args.callers) printTop(`callers of ${args.callers} (six frames up)`, byCallers);
