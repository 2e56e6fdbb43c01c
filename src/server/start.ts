import { ConfigError, loadConfig } from './config.ts';
import { DataDirBusyError } from './db/data-dir-lock.ts';
import { createLogger, createTerminalLogger } from './logger.ts';
import type { FirstRunLogin } from './modules/staff/first-run.ts';
import { startServer } from './server.ts';
import { shutdownTelemetry } from './telemetry.ts';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}
// On a terminal a person reads the output: readable lines and a banner. Elsewhere, JSON lines.
const onTerminal =
  config.logFormat === 'pretty' || (config.logFormat === 'auto' && process.stdout.isTTY === true);
const logger = onTerminal ? await createTerminalLogger(config.logLevel) : createLogger(config.logLevel);

try {
  let firstRun: FirstRunLogin | undefined;
  const server = await startServer(
    config,
    logger,
    onTerminal ? { showFirstRun: (login) => (firstRun = login) } : {},
  );
  const where = config.databaseUrl
    ? 'PostgreSQL (DATABASE_URL)'
    : `the embedded database in ${config.dataDir}`;
  logger.info({ url: server.url }, `Recallkit is running at ${config.publicUrl} on ${where}`);
  if (onTerminal) process.stdout.write(banner(where, firstRun));

  const shutdown = (signal: string) => {
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting');
      process.exit(1);
    }, 10_000);
    force.unref();
    server.close().then(
      async () => {
        await shutdownTelemetry().catch((error) => logger.warn({ err: error }, 'traces not sent'));
        process.exit(0);
      },
      (error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
} catch (error) {
  if (error instanceof DataDirBusyError) {
    logger.fatal(error.message);
    process.exit(1);
  }
  logger.fatal({ err: error }, 'Recallkit could not start');
  process.exit(1);
}

/** What a person starting Recallkit needs: where it is, on what, and the one-time admin login. */
function banner(where: string, login: FirstRunLogin | undefined): string {
  const lines = [
    '',
    '  Recallkit is running',
    '',
    `    Owners:   ${config.publicUrl}`,
    `    Console:  ${config.publicUrl}/console`,
    `    API:      ${config.publicUrl}/api/docs`,
    `    Database: ${where}`,
    `    Mail:     ${config.smtpUrl ? 'sent through SMTP_URL' : 'kept in the outbox (no SMTP_URL): admins read it in the console'}`,
  ];
  if (login)
    lines.push(
      '',
      '  First run: sign in to the console as',
      `    ${login.email}  with the one-time password  ${login.oneTimePassword}`,
      '  (you choose a new one at once; it is shown only this time)',
    );
  lines.push('', '  Ctrl+C stops it.', '', '');
  return lines.join('\n');
}
