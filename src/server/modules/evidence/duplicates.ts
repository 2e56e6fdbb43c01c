import { canonical, codeReadings, matchClaimCode, matchSerial } from './matching.ts';
import { bandsMeet, centreOf, hammingDistance, LOOKUP_CROPS } from './quality.ts';
import { SAME_SCENE, sceneSimilarity } from './scene.ts';

/**
 * Telling a reused photo from a new one. Perceptual hashes find candidates: re-encoded, resized
 * or recoloured copies stay within NEAR_DUPLICATE_BITS of 64, and a cropped copy of a marked photo
 * comes as near through the hashes of its crops (see hashDistance). But two honest photos of the
 * same label, framed alike, can be as close, so the text read in the photos, or the fine detail of
 * marked ones, decides (see sameScene).
 */

export const NEAR_DUPLICATE_BITS = 12;
/** How far the bands of a new photo's `index`th crop hash are looked up (quality.ts LOOKUP_CROPS). */
export const cropBandBits = (index: number): 1 | 2 => LOOKUP_CROPS[index]?.bandBits ?? 1;
const CLOSE_WITHOUT_TEXT_BITS = 4;

/** The serial and claim code a photo was taken for. */
export interface PhotoIdentity {
  serial: string | null;
  code: string;
}

/** Whether the text shows this serial (exactly, look-alikes allowed) or claim code (as the code check passes it). */
function shows(lines: readonly string[], identity: PhotoIdentity): boolean {
  if (lines.length === 0) return false;
  if (identity.serial && matchSerial(lines, identity.serial).distance === 0) return true;
  return matchClaimCode(lines, identity.code).outcome === 'pass';
}

/** A photo's hashes: its own and, for a marked photo, its crops' (quality.ts cropHashes). */
export interface PhotoHashes {
  phash: bigint;
  crops?: readonly bigint[] | undefined;
}

/**
 * How near the hash lookup finds `stored` from a new photo, as `nearDuplicates` asks the database:
 * the nearer of their own hashes (bands within two bits) and of the stored photo's centre to those
 * of the new photo's crops that share a band with it within cropBandBits; Infinity when the
 * lookup's bands do not meet at all.
 */
export function hashDistance(stored: PhotoHashes, probe: PhotoHashes): number {
  const own = bandsMeet(stored.phash, probe.phash, 2) ? hammingDistance(stored.phash, probe.phash) : Infinity;
  const centre = stored.crops && centreOf(stored.crops);
  if (centre === undefined || !probe.crops) return own;
  const byCentre = probe.crops
    .filter((crop, index) => bandsMeet(centre, crop, cropBandBits(index)))
    .map((crop) => hammingDistance(centre, crop));
  return Math.min(own, ...byCentre);
}

/** A photo as the duplicate rule sees it: its kind, its text, the claim's identity, its scene signature. */
export interface ScenePhoto {
  kind: string;
  lines: readonly string[];
  identity: PhotoIdentity;
  /** Marked photos analysed since scene signatures were kept (scene.ts). */
  scene?: string | undefined;
}

/**
 * Whether a hash candidate is the same photo. Within NEAR_DUPLICATE_BITS it is when either
 * photo shows the other claim's serial or code (a photo made for that claim); it is not when
 * both show their own (two units, photographed alike). Otherwise two marked photos with scene
 * signatures are one photo when their fine detail matches (the writing need not be read); without
 * signatures, when their handwriting reads alike, or a much closer hash. Labels without legible
 * text are never taken for one another (exact copies of a file are found by its sha256).
 */
export function sameScene(distance: number, mine: ScenePhoto, other: ScenePhoto): boolean {
  if (distance > NEAR_DUPLICATE_BITS) return false;
  if (shows(mine.lines, other.identity) || shows(other.lines, mine.identity)) return true;
  const mineOwn = shows(mine.lines, mine.identity);
  const otherOwn = shows(other.lines, other.identity);
  if (mineOwn && otherOwn) return false;
  const bothMarked = mine.kind === 'marked' && other.kind === 'marked';
  if (bothMarked && mine.scene && other.scene) return sceneSimilarity(mine.scene, other.scene) >= SAME_SCENE;
  // One legible: OCR may have read a copy of a marked photo worse than its original, so a much
  // closer hash decides. (A copied label shows the wrong serial, which the serial check catches.)
  if (mineOwn || otherOwn) return bothMarked && distance <= CLOSE_WITHOUT_TEXT_BITS;
  // Neither legible. Labels are printed to one template and honest ones come within 3 bits, so
  // the hash cannot tell them: a copied label shows another claim's serial, for the rule above
  // or the serial check. Two marked photos whose handwriting reads alike are one photo.
  if (!bothMarked) return false;
  return handwritingSimilarity(mine.lines, other.lines) >= 0.6 || distance <= CLOSE_WITHOUT_TEXT_BITS;
}

/**
 * Jaccard similarity of the words (three characters or more, canonical) read in two photos;
 * 0 when either has fewer than three words. Meaningful for handwriting only: every label
 * shares its printed words.
 */
export function handwritingSimilarity(a: readonly string[], b: readonly string[]): number {
  const words = (lines: readonly string[]) =>
    new Set(
      lines
        .flatMap((line) => line.split(/\s+/))
        .map(canonical)
        .filter((word) => word.length >= 3),
    );
  const wa = words(a);
  const wb = words(b);
  if (wa.size < 3 || wb.size < 3) return 0;
  let shared = 0;
  for (const word of wa) if (wb.has(word)) shared++;
  return shared / (wa.size + wb.size - shared);
}

/**
 * Claim codes legible in the text, in canonical form ("RK" and eight characters, look-alikes
 * collapsed as `canonical` does; compare with `canonical(code)`): a photo showing another
 * claim's code was made for that claim. A ")" may be a J, as for the claim code check; a
 * code read with one character too many ("RK-KWTA-J QRKW") stands for each reading without
 * one of them (eight random characters from 24: one of those matching another claim's code by
 * chance is as unlikely as the code itself).
 */
export function claimCodesIn(lines: readonly string[]): string[] {
  const codes = new Set<string>();
  for (const line of codeReadings(lines).flat())
    for (const match of canonical(line).matchAll(/RK([A-Z0-9]{8,9})/g)) {
      const read = match[1] as string;
      if (read.length === 8) codes.add(`RK${read}`);
      else for (let i = 0; i < read.length; i++) codes.add(`RK${read.slice(0, i)}${read.slice(i + 1)}`);
    }
  return [...codes];
}

/** `canonical(code)` in SQL, for the expression index claim_code_canonical. */
export const CANONICAL_CODE_SQL = "translate(replace(code, '-', ''), 'OQDILZSBG', '000112586')";
