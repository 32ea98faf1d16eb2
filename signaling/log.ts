/** A small leveled logger writing one line per event. Request bodies and secrets are never passed to it. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface Logger {
  debug(line: string): void;
  info(line: string): void;
  warn(line: string, err?: unknown): void;
  error(line: string, err?: unknown): void;
}

export function createLogger(level: LogLevel = 'info', write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Logger {
  const at = (wanted: LogLevel, line: string, err?: unknown) => {
    if (ORDER[wanted] < ORDER[level]) return;
    const detail = err instanceof Error ? `: ${err.stack ?? err.message}` : err !== undefined ? `: ${String(err)}` : '';
    write(`${new Date().toISOString()} ${wanted.padEnd(5)} ${line}${detail}`);
  };
  return {
    debug: (line) => at('debug', line),
    info: (line) => at('info', line),
    warn: (line, err) => at('warn', line, err),
    error: (line, err) => at('error', line, err),
  };
}

export const silentLogger: Logger = createLogger('silent');
