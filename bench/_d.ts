import sharp from 'sharp';
import { CLEAN, labelPhoto, markedPhoto, random } from '../eval/synthetic-evidence.ts';
import { hammingDistance, perceptualHash } from '../src/server/modules/evidence/quality.ts';

const rand = random(3);
const labels: bigint[] = [],
  marks: bigint[] = [];
const cond = () => ({
  ...CLEAN,
  rotate: (rand() - 0.5) * 40,
  blur: rand(),
  noise: rand() * 10,
  light: 0.6 + rand() * 0.6,
  jpegQuality: 70,
  size: 1200,
});
const markedBufs: Buffer[] = [];
for (let i = 0; i < 12; i++) {
  labels.push(
    await perceptualHash(await labelPhoto({ model: 'A1263', serial: 'AH7M4Z2K9C1QR8T' + i }, i + 1, cond())),
  );
  const m = await markedPhoto(
    { word: 'RECALLED', name: 'Ana', date: '11/21/2026', code: 'RK-7K3F-9Q2' + i },
    i + 100,
    cond(),
  );
  markedBufs.push(m);
  marks.push(await perceptualHash(m));
}
const dist = (hs: bigint[]) => {
  const d: number[] = [];
  for (let i = 0; i < hs.length; i++)
    for (let j = i + 1; j < hs.length; j++) d.push(hammingDistance(hs[i]!, hs[j]!));
  return d.sort((a, b) => a - b);
};
console.log('labels', dist(labels).join(' '));
console.log('marked', dist(marks).join(' '));
const reused: number[] = [];
for (const m of markedBufs) {
  const meta = await sharp(m).metadata();
  const c = await sharp(m)
    .extract({ left: 40, top: 30, width: meta.width! - 80, height: meta.height! - 60 })
    .modulate({ saturation: 0.7 })
    .resize({ width: 800 })
    .jpeg({ quality: 60 })
    .toBuffer();
  reused.push(hammingDistance(await perceptualHash(m), await perceptualHash(c)));
}
console.log('reused', reused.join(' '));
