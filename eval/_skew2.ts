import sharp from 'sharp';
import { CLEAN, markedPhoto } from './synthetic-evidence.ts';

const img = await markedPhoto(
  { word: 'RECALLED', name: 'Ana Garcia', date: '11/21/2026', code: 'RK-7K3F-9Q2M' },
  3,
  { ...CLEAN, rotate: 8 },
);
const small = await sharp(img).greyscale().resize({ width: 480 }).raw().toBuffer({ resolveWithObject: true });
const w = small.info.width,
  h = small.info.height,
  px = small.data;
const xs: number[] = [],
  ys: number[] = [];
for (let y = 0; y < h; y++)
  for (let x = 1; x < w - 1; x++) {
    const i = y * w + x;
    if (Math.abs(px[i + 1]! - px[i - 1]!) > 60) {
      xs.push(x - w / 2);
      ys.push(y - h / 2);
    }
  }
console.log('points', xs.length, w, h);
const diagonal = Math.ceil(Math.hypot(w, h));
for (let a = -20; a <= 20; a += 2) {
  const t = (a * Math.PI) / 180,
    bins = new Float64Array(diagonal * 2 + 2);
  for (let k = 0; k < xs.length; k++)
    bins[Math.round(-xs[k]! * Math.sin(t) + ys[k]! * Math.cos(t)) + diagonal]++;
  let s = 0;
  for (const b of bins) s += b * b;
  console.log(a, s);
}
const g = await sharp(img).greyscale().raw().toBuffer({ resolveWithObject: true });
const s2 = await sharp(g.data, { raw: { width: g.info.width, height: g.info.height, channels: 1 } })
  .resize({ width: 480, height: 386, fit: 'fill' })
  .raw()
  .toBuffer({ resolveWithObject: true });
console.log(s2.info);
