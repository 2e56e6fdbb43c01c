import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { jobRow } from './jobs/queue.ts';
import { inJobSpan, traceCarrier, tracingWanted } from './telemetry.ts';

/** The OpenTelemetry API wired as the SDK wires it, with spans kept in memory. */
function tracing() {
  const exporter = new InMemorySpanExporter();
  const manager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(manager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(
    new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }),
  );
  return exporter;
}

afterEach(() => {
  trace.disable();
  context.disable();
  propagation.disable();
});

const stored = (row: { payload: string }) => JSON.parse(row.payload) as Record<string, unknown>;

describe('traces across the job queue', () => {
  it('is off unless an OTLP endpoint is set', () => {
    expect(tracingWanted({})).toBe(false);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(
      true,
    );
  });

  it('stores nothing extra in a job when not tracing', () => {
    expect(traceCarrier()).toEqual({});
    expect(stored(jobRow('claim.verify', { claimId: 'c1' }))).toEqual({ claimId: 'c1' });
  });

  it("runs a job in a span whose parent is the request that enqueued it, and the job's own jobs under it", async () => {
    const exporter = tracing();
    const tracer = trace.getTracer('test');
    const row = tracer.startActiveSpan('POST /api/v1/claims/:id/submit', (span) => {
      const enqueued = jobRow('claim.verify', { claimId: 'c1' });
      span.end();
      return enqueued;
    });
    const payload = stored(row);
    expect(payload).toMatchObject({ claimId: 'c1', traceparent: expect.stringMatching(/^00-[0-9a-f]{32}-/) });

    // Another process takes it: only the payload connects them.
    const next = await inJobSpan({ id: 'j1', queue: 'claim.verify', attempts: 1, payload }, async () =>
      stored(jobRow('remedy.issue', { remedyId: 'r1' })),
    );
    await inJobSpan({ id: 'j2', queue: 'remedy.issue', attempts: 1, payload: next }, async () => undefined);

    const [request, verify, remedy] = exporter.getFinishedSpans();
    expect(verify?.name).toBe('job claim.verify');
    expect(verify?.kind).toBe(SpanKind.CONSUMER);
    expect(verify?.attributes).toMatchObject({
      'messaging.destination.name': 'claim.verify',
      'messaging.message.id': 'j1',
    });
    expect(verify?.spanContext().traceId).toBe(request?.spanContext().traceId);
    expect(verify?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    expect(remedy?.spanContext().traceId).toBe(request?.spanContext().traceId);
    expect(remedy?.parentSpanContext?.spanId).toBe(verify?.spanContext().spanId);
  });

  it('marks a failed attempt on its span and still fails the job', async () => {
    const exporter = tracing();
    await expect(
      inJobSpan({ id: 'j1', queue: 'mail.send', attempts: 2, payload: { messageId: 'm1' } }, async () => {
        throw new Error('SMTP relay refused');
      }),
    ).rejects.toThrow('SMTP relay refused');
    const [span] = exporter.getFinishedSpans();
    expect(span?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'SMTP relay refused' });
    expect(span?.events.map((event) => event.name)).toEqual(['exception']);
    // A job enqueued by hand (no trace context) starts a trace of its own.
    expect(span?.parentSpanContext).toBeUndefined();
  });
});
