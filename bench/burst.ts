// npm run bench:burst — lookups ramped past what one process serves, with and without shedding.
//
// Starts the real server (`node src/server/main.ts`, PGlite under .bench/, the example recalls,
// LOOKUP_RATE_LIMIT=0) twice: with load shedding as configured (SHED_EVENT_LOOP_DELAY_MS, its
// default unless set) and with it off. Each is driven by autocannon with 50 connections (its
// sustainable rate) and then BENCH_STEPS more (default 250, 500, 1000: up to 20 times as many
// requests in flight), BENCH_SECONDS (8) each, and 50 again to see it recover. Per step: requests/s
// answered, the share shed (503), p99 of the accepted lookups, the server's RSS. Target: accepted
// lookups' p99 under 100 ms at the highest step, memory flat, no shedding once the burst is over.
import fs from 'node:fs';
import path from 'node:path';
import autocannon from 'autocannon';
import { benchDir, fmt, freePort, repoRoot, startChild, stopChild } from './support.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const STEPS = (process.env.BENCH_STEPS ?? '250,500,1000').split(',').map(Number);
const SERIALS = ['AH7M4Z2K9C1QR8T3', 'ZZ00ZZ00ZZ00ZZ00', 'AH7M4Z2K9C1QR8T4', 'QQ11QQ11QQ11QQ11'];

interface Step {
  connections: number;
  perSecond: number;
  shedShare: number;
  acceptedP99: number;
  rssMb: number;
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] as number;
};

function rssMb(pid: number | undefined): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function step(url: string, connections: number, pid: number | undefined): Promise<Step> {
  const accepted: number[] = [];
  let shed = 0;
  let total = 0;
  let next = 0;
  const instance = autocannon({
    url,
    connections,
    duration: SECONDS,
    requests: [
      {
        method: 'GET',
        setupRequest: (request: { path: string }) => {
          request.path = `/api/v1/lookup?serial=${SERIALS[next++ % SERIALS.length]}`;
          return request;
        },
      },
    ],
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    total++;
    if (status === 503) shed++;
    else if (status === 200) accepted.push(ms);
  });
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssMb(pid));
  }, 250);
  await instance;
  clearInterval(sampler);
  return {
    connections,
    perSecond: total / SECONDS,
    shedShare: total ? shed / total : 0,
    acceptedP99: percentile(accepted, 0.99),
    rssMb: peakRss,
  };
}

async function run(label: string, shedMs: string | undefined): Promise<Step[]> {
  const dataDir = path.join(benchDir, 'burst-data');
  fs.rmSync(dataDir, { recursive: true, force: true });
  const port = await freePort();
  const child = await startChild(
    [path.join(repoRoot, 'src/server/main.ts')],
    {
      PORT: String(port),
      DATA_DIR: dataDir,
      CAMPAIGNS_DIR: path.join(repoRoot, 'campaigns'),
      LOOKUP_RATE_LIMIT: '0',
      LOG_LEVEL: 'warn',
      ...(shedMs !== undefined ? { SHED_EVENT_LOOP_DELAY_MS: shedMs } : {}),
    },
    `http://127.0.0.1:${port}/readyz`,
  );
  const url = `http://127.0.0.1:${port}`;
  const steps: Step[] = [];
  try {
    await step(url, 50, child.pid); // warm-up
    for (const connections of [50, ...STEPS, 50]) {
      const result = await step(url, connections, child.pid);
      steps.push(result);
      console.log(
        `${label.padEnd(22)} ${String(connections).padStart(5)} connections   ${fmt(result.perSecond).padStart(7)} answers/s   ` +
          `shed ${fmt(result.shedShare * 100, 1).padStart(5)} %   accepted p99 ${fmt(result.acceptedP99).padStart(5)} ms   RSS ${fmt(result.rssMb)} MB`,
      );
    }
  } finally {
    await stopChild(child);
  }
  return steps;
}

console.log(`Lookups, ${SECONDS} s a step (50 connections is about the sustainable rate):`);
const shedding = await run(
  `shedding (${process.env.SHED_EVENT_LOOP_DELAY_MS ?? 'default'} ms)`,
  process.env.SHED_EVENT_LOOP_DELAY_MS,
);
const unprotected = await run('no shedding', '0');
const top = shedding[shedding.length - 2] as Step;
const recovered = shedding[shedding.length - 1] as Step;
const topUnprotected = unprotected[unprotected.length - 2] as Step;
console.log(
  `At ${top.connections} connections: accepted p99 ${fmt(top.acceptedP99)} ms with shedding against ${fmt(topUnprotected.acceptedP99)} ms without ` +
    `(target < 100 ms: ${top.acceptedP99 < 100 ? 'met' : 'NOT met'}); after the burst ${fmt(recovered.shedShare * 100, 1)} % shed, p99 ${fmt(recovered.acceptedP99)} ms.`,
);
