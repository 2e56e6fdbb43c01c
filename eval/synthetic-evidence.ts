import sharp from 'sharp';

/**
 * Synthetic claim photos for the evidence evaluation, the benchmark and the tests: a printed
 * label on a power bank, and a unit with the owner's handwriting in marker. Everything a real
 * photo varies in is a parameter: angle, blur, noise, light, JPEG quality, size.
 */

/** A seeded random source, so a labelled set is the same on every run. */
export function random(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x297a2d39) >>> 0;
    state ^= state >>> 12;
    return (state >>> 0) / 4294967296;
  };
}

export interface Conditions {
  /** Degrees, clockwise. */
  rotate: number;
  /** Horizontal shear (a phone not held square to the unit), e.g. 0.08. */
  shear?: number;
  /** Gaussian sigma in pixels (0: sharp). */
  blur: number;
  /** Standard deviation of added noise, 0-255. */
  noise: number;
  /** Multiplier: below 1 is dim, above 1 harsh. */
  light: number;
  jpegQuality: number;
  /** Long side of the photo in pixels. */
  size: number;
}

/** A phone camera's conditions: one photo in five harsh (blurred, dim or burnt out, small), the rest readable. */
export function cameraConditions(rand: () => number): { c: Conditions; readable: boolean } {
  const harsh = rand() < 0.2;
  const c: Conditions = {
    rotate: (rand() - 0.5) * 40,
    shear: (rand() - 0.5) * 0.16,
    blur: harsh ? 2 + rand() * 2 : rand() * 1.2,
    noise: harsh ? 20 + rand() * 15 : rand() * 12,
    light: harsh
      ? ([0.3 + rand() * 0.15, 1.5 + rand() * 0.3][Math.floor(rand() * 2)] as number)
      : 0.6 + rand() * 0.6,
    jpegQuality: 50 + Math.floor(rand() * 46),
    size: harsh ? 800 + Math.floor(rand() * 300) : 1000 + Math.floor(rand() * 3000),
  };
  return { c, readable: !harsh };
}

export const CLEAN: Conditions = { rotate: 0, blur: 0, noise: 0, light: 1, jpegQuality: 90, size: 1600 };

export interface LabelText {
  model: string;
  serial: string;
}

export interface MarkedText {
  /** Absent items are not written. */
  word?: string;
  name?: string;
  date?: string;
  code?: string;
}

const xmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const WIDTH = 1600;
const HEIGHT = 1200;

/** A table top: a soft gradient in a colour of the seed. */
function background(rand: () => number): string {
  const hue = Math.floor(rand() * 360);
  return `<defs><linearGradient id="bg" x1="0" y1="0" x2="1" y2="1">
    <stop offset="0" stop-color="hsl(${hue},25%,${55 + rand() * 20}%)"/>
    <stop offset="1" stop-color="hsl(${(hue + 40) % 360},20%,${35 + rand() * 20}%)"/>
  </linearGradient></defs><rect width="${WIDTH}" height="${HEIGHT}" fill="url(#bg)"/>`;
}

/** The unit's label as printed by the factory. */
export async function labelPhoto(
  text: LabelText,
  seed: number,
  conditions: Conditions = CLEAN,
): Promise<Buffer> {
  const rand = random(seed);
  const x = 150 + rand() * 150;
  const y = 180 + rand() * 150;
  const lines = [
    ['Anker PowerCore 10000', 44, 700],
    [`Model: ${text.model}`, 50, 400],
    [`S/N: ${text.serial}`, 50, 400],
    ['Input: 5V 2A  Output: 5V 2.4A', 34, 400],
    ['10000mAh 3.6V 36Wh  Made in China', 34, 400],
  ] as const;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">
    ${background(rand)}
    <rect x="${x - 60}" y="${y - 90}" width="1180" height="760" rx="60" fill="#1d1f22"/>
    <rect x="${x}" y="${y}" width="1060" height="520" rx="14" fill="#f4f4f0"/>
    ${lines
      .map(
        ([line, size, weight], i) =>
          `<text x="${x + 50}" y="${y + 95 + i * 95}" font-family="DejaVu Sans" font-size="${size}" font-weight="${weight}" fill="#111">${xmlEscape(line)}</text>`,
      )
      .join('')}
  </svg>`;
  return finishPhoto(Buffer.from(svg), rand, conditions);
}

const HANDS = [
  { family: 'DejaVu Sans', style: 'oblique', weight: 700 },
  { family: 'DejaVu Sans', style: 'normal', weight: 700 },
  { family: 'DejaVu Serif', style: 'italic', weight: 700 },
  { family: 'DejaVu Sans Mono', style: 'oblique', weight: 700 },
];

/**
 * One line of marker writing: each letter a little turned and off the line, as a hand writes,
 * in one of several letter shapes.
 */
function handwriting(
  text: string,
  x: number,
  y: number,
  size: number,
  rand: () => number,
  hand: number,
): string {
  const font = HANDS[hand % HANDS.length] as (typeof HANDS)[number];
  let cursor = x;
  const width = (char: string) =>
    char === ' '
      ? 0.45
      : /[A-Z]/.test(char)
        ? char === 'I'
          ? 0.42
          : /[MW]/.test(char)
            ? 0.98
            : 0.8
        : /[0-9]/.test(char)
          ? 0.7
          : /[il.,:/-]/.test(char)
            ? 0.42
            : /[mw]/.test(char)
              ? 0.95
              : 0.66;
  return [...text]
    .map((char) => {
      const angle = (rand() - 0.5) * 12;
      const dy = (rand() - 0.5) * size * 0.12;
      const glyph = `<text x="${cursor.toFixed(1)}" y="${(y + dy).toFixed(1)}" transform="rotate(${angle.toFixed(1)} ${cursor.toFixed(1)} ${y.toFixed(1)})" font-family="${font.family}" font-style="${font.style}" font-weight="${font.weight}" font-size="${size}" fill="#0b0b10" stroke="#0b0b10" stroke-width="${(size / 28).toFixed(1)}" stroke-linejoin="round">${xmlEscape(char)}</text>`;
      cursor += size * width(char) * (font.family.includes('Mono') ? 1.05 : 1) * (1 + rand() * 0.1);
      return glyph;
    })
    .join('');
}

/** The unit with the owner's writing: RECALLED, their name, the date and the claim code. */
export async function markedPhoto(
  text: MarkedText,
  seed: number,
  conditions: Conditions = CLEAN,
  /** Which letter shapes (0-3); by default one drawn from the seed. */
  chosenHand?: number,
): Promise<Buffer> {
  const rand = random(seed);
  const drawn = Math.floor(rand() * HANDS.length);
  const hand = chosenHand ?? drawn;
  const x = 140 + rand() * 120;
  const y = 150 + rand() * 100;
  const lines = [text.word, text.name, text.date, text.code].filter((line): line is string => Boolean(line));
  const size = 86 + rand() * 14;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">
    ${background(rand)}
    <rect x="${x - 40}" y="${y - 40}" width="1260" height="860" rx="70" fill="#e9e9e4"/>
    ${lines.map((line, i) => handwriting(line, x + 40 + rand() * 40, y + 140 + i * 175, size, rand, hand)).join('')}
  </svg>`;
  return finishPhoto(Buffer.from(svg), rand, conditions);
}

/** Photographs a drawn scene: shear, rotation, light, noise, blur, size and JPEG damage. */
export async function finishPhoto(svg: Buffer, rand: () => number, c: Conditions): Promise<Buffer> {
  let image = sharp(svg, { density: 72 }).flatten({ background: '#777' });
  if (c.shear)
    image = sharp(await image.png().toBuffer()).affine([1, c.shear, 0, 1], { background: '#6a6a66' });
  if (c.rotate) image = sharp(await image.png().toBuffer()).rotate(c.rotate, { background: '#6a6a66' });
  let raw = await image.raw().toBuffer({ resolveWithObject: true });
  const pixels = raw.data;
  for (let i = 0; i < pixels.length; i++) {
    let value = (pixels[i] as number) * c.light;
    if (c.noise) value += (rand() + rand() + rand() - 1.5) * c.noise * 1.4;
    pixels[i] = Math.max(0, Math.min(255, value));
  }
  let out = sharp(pixels, {
    raw: { width: raw.info.width, height: raw.info.height, channels: raw.info.channels },
  });
  if (c.blur >= 0.3) out = out.blur(c.blur);
  raw = undefined as never;
  return out
    .resize({ width: c.size, height: c.size, fit: 'inside' })
    .jpeg({ quality: c.jpegQuality })
    .toBuffer();
}

/** `photo` with a share of each side cut off (left, top, right, bottom). */
async function cropped(photo: Buffer, [left, top, right, bottom]: number[]) {
  const meta = await sharp(photo).metadata();
  const w = meta.width ?? 1000;
  const h = meta.height ?? 750;
  const x = Math.round(w * (left as number));
  const y = Math.round(h * (top as number));
  return sharp(photo).extract({
    left: x,
    top: y,
    width: Math.round(w * (1 - (right as number))) - x,
    height: Math.round(h * (1 - (bottom as number))) - y,
  });
}

/** The ways a fraudster copies a photo (reusedPhoto). */
export const COPIES = ['cropped', 'uneven', 'screen'] as const;
export type Copy = (typeof COPIES)[number];

/**
 * A reused photo as a fraudster makes one `way`: cropped 2-6 % a side, or unevenly (up to 5 %
 * a side), re-encoded, resized and maybe recoloured; or photographed off a screen (turned a few
 * degrees, the screen's colour and contrast, its bezel cropped away, softened).
 */
export async function reusedPhoto(photo: Buffer, way: Copy, rand: () => number): Promise<Buffer> {
  if (way === 'screen') {
    const onScreen = await sharp(photo)
      .resize({ width: 900 })
      .modulate({ brightness: 0.85 + rand() * 0.3 })
      .tint({ r: 200 + rand() * 55, g: 220 + rand() * 35, b: 255 })
      .gamma(1.2 + rand())
      .extend({ top: 30, bottom: 30, left: 30, right: 30, background: '#111' })
      .toBuffer();
    const shot = await sharp(onScreen)
      .rotate((rand() - 0.5) * 6, { background: '#222' })
      .blur(0.5 + rand())
      .toBuffer();
    const bezel = 0.03 + rand() * 0.03;
    return (await cropped(shot, [bezel, bezel, bezel, bezel]))
      .jpeg({ quality: 60 + Math.floor(rand() * 30) })
      .toBuffer();
  }
  const even = 0.02 + rand() * 0.04;
  const sides =
    way === 'cropped' ? [even, even, even, even] : [rand(), rand(), rand(), rand()].map((r) => r * 0.05);
  let image = await cropped(photo, sides);
  if (rand() < 0.5)
    image = image.modulate({ saturation: 0.6 + rand() * 0.8, brightness: 0.9 + rand() * 0.2 });
  return image
    .resize({ width: Math.round(1000 * (0.6 + rand() * 0.5)) })
    .jpeg({ quality: 60 + Math.floor(rand() * 30) })
    .toBuffer();
}
