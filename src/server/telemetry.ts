import { register } from 'node:module';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

/**
 * OpenTelemetry traces (decision 0023). Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: then the
 * SDK starts before the application is loaded, with the HTTP, Fastify and pg instrumentations,
 * exporting over OTLP as the standard OTEL_* variables say. A job carries the trace context of
 * the request (or job) that enqueued it in its payload, so a claim's request, its jobs and their
 * queries form one trace across processes. Without the SDK every call here is a no-op.
 */

let shutdown: (() => Promise<void>) | undefined;

/** Whether traces are wanted: the operator named where to send them. */
export function tracingWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/**
 * Starts the SDK if traces are wanted. Call it before anything imports fastify or pg (an entry
 * point awaits it, then imports the application): the ESM hook can only patch modules loaded
 * after it is registered.
 */
export async function startTelemetry(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (shutdown || !tracingWanted(env) || env.OTEL_SDK_DISABLED === 'true') return;
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  // Traces only: metrics are Prometheus' (/metrics) and logs are pino's.
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  const [{ NodeSDK }, { HttpInstrumentation }, { PgInstrumentation }, { FastifyOtelInstrumentation }] =
    await Promise.all([
      import('@opentelemetry/sdk-node'),
      import('@opentelemetry/instrumentation-http'),
      import('@opentelemetry/instrumentation-pg'),
      import('@fastify/otel'),
    ]);
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME ?? 'recallkit',
    instrumentations: [
      new HttpInstrumentation({
        // Probes and scrapes every few seconds would bury the requests that matter.
        ignoreIncomingRequestHook: (request) => PROBES.test(request.url ?? ''),
      }),
      // The request and its handler; a span for each of a dozen hooks tripled a lookup's cost.
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        instrumentHooks: false,
        ignorePaths: (route: { url: string }) => PROBES.test(route.url),
      }),
      // A worker polls the queue twice a second: only queries inside a request or job are traced.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  shutdown = () => sdk.shutdown();
}

const PROBES = /^\/(healthz|readyz|metrics)(\?|$)/;

/** Sends the spans still buffered (before the process exits). */
export async function shutdownTelemetry(): Promise<void> {
  const stop = shutdown;
  shutdown = undefined;
  await stop?.();
}

/** The current trace context as W3C headers (`traceparent`, `tracestate`); empty when not tracing. */
export function traceCarrier(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

const tracer = () => trace.getTracer('recallkit');

/**
 * Runs a job inside a consumer span whose parent is the trace context stored in its payload (see
 * traceCarrier), so its queries and the jobs it enqueues join the trace that caused it.
 */
export function inJobSpan<T>(
  job: { id: string; queue: string; attempts: number; payload: unknown },
  run: () => Promise<T>,
): Promise<T> {
  const carrier = typeof job.payload === 'object' && job.payload !== null ? job.payload : {};
  const parent = propagation.extract(ROOT_CONTEXT, carrier);
  return tracer().startActiveSpan(
    `job ${job.queue}`,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'recallkit',
        'messaging.destination.name': job.queue,
        'messaging.message.id': job.id,
        'recallkit.job.attempt': job.attempts,
      },
    },
    parent,
    async (span: Span) => {
      try {
        return await run();
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
