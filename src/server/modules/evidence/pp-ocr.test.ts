import { afterAll, describe, expect, it } from 'vitest';
import { handwrittenPhoto } from '../../../../eval/handwritten-evidence.ts';
import { CLEAN } from '../../../../eval/synthetic-evidence.ts';
import { codeTargets, GUIDED_THRESHOLD } from './guided.ts';
import { canonical } from './matching.ts';
import { prepareForOcr } from './ocr.ts';
import { ctcGreedy, sharedPpOcr, shutdownPpOcr, textRegions } from './pp-ocr.ts';
import { spot } from './spotting.ts';

describe('PP-OCR through ONNX Runtime', () => {
  afterAll(shutdownPpOcr);

  it('reads a claim code, RECALLED and a date written in marker, which Tesseract reads poorly', async () => {
    const photo = await handwrittenPhoto(
      { word: 'RECALLED', name: 'Ana García', date: 'Nov 22 2026', code: 'RK-7K3F-9Q2M' },
      5,
      { hand: 'Comic Neue', surface: 'light_unit' },
      CLEAN,
    );
    const lines = (await (await sharedPpOcr()).read(photo)).map((line) => canonical(line.text));
    expect(lines).toContain(canonical('RK-7K3F-9Q2M'));
    expect(lines.some((line) => line.includes(canonical('RECALLED')))).toBe(true);
  });

  it("keeps what it saw in each line, where the written code is spotted and another claim's is not", async () => {
    const photo = await handwrittenPhoto(
      { word: 'RECALLED', name: 'Jonas Weber', date: '11/21/2026', code: 'RK-C4XT-7JHW' },
      9,
      { hand: 'Because We Connect', surface: 'paper' },
      CLEAN,
    );
    const engine = await sharedPpOcr();
    expect((await engine.read(photo)).some((line) => line.lattice)).toBe(false); // kept only when asked for
    const lattices = (await engine.read(photo, { lattices: true })).flatMap((line) => line.lattice ?? []);
    expect(new Set(lattices.map((lattice) => lattice.view))).toEqual(new Set([0, 1]));
    expect(spot(lattices, codeTargets('RK-C4XT-7JHW'))?.cost).toBeLessThan(
      GUIDED_THRESHOLD.claim_code_present,
    );
    expect(spot(lattices, codeTargets('RK-MV9P-QA3E'))?.cost).toBeGreaterThan(
      GUIDED_THRESHOLD.claim_code_present,
    );
  });

  it('reads a code in an all-capitals marker hand the marker head never learnt from, which PP-OCR alone misreads', async () => {
    const photo = await handwrittenPhoto(
      { word: 'RECALLED', name: 'Ana García', date: '11/21/2026', code: 'RK-7K3F-9Q2M' },
      10,
      { hand: 'Because We Create', surface: 'dark_unit' },
      CLEAN,
    );
    const { png } = await prepareForOcr(photo);
    const engine = await sharedPpOcr();
    const alone = (await engine.read(png)).map((line) => line.text);
    const corrected = (await engine.read(png, { handwritten: true })).map((line) => line.text);
    expect(alone).not.toContain('RK-7K3F-9Q2M'); // read "RK+K3F-9Q2M" and "RK-7K3F-QZM"
    expect(corrected).toContain('RK-7K3F-9Q2M');
  });

  it('finds each line of text as one region of the detector map, top to bottom', () => {
    const map = new Float32Array(10 * 6);
    for (const at of [11, 12, 13, 46, 47]) map[at] = 0.9;
    const regions = textRegions(map, 10, 6);
    expect(regions).toEqual([]); // specks: smaller than a line of text
    const line = new Float32Array(100 * 20);
    for (let x = 10; x < 60; x++) for (let y = 4; y < 8; y++) line[y * 100 + x] = 0.8;
    for (let x = 10; x < 40; x++) for (let y = 12; y < 16; y++) line[y * 100 + x] = 0.8;
    expect(textRegions(line, 100, 20)).toEqual([
      { left: 10, top: 4, right: 59, bottom: 7 },
      { left: 10, top: 12, right: 39, bottom: 15 },
    ]);
  });

  it('decodes CTC output: repeats merge, blanks separate', () => {
    const characters = ['', 'A', 'B'];
    // steps: A A blank A B B
    const classes = [1, 1, 0, 1, 2, 2];
    const scores = new Float32Array(
      classes.flatMap((best) => [0, 1, 2].map((c) => (c === best ? 0.9 : 0.05))),
    );
    expect(ctcGreedy(scores, classes.length, 3, characters)).toMatchObject({ text: 'AAB' });
  });
});
