import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { AppError } from '../../errors.ts';

/**
 * Where webhooks may go: public addresses only. A manager could otherwise point an endpoint at
 * the loopback, the private network or a cloud metadata service and read its answers on the
 * deliveries page (server-side request forgery). Hosts an operator names in
 * WEBHOOK_ALLOWED_HOSTS are exempt (a partner on the private network).
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress())
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  // 'unicast' is what remains after loopback, private, link-local (169.254.169.254, the metadata
  // service), carrier-grade NAT, unique-local, multicast, reserved and unspecified ranges.
  return parsed.range() === 'unicast';
}

const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();

/** At registration: the URL's host must resolve only to public addresses (or be allowed by name). */
export async function checkDestination(rawUrl: string, allowedHosts: ReadonlySet<string>): Promise<void> {
  const url = new URL(rawUrl);
  const host = hostOf(url);
  if (allowedHosts.has(host)) return;
  let addresses: string[];
  if (ipaddr.isValid(host)) addresses = [host];
  else {
    try {
      addresses = (await dns.promises.lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      throw new AppError('webhook_destination_refused', { reason: 'its host name does not resolve' });
    }
  }
  if (addresses.some((address) => !isPublicAddress(address)))
    throw new AppError('webhook_destination_refused', {
      reason: 'it points to a private, loopback, link-local or metadata address',
    });
}

/**
 * A DNS lookup that refuses private addresses for hosts not allowed by name: checked again on
 * the address actually connected to, so a name that resolved to a public address at
 * registration cannot be turned to an internal one later (DNS rebinding).
 */
function guardedLookup(allowedHosts: ReadonlySet<string>): LookupFunction {
  return (hostname, options, callback) => {
    const done = callback as unknown as (error: Error | null, address?: unknown, family?: number) => void;
    dns.lookup(hostname, { ...options, verbatim: true }, (error, address, family) => {
      if (error || allowedHosts.has(hostname.toLowerCase())) return done(error, address, family);
      const all: { address: string }[] = Array.isArray(address) ? address : [{ address }];
      if (all.some((entry) => !isPublicAddress(entry.address)))
        return done(
          Object.assign(new Error(`${hostname} resolves to a private address`), { code: 'EPRIVATE' }),
        );
      return done(null, address, family);
    });
  };
}

/** POSTs `body` to a webhook endpoint; never follows redirects; reads at most 64 KB of the answer. */
export function postToEndpoint(
  rawUrl: string,
  headers: Record<string, string>,
  body: string,
  options: { allowedHosts: ReadonlySet<string>; timeoutMs: number },
): Promise<{ status: number; excerpt: string }> {
  const url = new URL(rawUrl);
  const host = hostOf(url);
  if (!options.allowedHosts.has(host) && ipaddr.isValid(host) && !isPublicAddress(host))
    return Promise.reject(new Error(`${host} is a private address`));
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: guardedLookup(options.allowedHosts),
        timeout: options.timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < 65_536) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, excerpt: excerptOf(Buffer.concat(chunks)) }),
        );
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
}

/** A short, printable excerpt of an answer, for the deliveries page: never the whole of it. */
export function excerptOf(bytes: Buffer): string {
  return bytes
    .toString('utf8')
    .replace(/[^\x20-\x7e\u00a0-\uffff]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}
