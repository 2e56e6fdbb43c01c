import { describe, expect, it } from 'vitest';
import { checkDestination, excerptOf, isPublicAddress } from './destination.ts';

describe('webhook destinations', () => {
  it('tells public addresses from loopback, private, link-local, metadata and other special ones', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111'])
      expect(isPublicAddress(address), address).toBe(true);
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.100.100.200',
      '0.0.0.0',
      '255.255.255.255',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00:ec2::254',
      '::ffff:127.0.0.1',
      'not an address',
    ])
      expect(isPublicAddress(address), address).toBe(false);
  });

  it('refuses an endpoint on a private address at registration, unless its host is allowed', async () => {
    for (const url of [
      'http://127.0.0.1:8080/admin/secrets',
      'http://localhost/hook',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/hook',
      'http://[::ffff:10.0.0.1]/hook',
      'https://192.168.0.10/hook',
    ])
      await expect(checkDestination(url, new Set()), url).rejects.toMatchObject({
        code: 'webhook_destination_refused',
      });
    await expect(
      checkDestination('http://127.0.0.1:8080/hook', new Set(['127.0.0.1'])),
    ).resolves.toBeUndefined();
    await expect(checkDestination('https://93.184.216.34/hook', new Set())).resolves.toBeUndefined();
  });

  it('keeps a short, printable excerpt of an answer', () => {
    expect(excerptOf(Buffer.from(`secret\u0000\u001b[31m${'x'.repeat(500)}`))).toHaveLength(200);
    expect(excerptOf(Buffer.from('{"ok":\n true}'))).toBe('{"ok": true}');
  });
});
