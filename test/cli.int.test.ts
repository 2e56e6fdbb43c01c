import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLEAN, labelPhoto, markedPhoto } from '../eval/synthetic-evidence.ts';
import { openDatabase } from '../src/server/db/database.ts';
import { campaignsDir, repoRoot } from './support/app.ts';
import { createPostgresDatabase, testDatabases } from './support/databases.ts';

const bin = path.join(repoRoot, 'bin', 'recallkit.js');
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'recallkit-cli-'));

function recallkit(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: work,
      env: { ...process.env, CAMPAIGNS_DIR: campaignsDir, LOG_LEVEL: 'warn', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('recallkit CLI on the embedded database', () => {
  const dataDir = path.join(work, 'data');
  const env = { DATA_DIR: dataDir };

  it('prints its help', async () => {
    const { code, stdout } = await recallkit(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/serials/);
    expect(stdout).toMatch(/campaign/);
  });

  it('creates the schema and the example campaigns in an empty data directory', async () => {
    const { code, stdout } = await recallkit(['campaign', 'list'], env);
    expect(code).toBe(0);
    expect(stdout).toMatch(/anker-2025-us-a1263\tactive\t2025-06-12\tA1263/);
    expect(stdout).toMatch(/anker-2025-cn/);
    expect(stdout).toMatch(/anker-2025-global-5-models/);
  });

  it('imports a list, names the rejects file and exits non-zero when a row was rejected', async () => {
    const file = path.join(work, 'list.csv');
    fs.writeFileSync(file, 'serial,model\nAH0000CL10000001,A1263\nAH0000CL10000002,A1388\n');
    const first = await recallkit(['serials', 'import', file, '--campaign', 'anker-2025-us-a1263'], env);
    expect(first.code).toBe(1);
    expect(first.stdout).toMatch(/2 rows read, 1 added, 0 already listed, 1 rejected/);
    expect(first.stderr).toContain(`${file}.rejected.csv`);
    expect(fs.readFileSync(`${file}.rejected.csv`, 'utf8')).toMatch(
      /^3,AH0000CL10000002,A1388,model_unknown,/m,
    );

    fs.writeFileSync(file, 'serial,model\nAH0000CL10000001,A1263\n');
    const again = await recallkit(['serials', 'import', file, '--campaign', 'anker-2025-us-a1263'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/1 rows read, 0 added, 1 already listed, 0 rejected/);
    expect(fs.existsSync(`${file}.rejected.csv`)).toBe(false);
  });

  it('refuses a file that is not a valid list, with the reason', async () => {
    const file = path.join(work, 'wrong.csv');
    fs.writeFileSync(file, 'serial;model\nAH1;A1263\n');
    const { code, stderr } = await recallkit(
      ['serials', 'import', file, '--campaign', 'anker-2025-us-a1263'],
      env,
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/first line must be the header "serial,model"/);
  });

  it('applies a changed campaign file', async () => {
    const source = fs.readFileSync(path.join(campaignsDir, 'anker-2025-cn.yaml'), 'utf8');
    const file = path.join(work, 'cn.yaml');
    fs.writeFileSync(file, source.replace('status: active', 'status: closed'));
    const { code, stdout } = await recallkit(['campaign', 'apply', file], env);
    expect(code).toBe(0);
    expect(stdout.trim()).toBe('anker-2025-cn: updated');
    expect((await recallkit(['campaign', 'apply', file], env)).stdout.trim()).toBe(
      'anker-2025-cn: unchanged',
    );

    fs.writeFileSync(file, source.replace('units: 718000', 'units: -1'));
    const invalid = await recallkit(['campaign', 'apply', file], env);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toMatch(/units: Too small/i);
  });

  it('creates staff accounts: a one-time password when none is given, a clear refusal for a taken e-mail', async () => {
    const created = await recallkit(
      ['staff', 'create', '--email', 'rev@example.com', '--role', 'reviewer'],
      env,
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^Created reviewer rev@example\.com \(stf_/);
    expect(created.stdout).toMatch(/One-time password: [A-Za-z0-9]{20}/);
    const withPassword = await recallkit(
      [
        'staff',
        'create',
        '--email',
        'sup@example.com',
        '--role',
        'supervisor',
        '--password',
        'a long passphrase 1',
      ],
      env,
    );
    expect(withPassword.stdout).not.toMatch(/One-time/);
    const taken = await recallkit(['staff', 'create', '--email', 'REV@example.com', '--role', 'admin'], env);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('A staff member with that e-mail exists already.');
    const badRole = await recallkit(['staff', 'create', '--email', 'x@example.com', '--role', 'boss'], env);
    expect(badRole.code).not.toBe(0);
    expect(badRole.stderr).toMatch(
      /Allowed choices are admin, manager, supervisor, reviewer, fulfilment, analyst/,
    );
    const list = await recallkit(['staff', 'list'], env);
    expect(list.stdout).toMatch(/reviewer\tactive\trev@example\.com/);
    expect(list.stdout).toMatch(/supervisor\tactive\tsup@example\.com/);
  });

  it('brings a deactivated account back from the command line (say, the last admin by mistake)', async () => {
    const created = await recallkit(
      ['staff', 'create', '--email', 'back@example.com', '--role', 'reviewer'],
      env,
    );
    const id = /\((stf_[^)]+)\)/.exec(created.stdout)?.[1] as string;
    expect((await recallkit(['staff', 'deactivate', id], env)).code).toBe(0);
    expect((await recallkit(['staff', 'list'], env)).stdout).toMatch(
      /reviewer\tdeactivated\tback@example\.com/,
    );
    const reactivated = await recallkit(['staff', 'reactivate', id], env);
    expect(reactivated.stdout).toBe('Reactivated reviewer back@example.com\n');
    expect((await recallkit(['staff', 'list'], env)).stdout).toMatch(/reviewer\tactive\tback@example\.com/);
  });

  it('exports and erases a person’s data by e-mail, each in the audit trail', async () => {
    const out = path.join(work, 'person.zip');
    const exported = await recallkit(
      ['privacy', 'export', '--email', 'nobody@example.com', '--out', out],
      env,
    );
    expect(exported.stdout).toBe(`0 claims and 0 photos written to ${out}\n`);
    expect(fs.readFileSync(out).subarray(0, 2).toString()).toBe('PK'); // a zip, with claims.json and a README
    const erased = await recallkit(['privacy', 'erase', '--email', 'nobody@example.com'], env);
    expect(erased.stdout).toBe('Personal data removed from 0 claims (0 photos deleted)\n');
  });

  it('imports gift card codes, and exports empty shipment and payout files with a clear message', async () => {
    const file = path.join(work, 'codes.csv');
    fs.writeFileSync(file, 'code\nCLI-0001-AAAA\nCLI-0002-BBBB\n');
    const first = await recallkit(['giftcards', 'import', file, '--campaign', 'anker-2025-us-a1263'], env);
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^2 codes added, 0 already in the pool, 0 waiting remedies queued/);
    expect(
      (await recallkit(['giftcards', 'import', file, '--campaign', 'anker-2025-us-a1263'], env)).stdout,
    ).toMatch(/^0 codes added, 2 already in the pool/);
    fs.writeFileSync(file, 'number\nX\n');
    const bad = await recallkit(['giftcards', 'import', file, '--campaign', 'anker-2025-us-a1263'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('The first line must be the header "code"');
    const shipments = await recallkit(['shipments', 'export'], env);
    expect(shipments.code).toBe(0);
    expect(shipments.stderr).toContain('Nothing to ship.');
    const payouts = await recallkit(['payouts', 'export', '--out', path.join(work, 'payouts.csv')], env);
    expect(payouts.stderr).toContain('Nothing to pay.');
    const tracking = path.join(work, 'tracking.csv');
    fs.writeFileSync(tracking, 'order_id,carrier,tracking_number\nrem_unknown,UPS,1Z\n');
    const imported = await recallkit(['shipments', 'import-tracking', tracking], env);
    expect(imported.code).toBe(1);
    expect(imported.stdout).toContain('0 shipped, 0 return bags sent, 0 already recorded, 1 rejected');
    expect(imported.stderr).toContain('line 2: no such order');
    const returned = await recallkit(['returns', 'receive', 'RK-AAAA-AAAA'], env);
    expect(returned.code).toBe(1);
    expect(returned.stderr).toContain('recallkit:');
  });

  it('imports the people to notify: counts, duplicates merged, rejects file, exit 1; again, nothing changes', async () => {
    const file = path.join(work, 'buyers.csv');
    fs.writeFileSync(
      file,
      'email,name,language,country\nana@example.es,Ana,es,ES\nANA@example.es,Ana,es,ES\nbroken,Bo,en,US\n',
    );
    const args = ['notices', 'import', file, '--campaign', 'anker-2025-us-a1263'];
    const first = await recallkit(args, env);
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('3 rows read, 1 people added, 1 merged as duplicates, 1 rejected');
    expect(fs.readFileSync(`${file}.rejected.csv`, 'utf8')).toBe(
      'line,reason\r\n4,the e-mail address is not valid\r\n',
    );
    const again = await recallkit(args, env);
    expect(again.stdout).toContain('0 people added, 2 merged as duplicates, 1 rejected');

    // The mail provider's export: Ana's address bounced, someone unknown complained, a soft bounce is kept.
    const bounces = path.join(work, 'bounces.csv');
    fs.writeFileSync(
      bounces,
      'email,type\nAna@example.es,hard_bounce\nnobody@example.com,spam complaint\nbo@example.com,soft_bounce\n',
    );
    const reported = await recallkit(['notices', 'bounces', bounces], env);
    expect(reported.stdout).toContain('1 addresses marked undeliverable, 1 not on any list, 1 rows rejected');
    expect(reported.stderr).toContain('line 4: a soft bounce is not final');
    expect(reported.code).toBe(1);
  });

  it('shows the job queue, runs workers once, and refuses to retry a job that is not dead', async () => {
    const list = await recallkit(['jobs', 'list'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^queued: \d+ {2}active: \d+ {2}done: \d+ {2}dead: \d+/);
    const once = await recallkit(['work', '--once'], env);
    expect(once.code).toBe(0);
    expect(once.stdout).toMatch(/^\d+ jobs run/);
    const retry = await recallkit(['jobs', 'retry', '999999'], env);
    expect(retry.code).toBe(1);
    expect(retry.stderr).toMatch(/job 999999 is not dead/);
  });

  it('refuses to touch the embedded database while a running process holds it', async () => {
    const held = await openDatabase({ dataDir }); // what a running server does
    try {
      const { code, stderr } = await recallkit(['campaign', 'list'], env);
      expect(code).toBe(1);
      expect(stderr).toMatch(new RegExp(`in use by another Recallkit process \\(pid ${process.pid}\\)`));
      expect(stderr).toMatch(/DATABASE_URL/);
    } finally {
      await held.close();
    }
    expect((await recallkit(['campaign', 'list'], env)).code).toBe(0);
  });
});

describe('recallkit CLI on PostgreSQL', async () => {
  const hasPostgres = (await testDatabases()).some((d) => d.name === 'postgres');
  it.runIf(hasPostgres)(
    'imports through DATABASE_URL while other processes use the same database',
    async () => {
      const created = await createPostgresDatabase();
      try {
        const file = path.join(work, 'pg.csv');
        fs.writeFileSync(file, 'serial,model,market\nAG00PG0000000001,A1257,US\n');
        const env = { DATABASE_URL: created.url, SEED_EXAMPLES: 'true' };
        const { code, stdout } = await recallkit(
          ['serials', 'import', file, '--campaign', 'anker-2025-global-5-models'],
          env,
        );
        expect(code).toBe(0);
        expect(stdout).toMatch(/1 added/);
      } finally {
        await created.drop();
      }
    },
  );
});

describe('recallkit verify (no database)', () => {
  const serial = 'ZXCD9MSHSWZP0JFX';
  const photo = async (name: string, make: () => Promise<Buffer>) => {
    const file = path.join(work, name);
    fs.writeFileSync(file, await make());
    return file;
  };
  const facts = [
    '--model',
    'A1263',
    '--name',
    'Ana García',
    '--date',
    '2026-11-21',
    '--code',
    'RK-7K3F-9Q2M',
  ];

  it('prints every check and approves a good pair, and sends another serial to a person', async () => {
    const label = await photo('label.jpg', () => labelPhoto({ model: 'A1263', serial }, 5, CLEAN));
    const marked = await photo('marked.jpg', () =>
      markedPhoto(
        { word: 'RECALLED', name: 'Ana García', date: '2026-11-21', code: 'RK-7K3F-9Q2M' },
        6,
        CLEAN,
        1,
      ),
    );
    const good = await recallkit([
      'verify',
      '--serial',
      serial,
      ...facts,
      '--label',
      label,
      '--marked',
      marked,
      '--json',
    ]);
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    const output = JSON.parse(good.stdout) as {
      checks: { id: string; outcome: string; score: number; detail: unknown }[];
      verdict: string;
    };
    expect(output.checks.map((check) => check.id).sort()).toEqual(
      [
        'claim_code_present',
        'date_current',
        'exif_plausible',
        'image_quality',
        'model_matches',
        'name_present',
        'serial_matches',
        'word_recalled',
      ].sort(),
    );
    for (const check of output.checks) {
      expect(['pass', 'fail', 'unsure']).toContain(check.outcome);
      expect(typeof check.score).toBe('number');
    }
    expect(output.verdict).toBe('approve');

    // Another serial claimed with the same photos (the campaign file named explicitly): a person decides.
    const other = await recallkit([
      'verify',
      '--serial',
      'AG3P7X5N2W8K4R6T',
      ...facts,
      '--campaign',
      path.join(campaignsDir, 'anker-2025-us-a1263.yaml'),
      '--label',
      label,
      '--marked',
      marked,
      '--json',
    ]);
    expect(other.code).toBe(0);
    const otherOutput = JSON.parse(other.stdout) as {
      checks: { id: string; outcome: string }[];
      verdict: string;
    };
    expect(otherOutput.checks.find((check) => check.id === 'serial_matches')?.outcome).toBe('fail');
    expect(otherOutput.verdict).toBe('review');
  });

  it('refuses a bad date or a file that is not a photo, with the reason', async () => {
    const text = path.join(work, 'notes.txt');
    fs.writeFileSync(text, 'not a photo');
    const base = [
      'verify',
      '--serial',
      serial,
      '--model',
      'A1263',
      '--name',
      'Ana',
      '--label',
      text,
      '--marked',
      text,
    ];
    const badDate = await recallkit([...base, '--date', '21/11/2026']);
    expect(badDate.code).toBe(1);
    expect(badDate.stderr).toMatch(/--date must be YYYY-MM-DD/);
    const notPhoto = await recallkit([...base, '--date', '2026-11-21']);
    expect(notPhoto.code).toBe(1);
    expect(notPhoto.stderr).toMatch(/not a usable photo/);
    const noCampaign = await recallkit([...base, '--date', '2026-11-21', '--campaign', 'missing.yaml']);
    expect(noCampaign.code).toBe(1);
    expect(noCampaign.stderr).toMatch(
      /^recallkit: missing\.yaml is not a valid campaign definition:\s+ENOENT/,
    );
  });
});
