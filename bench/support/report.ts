import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FILE = `${ROOT}docs/benchmarks.md`;
const PREAMBLE = `# Benchmarks

Each section is written by its own benchmark (\`bench/*.ts\`) and replaced on every run. Machines are
shared and noisy: compare the ratios to the baselines measured in the same run, not absolute numbers
across sections or runs.
`;

/** A markdown table. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly (string | number)[]>): string {
  const line = (cells: readonly (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * Replaces the `## heading` section of docs/benchmarks.md (up to the next `## `) with `body`, or
 * appends it; every other section is left as it is (other benchmarks write them).
 */
export function writeSection(heading: string, body: string): void {
  const current = existsSync(FILE) ? readFileSync(FILE, 'utf8') : PREAMBLE;
  const title = `## ${heading}`;
  const section = `${title}\n\n${body.trim()}\n`;
  const lines = current.split('\n');
  const start = lines.findIndex((line) => line.trim() === title);
  let next: string;
  if (start === -1) {
    next = `${current.trimEnd()}\n\n${section}`;
  } else {
    let end = lines.findIndex((line, i) => i > start && line.startsWith('## '));
    if (end === -1) end = lines.length;
    const before = lines.slice(0, start).join('\n').trimEnd();
    const after = lines.slice(end).join('\n').trim();
    next = `${before}\n\n${section}${after ? `\n${after}\n` : ''}`;
  }
  const temp = `${FILE}.${process.pid}.tmp`;
  writeFileSync(temp, next.endsWith('\n') ? next : `${next}\n`);
  renameSync(temp, FILE);
}

export const fmt = {
  int: (n: number) => Math.round(n).toLocaleString('en-US'),
  pct: (ratio: number) => `${(ratio * 100).toFixed(1)} %`,
  mib: (bytes: number) => `${(bytes / 1024 ** 2).toFixed(1)} MiB`,
  s: (ms: number) => `${(ms / 1000).toFixed(2)} s`,
};

/** The median of a non-empty list. */
export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
