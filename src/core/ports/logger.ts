// What the core logs through; pino (or a silent logger in tests) provides it.
/** Something that can be logged at the core's level of detail. */
export interface Logger {
  debug(details: object, message: string): void;
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}
