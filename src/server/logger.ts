import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

const OPTIONS = (level: string): LoggerOptions => ({
  level,
  base: { service: 'recallkit' },
  timestamp: pino.stdTimeFunctions.isoTime,
  redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], remove: true },
});

/** JSON lines on stdout: what log shippers read, and the default off a terminal. */
export function createLogger(level: string): Logger {
  return pino(OPTIONS(level));
}

/**
 * The same log for a person at a terminal: one readable line each (pino-pretty, loaded only
 * here, synchronous so that nothing is lost on exit).
 */
export async function createTerminalLogger(level: string): Promise<Logger> {
  const { default: pretty } = await import('pino-pretty');
  const stream: DestinationStream = pretty({
    colorize: true,
    sync: true,
    translateTime: 'SYS:HH:MM:ss',
    ignore: 'pid,hostname,service',
    singleLine: true,
  });
  return pino(OPTIONS(level), stream);
}
