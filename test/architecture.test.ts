import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * The module order of ARCHITECTURE.md, enforced: every import runs down this list, never up.
 * A module may use the ones below it; the ones above reach it through the hooks it offers
 * (claims/claim-lifecycle.ts) or through the composition root, which may import anything.
 */
const MODULE_ORDER = [
  'staff',
  'notify',
  'webhooks',
  'catalog',
  'evidence',
  'claims',
  'review',
  'remedies',
  'notices',
  'reporting',
];

const root = path.resolve(import.meta.dirname, '..');
const src = path.join(root, 'src');

/** Where a file stands: its layer's rank (higher may import lower) and a name for messages. */
function placeOf(file: string): { rank: number; name: string } {
  const rel = path.relative(src, file).split(path.sep).join('/');
  if (rel.startsWith('shared/')) return { rank: 0, name: 'shared' };
  if (rel.startsWith('web/')) return { rank: 100, name: 'web' };
  if (rel.startsWith('cli/')) return { rank: 100, name: 'cli' };
  const module = /^server\/modules\/([^/]+)\//.exec(rel)?.[1];
  if (module) {
    const index = MODULE_ORDER.indexOf(module);
    if (index < 0) throw new Error(`${rel}: module ${module} is not in MODULE_ORDER (and ARCHITECTURE.md)`);
    return { rank: 10 + index, name: `modules/${module}` };
  }
  if (
    [
      'server/server.ts',
      'server/main.ts',
      'server/start.ts',
      'server/seed-examples.ts',
      'server/app.ts',
      'server/maintenance.ts',
    ].includes(rel)
  )
    return { rank: 50, name: 'composition root' };
  return { rank: 1, name: 'platform' };
}

const IMPORT =
  /(?:^|\n)\s*(import|export)\s+(type\s+)?(?:[^'"`;]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]|import\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

interface Arrow {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

function arrows(): Arrow[] {
  return sourceFiles(src).flatMap((from) => {
    const text = fs.readFileSync(from, 'utf8');
    return [...text.matchAll(IMPORT)].map((match) => ({
      from,
      to: path.resolve(path.dirname(from), (match[3] ?? match[4]) as string),
      typeOnly: Boolean(match[2]),
    }));
  });
}

const show = (file: string) => path.relative(root, file);

describe('the module order', () => {
  const all = arrows();

  it('reads the imports (a sanity check of the reader itself)', () => {
    expect(all.length).toBeGreaterThan(300);
    expect(all.every((arrow) => fs.existsSync(arrow.to))).toBe(true);
  });

  it('has no import that runs up: a module uses only the modules below it, the platform none', () => {
    const upward = all
      .filter((arrow) => arrow.to.startsWith(src))
      .flatMap(({ from, to }) => {
        const a = placeOf(from);
        const b = placeOf(to);
        if (a.name === b.name || a.rank > b.rank) return [];
        // The browser app and the CLI stand apart: neither imports the other, and the web app no server code.
        return [`${show(from)} (${a.name}) imports ${show(to)} (${b.name})`];
      });
    expect(upward).toEqual([]);
  });

  it('keeps the web app off the server and the shared code off both', () => {
    const crossing = all.filter(({ from, to }) => {
      const a = placeOf(from).name;
      const b = placeOf(to).name;
      return (a === 'web' && b !== 'web' && b !== 'shared') || (a === 'cli' && b === 'web');
    });
    expect(crossing.map(({ from, to }) => `${show(from)} -> ${show(to)}`)).toEqual([]);
  });

  it('has no loop of imports between files, type-only imports included', () => {
    const graph = new Map<string, string[]>();
    for (const arrow of all) {
      graph.set(arrow.from, [...(graph.get(arrow.from) ?? []), arrow.to]);
    }
    const loops: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'open') {
        loops.push([...trail.slice(trail.indexOf(file)), file].map(show).join(' -> '));
        return;
      }
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(loops).toEqual([]);
  });
});
