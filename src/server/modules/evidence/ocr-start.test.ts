import { afterEach, describe, expect, it, vi } from 'vitest';

// Tesseract's workers stood in for: the second of a pool's workers fails to start, once.
const terminated: number[] = [];
let starts = 0;
vi.mock('tesseract.js', async (original) => ({
  ...(await original<typeof import('tesseract.js')>()),
  createWorker: vi.fn(async () => {
    const worker = ++starts;
    if (worker === 2) throw new Error('the worker thread could not start');
    return { terminate: async () => void terminated.push(worker) };
  }),
}));
const { configureOcr, OcrEngine, sharedOcr, shutdownOcr } = await import('./ocr.ts');

afterEach(() => {
  terminated.length = 0;
  starts = 0;
});

describe('starting the OCR pool', () => {
  it('stops the workers that started when one of them could not, and throws', async () => {
    await expect(OcrEngine.start(3)).rejects.toThrow(/could not start/);
    expect(terminated.sort()).toEqual([1, 3]); // no worker thread left running
  });

  it('starts the shared pool again on the next use after a start that failed', async () => {
    configureOcr(2);
    await expect(sharedOcr()).rejects.toThrow(/could not start/); // workers 1 and 2
    const engine = await sharedOcr(); // workers 3 and 4
    expect(await sharedOcr()).toBe(engine);
    await shutdownOcr();
    expect(terminated.sort()).toEqual([1, 3, 4]);
    await shutdownOcr(); // nothing left to stop
  });
});
