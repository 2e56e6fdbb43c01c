import type { Socket } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { errorBody, handleError } from './errors.ts';

// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what is looked for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Deeper than any body the API takes; deeper still is refused rather than walked. */
const MAX_DEPTH = 32;

/**
 * The path of the first string in `value` that PostgreSQL cannot store (a NUL byte in text or
 * jsonb) or that is not text at all (an unpaired UTF-16 surrogate), or undefined. Walked
 * without recursion: a body nested 100,000 deep must not exhaust the stack.
 */
export function unstorableText(value: unknown, root = 'the text'): string | undefined {
  const stack: [unknown, string, number][] = [[value, '', 0]];
  while (stack.length > 0) {
    const [node, at, depth] = stack.pop() as [unknown, string, number];
    if (typeof node === 'string') {
      if (UNSTORABLE.test(node)) return at || root;
    } else if (node && typeof node === 'object') {
      if (depth >= MAX_DEPTH)
        throw new AppError('invalid_request', { details: `${at || root} is nested too deeply` });
      for (const [key, inner] of Object.entries(node)) {
        const path = at ? `${at}.${key}` : `${root}.${key}`;
        if (UNSTORABLE.test(key)) return path;
        stack.push([inner, path, depth + 1]);
      }
    }
  }
  return undefined;
}

/** Refuses, before validation, any body, query or path parameter carrying unstorable text. */
function refuseUnstorableText(request: FastifyRequest) {
  const field =
    unstorableText(request.params, 'params') ??
    unstorableText(request.query, 'query') ??
    unstorableText(request.body, 'body');
  if (field) throw new AppError('text_unstorable', { field });
}

/** A JSON body declared in another charset than UTF-8 would be read as UTF-8 anyway: refuse it. */
function refuseOtherCharsets(request: FastifyRequest) {
  const type = request.headers['content-type'];
  if (!type || !/^application\/json/i.test(type)) return;
  const charset = /;\s*charset=("?)([^";]+)\1/i.exec(type)?.[2];
  if (charset && !/^utf-?8$/i.test(charset)) throw new AppError('unsupported_media_type');
}

/** Node's HTTP parser refused the request before Fastify saw it: answer in the envelope too. */
function clientErrorHandler(error: Error & { code?: string }, socket: Socket) {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const appError = tooLarge
    ? new AppError('headers_too_large')
    : new AppError('invalid_request', { details: 'the HTTP request could not be parsed' });
  const body = JSON.stringify(errorBody('en', appError));
  socket.end(
    `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
      `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}

/** The server options that route Node's and the router's own refusals to the error envelope. */
export const inputSafetyServerOptions = {
  clientErrorHandler,
  // A path Fastify's router cannot decode or whose parameter is too long (never echoed back).
  frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
    const code = (error as { code?: string }).code;
    const appError =
      code === 'FST_ERR_MAX_PARAM_LENGTH' || code === 'FST_ERR_BAD_URL'
        ? new AppError('not_found')
        : new AppError('invalid_request', { details: 'the request could not be read' });
    handleError(appError, request, reply);
  },
};

/** Hooks every route runs before its schema is checked. */
export function inputSafety(app: FastifyInstance) {
  app.addHook('preValidation', async (request) => {
    refuseOtherCharsets(request);
    refuseUnstorableText(request);
  });
}
