import { describe, expect, it } from 'vitest';
import { loadOnce } from './load-once.ts';

describe('loadOnce', () => {
  it('loads once for any number of uses, at the same time or later', async () => {
    let loads = 0;
    const get = loadOnce(async () => ({ load: ++loads }));
    const [a, b] = await Promise.all([get(), get()]);
    expect(a).toBe(b);
    expect(await get()).toBe(a);
    expect(loads).toBe(1);
  });

  it('tries again after a load that failed', async () => {
    let loads = 0;
    const get = loadOnce(async () => {
      loads++;
      if (loads === 1) throw new Error('the SMTP server could not be reached');
      return 'transport';
    });
    await expect(get()).rejects.toThrow(/could not be reached/);
    expect(await get()).toBe('transport');
    expect(await get()).toBe('transport');
    expect(loads).toBe(2);
  });

  it('hands back what it loaded when told to forget it, and loads anew on the next use', async () => {
    let loads = 0;
    const get = loadOnce(async () => ({ load: ++loads }));
    expect(get.forget()).toBeUndefined(); // nothing loaded yet
    const first = await get();
    expect(await get.forget()).toBe(first);
    expect(await get()).toEqual({ load: 2 });
  });
});
