// The `recallkit` command. Traces, when wanted, must be set up before the commands load the
// application (fastify, pg), so they are imported only after that (server/telemetry.ts).
import '../server/gc-tuning.ts';
import { startTelemetry } from '../server/telemetry.ts';

await startTelemetry();
await import('./program.ts');
