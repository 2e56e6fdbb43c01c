import type { FastifyRequest } from 'fastify';
import { type Language, pickLanguage } from '../../shared/languages.ts';

/** The caller's language: `?lang=` if given, else the best match of Accept-Language. */
export function requestLanguage(request: FastifyRequest): Language {
  const explicit = (request.query as Record<string, unknown> | undefined)?.lang;
  return pickLanguage(typeof explicit === 'string' ? explicit : request.headers['accept-language']);
}
