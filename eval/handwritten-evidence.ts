import sharp from 'sharp';
import { type Conditions, finishPhoto, type MarkedText, random } from './synthetic-evidence.ts';

/**
 * The marked photo as owners really make it: handwriting in permanent marker, on the unit's own
 * surface or on a sheet of paper beside it. The letters come from handwriting fonts shipped as
 * Debian packages (fonts-bwht, fonts-comic-neue, fonts-dancingscript; `.ci/run` installs them),
 * drawn as a marker would: thick strokes, an uneven baseline, every letter a little turned and
 * shifted, letters touching.
 */

/** The hands, by font family. Tune the reading on some; keep at least one out (HELD_OUT_HANDS). */
export const HANDS = [
  'Because We Connect',
  'Because We Create',
  'Because We Mentor',
  'Because We Organize',
  'Comic Neue',
  'Dancing Script',
] as const;
export type Hand = (typeof HANDS)[number];
/** Never looked at while tuning: they say whether the reading generalises. */
export const HELD_OUT_HANDS: readonly Hand[] = ['Because We Organize', 'Dancing Script'];

/**
 * The hands the marker head learns from (eval/train-marker-head.ts), none of them a hand of
 * eval:evidence's, so every hand it is judged on is one it never saw. From the Debian packages
 * TRAINING_HAND_PACKAGES.
 */
export const TRAINING_HANDS = [
  'Breip',
  'Delphine',
  'DkgHandwriting',
  'Humor Sans',
  'Kaushan Script',
  'Klee One',
  'Kristi',
  'Rufscript',
  'SetoFont',
  'Steve',
  'Tomson Talks',
  'Yusei Magic',
  'kiloji',
  'Lobster Two',
  'Havana',
  'AoyagiKouzanFontT',
] as const;
export type TrainingHand = (typeof TRAINING_HANDS)[number];
export const TRAINING_HAND_PACKAGES = [
  'fonts-breip',
  'fonts-dkg-handwriting',
  'fonts-humor-sans',
  'fonts-kaushanscript',
  'fonts-klee',
  'fonts-kristi',
  'fonts-rufscript',
  'fonts-seto',
  'fonts-sjfonts',
  'fonts-tomsontalks',
  'fonts-yusei-magic',
  'fonts-kiloji',
  'fonts-lobster',
  'fonts-havana',
  'fonts-aoyagi-kouzan-t',
] as const;

export const SURFACES = ['dark_unit', 'light_unit', 'paper'] as const;
export type Surface = (typeof SURFACES)[number];

/** Every way people write a date, for 22 November 2026 and any other day. */
export function dateForms(day: Date): string[] {
  const d = day.getUTCDate();
  const m = day.getUTCMonth() + 1;
  const y = day.getUTCFullYear();
  const month = day.toLocaleString('en', { month: 'short', timeZone: 'UTC' });
  const two = (n: number) => String(n).padStart(2, '0');
  return [
    `${two(m)}/${two(d)}/${y}`,
    `${two(d)}/${two(m)}/${y}`,
    `${two(d)}.${two(m)}.${String(y).slice(2)}`,
    `${month} ${d} ${y}`,
    `${y}-${two(m)}-${two(d)}`,
    `${d} ${month.toUpperCase()}`,
    `${y}年${m}月${d}日`,
  ];
}

/** How owners write the claim code: as shown, without the dash, in lower case, with spaces. */
export function writtenCode(code: string, rand: () => number): string {
  const ways = [code, code, code.replaceAll('-', ''), code.toLowerCase(), code.replaceAll('-', ' ')];
  return ways[Math.floor(rand() * ways.length)] as string;
}

const xmlEscape = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const WIDTH = 1600;
const HEIGHT = 1200;

/**
 * Advance of a glyph, as a share of the font size; script hands run letters into each other. A
 * CJK glyph comes from a print font, full width, its ink to 0.99 of its size: the next glyph
 * starts past it at any scale and stroke (`writtenLine`), or a narrow 1 of the "Because We" hands
 * vanishes into 年's last stroke, and "2026年11月" shows "2026年1月" to the eye too (0030).
 */
function advance(char: string, hand: Hand | TrainingHand): number {
  if (/[\u3400-\u9fff]/.test(char)) return 1.1;
  const tight = hand === 'Dancing Script' ? 0.86 : hand.startsWith('Because') ? 0.92 : 1;
  const base = /\s/.test(char)
    ? 0.38
    : /[MWmw]/.test(char)
      ? 0.82
      : /[A-Z0-9]/.test(char)
        ? 0.62
        : /[il.,:/-]/.test(char)
          ? 0.3
          : 0.52;
  return base * tight;
}

/** One written line: each glyph its own angle and height on a baseline that drifts. */
function writtenLine(
  text: string,
  x: number,
  y: number,
  size: number,
  ink: string,
  { hand, pen = EVAL_PEN }: HandwrittenOptions,
  rand: () => number,
) {
  let cursor = x;
  const drift = (rand() - 0.5) * 0.06; // the line climbs or falls as the hand moves
  const wave = rand() * Math.PI * 2;
  // CJK glyphs come from the system's CJK font: handwriting fonts have none.
  return [...text]
    .map((char, index) => {
      const cjk = /[\u3400-\u9fff]/.test(char);
      const family = cjk ? 'Noto Sans CJK SC, WenQuanYi Zen Hei, sans-serif' : `${hand}, sans-serif`;
      const angle = (rand() - 0.5) * 14;
      const baseline =
        y + (cursor - x) * drift + Math.sin(wave + index * 0.7) * size * 0.05 + (rand() - 0.5) * size * 0.1;
      const scale = 0.92 + rand() * 0.16;
      const glyph = `<text x="${cursor.toFixed(1)}" y="${baseline.toFixed(1)}" transform="rotate(${angle.toFixed(1)} ${cursor.toFixed(1)} ${baseline.toFixed(1)})" font-family="${family}" font-weight="700" font-size="${(size * scale).toFixed(1)}" fill="${ink}" stroke="${ink}" stroke-width="${(size * pen.stroke).toFixed(1)}" stroke-linejoin="round" stroke-linecap="round">${xmlEscape(char)}</text>`;
      // A pen's spacing brings letters closer; a full-width CJK glyph keeps its width.
      const width = cjk ? scale * advance(char, hand) + pen.stroke : advance(char, hand) * pen.spacing;
      cursor += size * width * (0.96 + rand() * 0.1);
      return glyph;
    })
    .join('');
}

/** The power bank seen from above: a rounded body, glossy (a soft highlight) when dark. */
function unitBody(x: number, y: number, w: number, h: number, colour: string, glossy: boolean) {
  return `<defs><linearGradient id="gloss" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#ffffff" stop-opacity="${glossy ? 0.22 : 0.08}"/>
      <stop offset="0.45" stop-color="#ffffff" stop-opacity="0"/>
      <stop offset="1" stop-color="#000000" stop-opacity="0.18"/>
    </linearGradient></defs>
    <rect x="${x}" y="${y}" width="${w}" height="${h}" rx="70" fill="${colour}"/>
    <rect x="${x}" y="${y}" width="${w}" height="${h}" rx="70" fill="url(#gloss)"/>`;
}

/** How thick the marker (a share of the letter size) and how far apart the letters (× the hand's). */
export interface Pen {
  stroke: number;
  spacing: number;
}
const EVAL_PEN: Pen = { stroke: 1 / 16, spacing: 1 };

export interface HandwrittenOptions {
  hand: Hand | TrainingHand;
  surface: Surface;
  /** eval:evidence's pen unless given: the marker head learns from others as well. */
  pen?: Pen;
}

/** The marked photo: RECALLED, the name, the date and the claim code, written by `hand` on `surface`. */
export async function handwrittenPhoto(
  text: MarkedText,
  seed: number,
  options: HandwrittenOptions,
  conditions: Conditions,
): Promise<Buffer> {
  const rand = random(seed);
  const hue = Math.floor(rand() * 360);
  const table = `<rect width="${WIDTH}" height="${HEIGHT}" fill="hsl(${hue},18%,${40 + rand() * 25}%)"/>`;
  const lines = [text.word, text.name, text.date, text.code].filter((line): line is string => Boolean(line));
  const size = 92 + rand() * 22;
  let scene: string;
  let ink: string;
  let x: number;
  let y: number;
  if (options.surface === 'paper') {
    // The unit lies beside a sheet of paper the owner wrote on.
    scene = `${unitBody(60, 380, 360, 620, '#23262b', true)}
      <rect x="470" y="${90 + rand() * 40}" width="1060" height="1020" fill="#fbfaf5" transform="rotate(${((rand() - 0.5) * 4).toFixed(1)} 1000 600)"/>`;
    ink = '#101014';
    x = 540 + rand() * 40;
    y = 200 + rand() * 60;
  } else {
    const dark = options.surface === 'dark_unit';
    scene = unitBody(90, 110, 1420, 980, dark ? '#1f2226' : '#d9dadc', dark);
    // A white or silver paint marker on a dark unit, a black one on a light unit.
    ink = dark ? (rand() < 0.5 ? '#f4f4f2' : '#c9ccd1') : '#141418';
    x = 170 + rand() * 80;
    y = 200 + rand() * 60;
  }
  const step = Math.min(size * 1.9, 820 / Math.max(lines.length, 1));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">
    ${table}${scene}
    ${lines.map((line, i) => writtenLine(line, x + rand() * 50, y + 110 + i * step, size, ink, options, rand)).join('')}
  </svg>`;
  return finishPhoto(Buffer.from(svg), rand, conditions);
}

/**
 * Renders a line in each of `hands` once, so a missing font is found before a whole set is made;
 * `packages` are what to install.
 */
export async function checkHandsInstalled(
  hands: readonly string[] = HANDS,
  packages = 'fonts-bwht, fonts-comic-neue and fonts-dancingscript',
): Promise<void> {
  const widths = await Promise.all(
    [...hands, 'a font nobody has'].map(async (family) => {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="120"><text x="10" y="90" font-family="${family}" font-size="80">Recalled 2026</text></svg>`;
      const { data } = await sharp(Buffer.from(svg))
        .flatten({ background: '#fff' })
        .greyscale()
        .raw()
        .toBuffer({ resolveWithObject: true });
      return data.reduce((sum, value) => sum + (value < 128 ? 1 : 0), 0);
    }),
  );
  const fallback = widths.at(-1);
  const missing = hands.filter((_, i) => widths[i] === fallback);
  if (missing.length > 0)
    throw new Error(
      `Handwriting fonts missing: ${missing.join(', ')}. Install ${packages} (apt-get install).`,
    );
}
