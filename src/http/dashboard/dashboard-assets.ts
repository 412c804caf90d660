import { createHash } from 'node:crypto';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import { build, stop as stopEsbuild } from 'esbuild';

/** One file served under `/dashboard/assets/`, with its compressed forms made once. */
export interface DashboardAsset {
  name: string;
  contentType: string;
  etag: string;
  identity: Buffer;
  gzip: Buffer;
  brotli: Buffer;
}

export interface DashboardBundle {
  /** The page: `/dashboard`; names the hashed assets, so it alone must be revalidated. */
  page: DashboardAsset;
  /** By file name (content-hashed, so they can be cached for ever). */
  assets: ReadonlyMap<string, DashboardAsset>;
}

const SOURCE_DIR = fileURLToPath(new URL('../../dashboard/', import.meta.url));
const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
};

function asset(name: string, body: Uint8Array): DashboardAsset {
  const identity = Buffer.from(body);
  const extension = name.slice(name.lastIndexOf('.'));
  return {
    name,
    contentType: TYPES[extension] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(identity).digest('base64url').slice(0, 22)}"`,
    identity,
    gzip: gzipSync(identity, { level: 9 }),
    brotli: brotliCompressSync(identity, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }),
  };
}

function pageHtml(script: string, stylesheet: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<title>wagate dashboard</title>',
    // An empty icon: without it the browser asks for /favicon.ico, which is not public.
    '<link rel="icon" href="data:,">',
    `<link rel="stylesheet" href="/dashboard/assets/${stylesheet}">`,
    `<script type="module" src="/dashboard/assets/${script}"></script>`,
    '</head>',
    '<body><div id="app"><noscript>The wagate dashboard needs JavaScript.</noscript></div></body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * Bundles `src/dashboard/` (Preact, TSX) in memory with esbuild: one minified script and one
 * stylesheet with content-hashed names, plus the page that loads them. Nothing is written to disk.
 */
export async function buildDashboardBundle(): Promise<DashboardBundle> {
  // esbuild's service child process would otherwise live as long as the gateway; it restarts if used again.
  const result = await build({
    entryPoints: [join(SOURCE_DIR, 'main.tsx')],
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    tsconfig: join(SOURCE_DIR, 'tsconfig.json'),
    outdir: '/assets',
    entryNames: '[name]-[hash]',
    legalComments: 'none',
    define: { 'process.env.NODE_ENV': '"production"' },
    write: false,
    logLevel: 'silent',
  }).finally(() => stopEsbuild());
  const assets = new Map<string, DashboardAsset>();
  for (const file of result.outputFiles) assets.set(basename(file.path), asset(basename(file.path), file.contents));
  const names = [...assets.keys()];
  const script = names.find((name) => name.endsWith('.js'));
  const stylesheet = names.find((name) => name.endsWith('.css'));
  if (!script || !stylesheet) throw new Error(`dashboard build gave ${names.join(', ')}`);
  return { page: asset('index.html', Buffer.from(pageHtml(script, stylesheet))), assets };
}

let building: Promise<DashboardBundle> | undefined;

/** The bundle, built once per process on first use (a few hundred ms); a failed build is retried next time. */
export function dashboardBundle(): Promise<DashboardBundle> {
  building ??= buildDashboardBundle().catch((err: unknown) => {
    building = undefined;
    throw err;
  });
  return building;
}
