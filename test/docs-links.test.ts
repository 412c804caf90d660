import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOCS = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** Markdown without its fenced code blocks (their brackets are code, not links). */
const prose = (text: string): string => text.replace(/^```[\s\S]*?^```/gm, '');

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string): string =>
  heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');

function anchorsOf(file: string): Set<string> {
  const headings = [...prose(readFileSync(file, 'utf8')).matchAll(/^#{1,6}\s+(.+)$/gm)].map(([, text = '']) =>
    slug(text),
  );
  return new Set(headings);
}

const insideRepo = (path: string): boolean => !relative(ROOT, path).startsWith('..');

describe('the docs stand on their own', () => {
  for (const doc of DOCS) {
    test(`${doc}: every relative link resolves to a file (and heading) in the repository`, () => {
      const text = prose(readFileSync(join(ROOT, doc), 'utf8'));
      const links = [...text.matchAll(/\]\(([^)\s]+)\)/g)].map(([, target = '']) => target);
      for (const target of links.filter((link) => !/^[a-z][a-z0-9+.-]*:/i.test(link))) {
        const [path = '', anchor] = target.split('#', 2);
        const file = path === '' ? join(ROOT, doc) : resolve(ROOT, dirname(doc), decodeURIComponent(path));
        assert.ok(insideRepo(file), `${doc} links outside the repository: ${target}`);
        assert.ok(existsSync(file), `${doc} links to a missing file: ${target}`);
        if (anchor && statSync(file).isFile() && file.endsWith('.md')) {
          assert.ok(anchorsOf(file).has(anchor), `${doc}: ${target} names no heading of ${relative(ROOT, file)}`);
        }
      }
    });

    test(`${doc}: every ../ path it names, in links or in text, is a file of the repository`, () => {
      const text = readFileSync(join(ROOT, doc), 'utf8');
      for (const [path = ''] of text.matchAll(/(?:\.\.\/)+[\w.-]+(?:\/[\w.-]+)*/g)) {
        const file = resolve(ROOT, dirname(doc), path);
        assert.ok(insideRepo(file) && existsSync(file), `${doc} refers to ${path}, which is not in the repository`);
      }
    });
  }
});
