// `npm start`. Traces, when wanted, must be set up before the application
// (fastify, pg) is loaded, so it is imported only after that (telemetry.ts).
import './gc-tuning.ts';
import { startTelemetry } from './telemetry.ts';

await startTelemetry();
await import('./start.ts');
