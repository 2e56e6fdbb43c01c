import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { campaignsDir, repoRoot } from './support/app.ts';
import { chromiumAvailable, chromiumPath } from './support/environment.ts';

const bin = path.join(repoRoot, 'bin', 'recallkit.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'recallkit-report-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function recallkit(args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: work,
      env: {
        ...process.env,
        CAMPAIGNS_DIR: campaignsDir,
        DATA_DIR: path.join(work, 'data'),
        LOG_LEVEL: 'warn',
        CHROMIUM_PATH: chromiumPath,
      },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const args = (format: string, ...more: string[]) => [
  'report',
  'cpsc-monthly',
  '--campaign',
  'anker-2025-us-a1263',
  '--month',
  '2026-11',
  '--format',
  format,
  ...more,
];

describe('recallkit report cpsc-monthly', () => {
  it('prints the month’s figures as JSON with stable names, and as CSV', async () => {
    const json = await recallkit(args('json'));
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      campaign: 'anker-2025-us-a1263',
      month: '2026-11',
      period: { from: '2026-11-01', to: '2026-11-30' },
      unitsAffected: { total: 1158000, byModel: { A1263: 1158000 } },
      unitsCorrected: { thisPeriod: { total: 0 }, toDate: { total: 0 } },
      incidents: { thisPeriod: { total: 0, beforeRecall: 0, afterRecall: 0 } },
    });
    const csv = await recallkit(args('csv'));
    expect(csv.stdout.split('\r\n')[0]).toBe('field,value');
    expect(csv.stdout).toContain('unitsAffected.total,1158000');

    const bad = await recallkit(args('json').map((a) => (a === '2026-11' ? 'November' : a)));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/month: YYYY-MM/);
  });

  it('prints China’s SAMR progress figures from the same counts', async () => {
    const samr = await recallkit([
      'report',
      'samr-progress',
      '--campaign',
      'anker-2025-cn',
      '--month',
      '2026-11',
    ]);
    expect(samr.code, samr.stderr).toBe(0);
    expect(JSON.parse(samr.stdout)).toMatchObject({
      campaign: 'anker-2025-cn',
      unitsRecalled: 718000,
      unitsHandled: 0,
      percentHandled: 0,
    });
  });

  it.runIf(chromiumAvailable())('renders a printable PDF whose text holds the month’s figures', async () => {
    const out = path.join(work, 'cpsc.pdf');
    const pdf = await recallkit(args('pdf', '--out', out));
    expect(pdf.code, pdf.stderr).toBe(0);
    const bytes = new Uint8Array(fs.readFileSync(out));
    expect(Buffer.from(bytes.slice(0, 5)).toString()).toBe('%PDF-');
    const { getDocument } = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const document = await getDocument({ data: bytes, useSystemFonts: true }).promise;
    let text = '';
    for (let n = 1; n <= document.numPages; n++) {
      const content = await (await document.getPage(n)).getTextContent();
      text += content.items.map((item) => ('str' in item ? item.str : '')).join(' ');
    }
    expect(text).toContain('CPSC Monthly Progress Report');
    expect(text).toContain('2026-11-01 to 2026-11-30');
    expect(text).toContain('1158000');
  });
});
