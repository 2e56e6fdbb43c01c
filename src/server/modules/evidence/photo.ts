import { createHash } from 'node:crypto';
import exifr from 'exifr';
import heicDecode from 'heic-decode';
import sharp, { type OutputInfo, type Sharp } from 'sharp';

export type PhotoFormat = 'jpeg' | 'png' | 'webp' | 'heif';

export type PhotoProblem =
  | 'photo_empty'
  | 'photo_too_large'
  | 'photo_too_many_pixels'
  | 'photo_unsupported_type'
  | 'photo_corrupt';

export class PhotoError extends Error {
  readonly code: PhotoProblem;
  constructor(code: PhotoProblem, detail: string) {
    super(detail);
    this.code = code;
  }
}

export interface PhotoLimits {
  maxBytes: number;
  maxPixels: number;
}

export interface ExifSummary {
  make?: string;
  model?: string;
  software?: string;
  /** As written by the camera: "2026:11:21 14:03:11", with the offset if the camera gave one. */
  takenAt?: string;
  takenAtOffset?: string;
  hasGps: boolean;
}

export interface ProcessedPhoto {
  format: PhotoFormat;
  original: { data: Buffer; sha256: string; mime: string };
  /** Oriented, at most 2048 px, JPEG, every piece of metadata (GPS included) stripped. */
  display: { data: Buffer; sha256: string; width: number; height: number };
  /** Size as the owner sees it (after orientation). */
  width: number;
  height: number;
  exif: ExifSummary | null;
}

const DISPLAY_MAX_SIDE = 2048;
const MIME: Record<PhotoFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  heif: 'image/heif',
};
const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1', 'avif']);

/** The format from the file's first bytes; names and declared types are not trusted. */
export function sniffFormat(data: Buffer): PhotoFormat | undefined {
  if (data.length >= 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (
    data.length >= 8 &&
    data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  )
    return 'png';
  if (
    data.length >= 12 &&
    data.toString('latin1', 0, 4) === 'RIFF' &&
    data.toString('latin1', 8, 12) === 'WEBP'
  )
    return 'webp';
  if (
    data.length >= 12 &&
    data.toString('latin1', 4, 8) === 'ftyp' &&
    HEIF_BRANDS.has(data.toString('latin1', 8, 12))
  )
    return 'heif';
  return undefined;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * Checks and prepares an uploaded photo. Throws PhotoError for anything an owner should be
 * told about (empty, too big, too many pixels, not a photo, damaged).
 */
export async function processPhoto(data: Buffer, limits: PhotoLimits): Promise<ProcessedPhoto> {
  if (data.length === 0) throw new PhotoError('photo_empty', 'the file is empty');
  if (data.length > limits.maxBytes) throw new PhotoError('photo_too_large', `${data.length} bytes`);
  const format = sniffFormat(data);
  if (!format) throw new PhotoError('photo_unsupported_type', 'not JPEG, PNG, WebP or HEIC/HEIF');

  const { image, width, height } = await decodable(data, format, limits);
  let display: { data: Buffer; info: OutputInfo };
  try {
    display = await image
      .rotate() // apply the EXIF orientation, then drop it with the rest of the metadata
      .resize({ width: DISPLAY_MAX_SIDE, height: DISPLAY_MAX_SIDE, fit: 'inside', withoutEnlargement: true })
      .jpeg({ quality: 85 })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw classify(error);
  }
  return {
    format,
    original: { data, sha256: sha256(data), mime: MIME[format] },
    display: {
      data: display.data,
      sha256: sha256(display.data),
      width: display.info.width,
      height: display.info.height,
    },
    width,
    height,
    exif: await readExif(data),
  };
}

interface Decodable {
  image: Sharp;
  /** As the owner sees it, after orientation. */
  width: number;
  height: number;
}

/** Opens the photo and reads its header once; HEVC HEIC goes through libheif in WASM. */
async function decodable(data: Buffer, format: PhotoFormat, limits: PhotoLimits): Promise<Decodable> {
  const options = { limitInputPixels: limits.maxPixels, failOn: 'truncated' as const };
  try {
    const image = sharp(data, options);
    // The header is read here; the pixels when the display copy is made, where damage (with
    // failOn: 'truncated') surfaces as photo_corrupt.
    const meta = await image.metadata();
    const turned = (meta.orientation ?? 1) >= 5;
    return {
      image,
      width: (turned ? meta.height : meta.width) ?? 0,
      height: (turned ? meta.width : meta.height) ?? 0,
    };
  } catch (error) {
    if (format !== 'heif') throw classify(error);
  }
  // iPhone HEIC is HEVC-compressed, which the prebuilt libvips cannot decode: libheif in WASM can.
  try {
    const images = await heicDecode.all({ buffer: data });
    const primary = images[0];
    if (!primary) throw new Error('no image in the file');
    if (primary.width * primary.height > limits.maxPixels) {
      images.dispose();
      throw new PhotoError('photo_too_many_pixels', `${primary.width}x${primary.height}`);
    }
    const { width, height, data: rgba } = await primary.decode();
    images.dispose();
    const image = sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), {
      raw: { width, height, channels: 4 },
    });
    return { image, width, height };
  } catch (error) {
    if (error instanceof PhotoError) throw error;
    throw new PhotoError('photo_corrupt', (error as Error).message);
  }
}

function classify(error: unknown): PhotoError {
  const message = (error as Error).message ?? String(error);
  if (/pixel limit/i.test(message)) return new PhotoError('photo_too_many_pixels', message);
  if (/unsupported image format/i.test(message)) return new PhotoError('photo_unsupported_type', message);
  return new PhotoError('photo_corrupt', message);
}

/** What the evidence checks and reviewers need from EXIF; GPS position is never kept. */
async function readExif(data: Buffer): Promise<ExifSummary | null> {
  try {
    // reviveValues: false keeps dates as written; exifr would build them in the server's zone.
    const tags = await exifr.parse(data, { tiff: true, exif: true, gps: true, reviveValues: false });
    if (!tags) return null;
    const text = (value: unknown) =>
      typeof value === 'string' && value.trim() ? value.trim().slice(0, 200) : undefined;
    const summary: ExifSummary = { hasGps: tags.GPSLatitude !== undefined || tags.latitude !== undefined };
    const make = text(tags.Make);
    const model = text(tags.Model);
    const software = text(tags.Software);
    const takenAt = text(tags.DateTimeOriginal) ?? text(tags.CreateDate);
    const takenAtOffset = text(tags.OffsetTimeOriginal);
    if (make) summary.make = make;
    if (model) summary.model = model;
    if (software) summary.software = software;
    if (takenAt) summary.takenAt = takenAt;
    if (takenAtOffset) summary.takenAtOffset = takenAtOffset;
    return summary;
  } catch {
    return null;
  }
}
