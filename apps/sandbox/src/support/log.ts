/** The slice of a logger the sandbox needs; winston's logger from @switchyard/logger fits it. */
export interface Log {
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

function line(level: string, message: string, meta?: Record<string, unknown>): string {
  return `${JSON.stringify({ level, service: 'sandbox', message, time: new Date().toISOString(), ...meta })}\n`;
}

export const jsonLog: Log = {
  info: (message, meta) => process.stdout.write(line('info', message, meta)),
  warn: (message, meta) => process.stdout.write(line('warn', message, meta)),
  error: (message, meta) => process.stderr.write(line('error', message, meta)),
};

export const silentLog: Log = { info: () => {}, warn: () => {}, error: () => {} };
