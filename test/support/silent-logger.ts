// A logger that says nothing, for code under test that must be given one: the process's own
// kind (pino), so it serves the server and the app as well as the core's Logger port.
import { createLogger, type Logger } from '../../src/logger.js';

export const silentLogger: Logger = createLogger('silent');
