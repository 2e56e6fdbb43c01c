#!/usr/bin/env node
// The CLI is TypeScript run by Node's own type stripping (Node >= 22.18). The machine's Node
// may be older: then re-run this command on the Node 24 that `npm install` put in node_modules.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const entry = path.join(here, '..', 'src', 'cli', 'main.ts');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major > 22 || (major === 22 && minor >= 18)) {
  await import(pathToFileURL(entry).href);
} else {
  let bundled;
  try {
    bundled = path.join(
      path.dirname(createRequire(import.meta.url).resolve('node/package.json')),
      'bin',
      'node',
    );
  } catch {}
  if (!bundled || !existsSync(bundled)) {
    console.error(
      `recallkit needs Node.js 22.18 or newer (this is ${process.version}); run npm install first.`,
    );
    process.exit(1);
  }
  const result = spawnSync(bundled, [entry, ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(result.status ?? 1);
}
