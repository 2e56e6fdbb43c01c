import { randomUUID, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import underPressure from '@fastify/under-pressure';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import {
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ErrorSchema } from '../shared/contracts/errors.ts';
import type { Db } from './db/database.ts';
import { pendingMigrations } from './db/migrate.ts';
import { AppError } from './errors.ts';
import { discardUnreadBody } from './http/discard-body.ts';
import { errorBody, handleError, sendError } from './http/errors.ts';
import { inputSafety, inputSafetyServerOptions } from './http/input-safety.ts';
import { databaseRateLimitStore } from './http/rate-limit-store.ts';
import { requestLanguage } from './http/request-language.ts';
import { httpRequestSeconds, operationsRegistry, requestsShedTotal, scrape } from './metrics.ts';
import { campaignConsoleRoutes } from './modules/catalog/campaigns.console.routes.ts';
import { catalogRoutes } from './modules/catalog/catalog.routes.ts';
import type { CatalogService } from './modules/catalog/catalog-service.ts';
import { LookupCounter } from './modules/catalog/lookup-counter.ts';
import { claimsRoutes } from './modules/claims/claims.routes.ts';
import type { ClaimsDeps } from './modules/claims/claims-deps.ts';
import { privacyConsoleRoutes } from './modules/claims/privacy.console.routes.ts';
import { noticeConsoleRoutes } from './modules/notices/notices.console.routes.ts';
import { noticeRoutes } from './modules/notices/notices.routes.ts';
import { outboxConsoleRoutes, retiredOutboxPage } from './modules/notify/notify.routes.ts';
import { fulfilmentRoutes } from './modules/remedies/fulfilment.routes.ts';
import { ProgressBoard } from './modules/reporting/progress.ts';
import { reportingConsoleRoutes, reportingRoutes } from './modules/reporting/reporting.routes.ts';
import { reviewRoutes } from './modules/review/review.routes.ts';
import { CONSOLE_PREFIX, type ConsoleRoute, consoleApi } from './modules/staff/console-gate.ts';
import { authenticate, type SessionPolicy } from './modules/staff/sessions.ts';
import { staffRoutes } from './modules/staff/staff.routes.ts';
import { webhookRoutes } from './modules/webhooks/webhooks.routes.ts';

export interface AppDependencies {
  db: Db;
  catalog: CatalogService;
  logger: Logger;
  lookupRateLimit: number;
  trustProxy: boolean;
  claims: ClaimsDeps;
  /** Hosts webhooks may reach although private (WEBHOOK_ALLOWED_HOSTS). */
  webhookAllowedHosts: ReadonlySet<string>;
  /** Show admins the outbox in the console (development without SMTP; never in production). */
  devOutboxPage: boolean;
  /** The staff console: session policy and sign-in attempts per client per 15 minutes (0: no limit). */
  console: { policy: SessionPolicy; loginRateLimit: number };
  /** Built web assets (index.html + assets/); the API runs without them. */
  webRoot?: string | undefined;
  /** Direct notices: a wave's rate, and the bearer token of the bounce endpoint (unset: off). */
  notices: { ratePerMinute: number; bounceToken: string | undefined };
  /**
   * Shed load (503 + Retry-After) while the event loop's mean delay is over this many milliseconds,
   * so the requests taken keep answering fast in a burst (0: never).
   */
  shedEventLoopDelayMs?: number | undefined;
  /** Bearer token of GET /metrics (unset: the route answers 404). */
  metricsToken?: string | undefined;
  /** How often lookup counts are written (default 30 s). */
  lookupCountFlushMs?: number | undefined;
}

/** The lookup index's size and age, for the metrics (none until the first build). */
export function lookupIndexStats(catalog: CatalogService) {
  if (!catalog.ready) return undefined;
  const snapshot = catalog.current();
  return { serials: snapshot.serialCount, bytes: snapshot.serialBytes, builtAt: snapshot.builtAt };
}

export const DEFAULT_WEB_ROOT = path.resolve(import.meta.dirname, '../../dist/web');

export async function buildApp(deps: AppDependencies): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    trustProxy: deps.trustProxy,
    bodyLimit: 1024 * 1024,
    requestIdHeader: false,
    genReqId: (request) => {
      const incoming = request.headers['x-request-id'];
      return typeof incoming === 'string' && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    },
    routerOptions: { maxParamLength: 200 },
    ...inputSafetyServerOptions,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  // The API speaks JSON only: anything else is 415, not a string for the schema to trip on.
  app.removeContentTypeParser('text/plain');
  inputSafety(app);
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Browsers take HSTS only over HTTPS; behind a proxy that terminates TLS, set TRUST_PROXY.
    if (request.protocol === 'https')
      reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
  });
  if (deps.shedEventLoopDelayMs) {
    // A burst (a recall on the evening news) past what this process serves: refuse the excess at
    // once instead of queueing it, so the requests taken keep a bounded latency (docs/decisions/0022).
    // The plugin measures; the refusal is ours. A pressure handler that sends its own answer lets
    // the request go on (the plugin calls next() after it): the route then did its work behind a 503.
    await app.register(underPressure, {
      maxEventLoopDelay: deps.shedEventLoopDelayMs,
      sampleInterval: 100,
      pressureHandler: () => undefined,
    });
    app.addHook('onRequest', async (request, reply) => {
      if (!app.isUnderPressure()) return;
      const path = request.url.split('?')[0];
      if (path === '/healthz' || path === '/metrics') return; // answered even then
      requestsShedTotal.inc();
      return sendError(reply, requestLanguage(request), new AppError('unavailable'));
    });
  }
  // Every answer: a content security policy (the web app loads only its own scripts and styles),
  // no framing, no sniffing, no referrer across origins. Helmet's middleware is built once here:
  // @fastify/helmet builds it again for every request (a tenth of a lookup's CPU).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // The API docs page (Swagger UI) and React set inline style attributes.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: false,
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (request, reply, done) =>
    securityHeaders(request.raw, reply.raw, (error) => done(error as Error | undefined)),
  );
  // A request answered before its body was read (an upload refused early): the unread rest would
  // be taken for the next request on a kept-alive connection, which then hangs. Read and drop it
  // (so the client, still sending, gets the answer rather than a reset), then close.
  // Up to 64 MB (or two photos' worth) is read and dropped; a client sending more is cut off.
  const discardLimit = Math.max(64 * 1024 * 1024, 2 * deps.claims.config.photoMaxBytes);
  app.addHook('onSend', async (request, reply) => {
    if (request.raw.complete || request.raw.readableEnded) return;
    reply.header('connection', 'close');
    await discardUnreadBody(request.raw, discardLimit);
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Recallkit API',
        version: '1',
        description:
          'Errors are always JSON `{"error":{"code","message"}}`; `code` is stable, `message` is in the language of `Accept-Language` or `?lang=`.',
      },
      tags: [
        { name: 'lookup', description: 'Is a unit affected?' },
        { name: 'recalls', description: 'Public recall information' },
        { name: 'claims', description: 'An owner’s claim: draft, photos, submission, status' },
        { name: 'operations', description: 'Health and readiness' },
        {
          name: 'console',
          description:
            'The staff console (session cookie from POST /api/v1/console/session; X-CSRF-Token on every change)',
        },
      ],
      components: {
        securitySchemes: {
          claimToken: {
            type: 'http',
            scheme: 'bearer',
            description: 'The accessToken returned when the claim was created',
          },
          consoleSession: {
            type: 'apiKey',
            in: 'cookie',
            name: 'rk_staff',
            description:
              'The staff session cookie set by POST /api/v1/console/session; changes also send its csrfToken as X-CSRF-Token',
          },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });
  await app.register(rateLimit, {
    global: false,
    // Counted in the database: the limits hold across processes and restarts.
    store: databaseRateLimitStore(deps.db, deps.logger),
    errorResponseBuilder: (_request, context) =>
      new AppError('rate_limited', { seconds: Math.max(1, Math.ceil(context.ttl / 1000)) }),
  });

  app.addHook('onResponse', async (request, reply) => {
    httpRequestSeconds.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unmatched', status: reply.statusCode },
      reply.elapsedTime / 1000,
    );
  });
  const operations = operationsRegistry({ db: deps.db, lookupIndex: () => lookupIndexStats(deps.catalog) });
  const metricsToken = deps.metricsToken ? Buffer.from(deps.metricsToken) : undefined;
  app.get(
    '/metrics',
    {
      // Checked before anything else: without the token the route does not exist.
      onRequest: async (request) => {
        const given = Buffer.from(/^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1] ?? '');
        if (!metricsToken) throw new AppError('not_found');
        if (given.length !== metricsToken.length || !timingSafeEqual(given, metricsToken))
          throw new AppError('unauthorized');
      },
      schema: {
        tags: ['operations'],
        summary: 'Prometheus metrics (Authorization: Bearer METRICS_TOKEN; 404 while it is unset)',
        produces: ['text/plain'],
      },
    },
    async (_request, reply) => {
      const { contentType, body } = await scrape(operations);
      return reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
    },
  );
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['operations'],
        summary: 'The process is up',
        response: { 200: z.object({ status: z.literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'The database answers, the schema is current and the lookup index is loaded',
        response: {
          200: z.object({
            status: z.literal('ready'),
            catalogRevision: z.string(),
            database: z.enum(['pglite', 'postgres']).describe('pglite: embedded, this host only'),
            storage: z
              .enum(['fs', 's3'])
              .describe('fs: a directory (other hosts read it only if it is shared); s3: a bucket'),
          }),
          503: ErrorSchema,
        },
      },
    },
    async (request, reply) => {
      try {
        const pending = await deps.db.transaction((tx) => pendingMigrations(tx));
        if (pending.length > 0 || !deps.catalog.ready) throw new Error('not ready');
        return {
          status: 'ready' as const,
          catalogRevision: deps.catalog.current().revision,
          database: deps.db.kind,
          storage: deps.claims.blobs.kind,
        };
      } catch {
        return sendError(reply, requestLanguage(request), new AppError('unavailable'));
      }
    },
  );

  await app.register(multipart, {
    // preservePath: see the name as sent, so a name that tries to be a path is refused, not silently cut.
    preservePath: true,
    // A file over its cap is cut short and marked `truncated`, never thrown: each upload route
    // refuses it with its own code (photo_too_large, body_too_large), one code per condition.
    throwFileSizeLimit: false,
    limits: { fileSize: deps.claims.config.photoMaxBytes, files: 1, fields: 4, fieldSize: 1000, parts: 6 },
  });
  const lookupCounter = new LookupCounter(deps.db, deps.catalog, deps.logger, deps.lookupCountFlushMs);
  app.addHook('onClose', () => lookupCounter.close());
  const board = new ProgressBoard(deps.db.kysely);
  await app.register(reportingRoutes, {
    db: deps.db,
    catalog: deps.catalog,
    board,
    blobs: deps.claims.blobs,
    photoLimits: { maxBytes: deps.claims.config.photoMaxBytes, maxPixels: deps.claims.config.photoMaxPixels },
    incidentRateLimit: deps.lookupRateLimit > 0 ? 20 : 0,
  });
  await app.register(catalogRoutes, {
    catalog: deps.catalog,
    lookupRateLimit: deps.lookupRateLimit,
    counter: lookupCounter,
  });
  await app.register(claimsRoutes, {
    deps: deps.claims,
    recoverRateLimit: deps.lookupRateLimit > 0 ? 10 : 0,
  });
  await app.register(retiredOutboxPage);
  await app.register(noticeRoutes, { db: deps.db, bounceToken: deps.notices.bounceToken });

  const consoleRoutes: ConsoleRoute[] = [];
  app.decorate('consoleRoutes', consoleRoutes);
  await app.register(consoleApi, {
    prefix: CONSOLE_PREFIX,
    routes: consoleRoutes,
    authenticate: (token) => authenticate(deps.db.kysely, deps.console.policy, token),
    register: async (console) => {
      await console.register(staffRoutes, {
        db: deps.db,
        policy: deps.console.policy,
        loginRateLimit: deps.console.loginRateLimit,
        features: { outbox: deps.devOutboxPage },
      });
      if (deps.devOutboxPage) await console.register(outboxConsoleRoutes, { db: deps.db });
      await console.register(reviewRoutes, {
        db: deps.db,
        blobs: deps.claims.blobs,
        publicUrl: deps.claims.config.publicUrl,
        hooks: deps.claims.hooks,
      });
      await console.register(campaignConsoleRoutes, { db: deps.db });
      await console.register(privacyConsoleRoutes, { db: deps.db, blobs: deps.claims.blobs });
      await console.register(noticeConsoleRoutes, {
        db: deps.db,
        ratePerMinute: deps.notices.ratePerMinute,
        wake: () => deps.claims.jobsQueued?.(),
      });
      await console.register(reportingConsoleRoutes, {
        db: deps.db,
        catalog: deps.catalog,
        board,
        blobs: deps.claims.blobs,
      });
      await console.register(fulfilmentRoutes, { db: deps.db, publicUrl: deps.claims.config.publicUrl });
      await console.register(webhookRoutes, {
        db: deps.db,
        allowedHosts: deps.webhookAllowedHosts,
      });
    },
  });

  const webRoot = deps.webRoot ?? DEFAULT_WEB_ROOT;
  const webBuilt = fs.existsSync(path.join(webRoot, 'index.html'));
  if (webBuilt) {
    await app.register(fastifyStatic, {
      root: webRoot,
      wildcard: false,
      index: false,
      // Brotli or gzip copies made at build (scripts/precompress.ts), for browsers that take them.
      preCompressed: true,
      // Hashed file names change with their content: cached for a year; anything else revalidated.
      cacheControl: false,
      setHeaders: (reply, file) => {
        reply.header(
          'cache-control',
          file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    // HEAD too: link checkers and uptime monitors ask a page with it.
    const wantsPage =
      (request.method === 'GET' || request.method === 'HEAD') && !request.url.startsWith('/api/') && webBuilt;
    if (!wantsPage) {
      return reply.status(404).send(errorBody(requestLanguage(request), new AppError('not_found')));
    }
    // The web app routes on the client: every page path gets index.html.
    return reply.header('cache-control', 'no-cache').sendFile('index.html');
  });
  return app;
}
