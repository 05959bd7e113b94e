/** Any object with these four methods will do: console, pino, winston, or the tests' recorder. */
export interface Logger {
  debug(message: string, ...meta: unknown[]): void;
  info(message: string, ...meta: unknown[]): void;
  warn(message: string, ...meta: unknown[]): void;
  error(message: string, ...meta: unknown[]): void;
}

/** A logger that drops everything: the default where the caller gave none. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Writes to the console with a level prefix; debug only when CRONTRAY_DEBUG is set. */
export function consoleLogger(prefix = 'crontray'): Logger {
  const debugOn = Boolean(process.env.CRONTRAY_DEBUG);
  return {
    debug: (m, ...meta) => {
      if (debugOn) console.debug(`[${prefix}] ${m}`, ...meta);
    },
    info: (m, ...meta) => console.info(`[${prefix}] ${m}`, ...meta),
    warn: (m, ...meta) => console.warn(`[${prefix}] ${m}`, ...meta),
    error: (m, ...meta) => console.error(`[${prefix}] ${m}`, ...meta),
  };
}
