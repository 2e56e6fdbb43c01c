import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sameScene } from './duplicates.ts';
import { SAME_SCENE, sceneSignature, sceneSimilarity } from './scene.ts';

/** A dark unit with white marker writing, as an owner photographs it. */
function markedUnit(lines: string[], tilt: number) {
  const text = lines
    .map((line, i) => `<text x="${140 + i * 9}" y="${260 + i * 110}" font-size="80">${line}</text>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="900">
    <rect width="1200" height="900" fill="#b9a88f"/>
    <g transform="rotate(${tilt} 600 450)">
      <rect x="90" y="120" width="1020" height="660" rx="60" fill="#202326"/>
      <g fill="#f4f4f4" font-family="DejaVu Sans" font-weight="bold">${text}</g>
    </g></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}

/** A fraudster's copy: cropped 4 % a side, made smaller, duller, re-encoded. */
async function reused(photo: Buffer) {
  return sharp(photo)
    .extract({ left: 48, top: 36, width: 1104, height: 828 })
    .modulate({ saturation: 0.7, brightness: 1.05 })
    .resize({ width: 800 })
    .jpeg({ quality: 65 })
    .toBuffer();
}

/** Photographed off a screen: cropped unevenly, turned 2.5 degrees, the screen's tint and gamma, softened. */
async function offScreen(photo: Buffer) {
  const shot = await sharp(photo)
    .extract({ left: 60, top: 9, width: 1140, height: 855 })
    .tint({ r: 220, g: 235, b: 255 })
    .gamma(1.8)
    .rotate(2.5, { background: '#222' })
    .blur(1)
    .toBuffer();
  const { width = 0, height = 0 } = await sharp(shot).metadata();
  return sharp(shot)
    .extract({ left: 40, top: 40, width: width - 80, height: height - 80 })
    .jpeg({ quality: 70 })
    .toBuffer();
}

const ana = { serial: 'AH7M4Z2K9C1QR8T3', code: 'RK-7K3F-9Q2M' };
const tom = { serial: 'AG3P7X5N2W8K4R6T', code: 'RK-HWHD-KVCP' };

describe('scene signatures of marked photos', () => {
  it('finds a cropped, recoloured, re-encoded copy or one photographed off a screen, and tells apart another owner’s photo framed alike', async () => {
    const original = await markedUnit(['RECALLED', 'Ana Garcia', '11/21/2026', 'RK-7K3F-9Q2M'], -4);
    const other = await markedUnit(['RECALLED', 'Tom Baker', '21.11.26', 'RK-HWHD-KVCP'], -3);
    const [a, copy, b] = await Promise.all([original, await reused(original), other].map(sceneSignature));
    expect(Buffer.from(a as string, 'base64')).toHaveLength(64 * 64);
    expect(sceneSimilarity(a as string, copy as string)).toBeGreaterThanOrEqual(SAME_SCENE);
    expect(sceneSimilarity(copy as string, a as string)).toBeGreaterThanOrEqual(SAME_SCENE);
    expect(sceneSimilarity(a as string, b as string)).toBeLessThan(SAME_SCENE);
    expect(sceneSimilarity(a as string, 'not a signature')).toBe(0);
    const shot = await sceneSignature(await offScreen(await original));
    expect(sceneSimilarity(a as string, shot)).toBeGreaterThanOrEqual(SAME_SCENE);
    expect(sceneSimilarity(b as string, shot)).toBeLessThan(SAME_SCENE);

    // The rule: when neither photo's text names the other claim, the scenes decide, whatever was read.
    const unread = (identity: typeof ana, scene: string) => ({
      kind: 'marked',
      lines: ['RECAL', 'Zl'],
      identity,
      scene,
    });
    expect(sameScene(9, unread(tom, copy as string), unread(ana, a as string))).toBe(true);
    expect(sameScene(3, unread(tom, b as string), unread(ana, a as string))).toBe(false);
    // Beyond the hash's reach the rule is not asked.
    expect(sameScene(20, unread(tom, copy as string), unread(ana, a as string))).toBe(false);
  });
});
