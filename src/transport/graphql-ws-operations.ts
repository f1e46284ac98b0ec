// Runs each graphql-ws operation through yoga's envelop, as an HTTP request would be: the same
// parser, validation rules, context factory and plugins. A failure while preparing is reported
// on the operation; only a failure of the socket itself closes it.
import type { ServerOptions } from 'graphql-ws';
import { isUnexpected, toSocketError } from '../graphql/errors.js';
import type { SharedExecutionArgs } from '../graphql/plugins/shared-event-execution.js';
import type { Logger } from '../logger.js';
import type { SocketExtra } from './graphql-ws.js';
import { connectionCredentials, operationCredentials } from './operation-credentials.js';
import type { ChatYoga } from './yoga-server.js';

/** The envelop's execute and subscribe, handed to graphql-ws through the operation's root value. */
interface EnvelopRoot {
  execute: (args: any) => any;
  subscribe: (args: any) => any;
}

type OperationHooks = Required<Pick<ServerOptions<Record<string, unknown>, SocketExtra>, 'onSubscribe' | 'execute' | 'subscribe'>>;

/** graphql-ws's onSubscribe, execute and subscribe, all through `yoga`'s envelop. */
export function envelopedOperations(yoga: ChatYoga, logger: Logger): OperationHooks {
  return {
    execute: (args) => (args.rootValue as EnvelopRoot).execute(args),
    subscribe: (args) => (args.rootValue as EnvelopRoot).subscribe(args),
    onSubscribe: async (ctx, id, payload) => {
      const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({
        ...ctx,
        clientAddress: ctx.extra.clientAddress,
        params: payload,
        credentials: operationCredentials(payload.extensions, connectionCredentials(ctx.connectionParams)),
      });
      // Anything thrown here would close the whole socket (4500); parse errors and the
      // validation rules that throw (graphql-armor) are reported on the operation instead.
      try {
        const document = parse(payload.query);
        const errors = validate(schema, document);
        if (errors.length > 0) return errors.map(toSocketError);
        const contextValue = await contextFactory();
        // A bad token of the operation's own (GraphiQL's Headers tab) ends it, not the socket.
        await contextValue.viewer();
        const args: SharedExecutionArgs = {
          schema,
          operationName: payload.operationName,
          document,
          variableValues: payload.variables,
          contextValue,
          rootValue: { execute, subscribe } satisfies EnvelopRoot,
          resultWriter: ctx.extra.nextFrames(id),
        };
        return args;
      } catch (error) {
        if (isUnexpected(error)) logger.error({ err: error }, 'unexpected error preparing a WebSocket operation');
        return [toSocketError(error)];
      }
    },
  };
}
