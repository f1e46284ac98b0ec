// The process logger (pino): JSON lines, redacting anything that could carry a secret.
import { pino, type Logger as PinoLogger } from 'pino';

export type Logger = PinoLogger;

export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: ['token', '*.token', 'authorization', '*.authorization', 'text', '*.text'], censor: '[redacted]' },
  });
}
