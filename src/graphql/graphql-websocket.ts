import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import {
  DocumentNode,
  getOperationAST,
  GraphQLError,
  GraphQLFormattedError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type ExecutionResult,
} from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { AuthRepository } from '../auth/auth.repository.js';
import { AuthService } from '../auth/auth.service.js';
import type { Caller } from '../auth/caller.js';
import { KeyRevocations } from '../auth/key-revocations.js';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { AppConfig } from '../config/config.js';
import { MAX_QUERY_TOKENS, queryBudget, queryLimitError } from '../limits/query-limits.js';
import { ClusterLink } from '../cluster/cluster-link.js';
import { graphqlErrorFormatter } from './error-mapping.js';
import { SocketRegistry, type SocketCaps } from './socket-registry.js';

/** What one API key (or the admin) may hold open: a listener needs one socket and one subscription. */
export const WEBSOCKET_CAPS: SocketCaps = { socketsPerKey: 10, subscriptionsPerSocket: 5, subscriptionsPerKey: 20 };
/** How often open sockets' keys are checked against the database, for revocations made by another process. */
export const KEY_RECHECK_MS = 5_000;
/** A subscription message is a few hundred bytes; ws would take 100 MiB. */
const MAX_MESSAGE_BYTES = 64 * 1024;
const PATH = '/graphql';

/** Close codes the client sees (graphql-ws keeps 4400–4499 for such refusals). */
export const CLOSE = {
  keyRequired: { code: 4401, reason: 'an API key is required: connect with { authorization: "Bearer <key>" }' },
  keyRefused: { code: 4403, reason: 'the API key is not valid or has been revoked' },
  keyRevoked: { code: 4403, reason: 'the API key was revoked' },
  tooManySockets: { code: 4429, reason: `an API key holds at most ${WEBSOCKET_CAPS.socketsPerKey} open connections` },
} as const;

type Extra = { socket: WebSocket; request: IncomingMessage; caller?: Caller; authorization?: string };

/**
 * graphql-ws on /graphql, for subscriptions only: queries and mutations go over HTTP. A socket needs
 * an API key in its connection params; its subscribe messages count against the key's rate limit
 * (RATE_LIMIT_PER_KEY a minute, as requests over HTTP; the admin's are not counted) and are parsed with
 * the same token limit, validated with the same introspection setting and held to the same depth and
 * cost budget as over HTTP; its errors are formatted the same way. Sockets and subscriptions are
 * capped per key (WEBSOCKET_CAPS, counted across every worker of a cluster through ClusterLink), and
 * a revoked key's sockets are closed: at once when revoked in this process or another worker of its
 * cluster, within KEY_RECHECK_MS when revoked by another service process.
 */
@Injectable()
export class GraphqlWebsocket implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Websocket');
  private readonly registry = new SocketRegistry<WebSocket>(WEBSOCKET_CAPS);
  /** Sockets counted in ClusterLink's 'ws-sockets' (given back once, when they close). */
  private readonly counted = new WeakSet<WebSocket>();
  private readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  private stop: (() => Promise<void>) | null = null;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly schemaHost: GraphQLSchemaHost,
    private readonly auth: AuthService,
    private readonly keys: AuthRepository,
    private readonly revocations: KeyRevocations,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly cluster: ClusterLink,
  ) {
    this.formatError = graphqlErrorFormatter({ hideSchema: !config.graphqlIntrospection });
  }

  onApplicationBootstrap(): void {
    // An application context without HTTP (the large seed's) serves nothing, as GraphQLModule does.
    if (!this.adapterHost.httpAdapter) return;
    const httpServer = this.adapterHost.httpAdapter.getHttpServer() as Server;
    const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
    const server = useServer<Record<string, unknown>, Extra>(
      {
        schema: this.schemaHost.schema,
        onConnect: (ctx) => this.connect(ctx),
        onSubscribe: (ctx, id, payload) => this.subscribe(ctx, id, payload),
        onComplete: (ctx, id) => this.completed(ctx.extra.socket, id),
        onClose: (ctx) => this.closed(ctx.extra.socket, ctx.extra.caller ? holderOf(ctx.extra.caller) : this.registry.holderOfSocket(ctx.extra.socket)),
        onError: (_ctx, _id, _payload, errors) => errors.map((e) => this.formatError(e.toJSON(), e)),
        onNext: (_ctx, _id, _payload, _args, result) => (result.errors ? this.formatResult(result) : undefined),
      },
      wss,
    );
    const upgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (new URL(request.url ?? '/', 'http://localhost').pathname !== PATH) return void socket.destroy();
      wss.handleUpgrade(request, socket, head, (ws) => {
        wss.emit('connection', ws, request);
        // ws closes a socket on its errors itself (1009 for a message over MAX_MESSAGE_BYTES); graphql-ws
        // would also print each to the console, so that a client could fill the logs.
        ws.removeAllListeners('error').on('error', (err) => this.logger.debug(`socket closed on an error: ${err.message}`));
      });
    };
    httpServer.on('upgrade', upgrade);
    const stopListening = this.revocations.listen((apiKeyId) => this.closeSocketsOf(apiKeyId, CLOSE.keyRevoked));
    const recheck = setInterval(() => void this.recheckKeys(), KEY_RECHECK_MS).unref();
    this.stop = async () => {
      clearInterval(recheck);
      stopListening();
      httpServer.off('upgrade', upgrade);
      await server.dispose();
    };
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop?.();
    this.stop = null;
  }

  /** connection_init: who is asking, and whether its key may open one more socket. */
  private async connect(ctx: Context<Record<string, unknown>, Extra>): Promise<boolean> {
    const { socket } = ctx.extra;
    const authorization = ctx.connectionParams?.authorization;
    let caller: Caller;
    try {
      caller = await this.auth.authenticate(typeof authorization === 'string' ? authorization : undefined);
    } catch (err) {
      // A close reason has at most 123 bytes.
      const named = err instanceof DomainError && Buffer.byteLength(err.message) <= 123;
      return this.refuse(socket, named ? { code: CLOSE.keyRefused.code, reason: err.message } : CLOSE.keyRefused);
    }
    // Closed while its key was looked up: registered now, it would hold a place of its key for good.
    if (socket.readyState !== socket.OPEN) return false;
    // The one subscription is for organizations and the admin; an anonymous socket would only hold memory.
    if (caller.kind === 'anonymous') return this.refuse(socket, CLOSE.keyRequired);
    const holder = holderOf(caller);
    if (!this.registry.open(socket, holder)) return this.refuse(socket, CLOSE.tooManySockets);
    // The key's sockets in every worker of a cluster (the registry counts this process's).
    if (!(await this.cluster.admit('ws-sockets', holder, WEBSOCKET_CAPS.socketsPerKey))) {
      this.registry.close(socket);
      return this.refuse(socket, CLOSE.tooManySockets);
    }
    this.counted.add(socket);
    // Closed while being counted: onClose has been and gone, so it is given back here.
    if (socket.readyState !== socket.OPEN) {
      this.closed(socket, holder);
      return false;
    }
    ctx.extra.caller = caller;
    ctx.extra.authorization = authorization as string;
    return true;
  }

  /** A subscribe message: the same checks as over HTTP, then the caps. */
  private async subscribe(
    ctx: Context<Record<string, unknown>, Extra>,
    id: string,
    payload: { query: string; operationName?: string | null; variables?: Record<string, unknown> | null },
  ) {
    const { socket, caller, authorization } = ctx.extra;
    const holder = holderOf(caller!);
    const wait = holder === ADMIN ? 0 : await this.cluster.take('subscribe', holder);
    if (wait > 0) return [new GraphQLError(`too many requests; try again in ${wait} s`, { extensions: { code: 'RATE_LIMITED' } })];
    const schema = this.schemaHost.schema;
    let document: DocumentNode;
    try {
      document = parse(payload.query, { maxTokens: MAX_QUERY_TOKENS });
    } catch (err) {
      const error = err instanceof GraphQLError ? err : new GraphQLError('the query could not be parsed');
      return [withCode(error, 'GRAPHQL_PARSE_FAILED')];
    }
    const rules = this.config.graphqlIntrospection ? specifiedRules : [...specifiedRules, NoSchemaIntrospectionCustomRule];
    const invalid = validate(schema, document, rules);
    if (invalid.length > 0) return invalid.map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED'));
    if (getOperationAST(document, payload.operationName)?.operation !== 'subscription') {
      return [
        new GraphQLError('only subscriptions go over the websocket: send queries and mutations as HTTP POST to /graphql', {
          extensions: { code: 'BAD_REQUEST', reason: 'SUBSCRIPTIONS_ONLY' },
        }),
      ];
    }
    const limit = queryLimitError(schema, document, payload.operationName, payload.variables ?? undefined, queryBudget(caller!));
    if (limit) return [limit];
    // The key's subscriptions in every worker of a cluster first, then this socket's and this process's.
    const admitted = await this.cluster.admit('ws-subscriptions', holder, WEBSOCKET_CAPS.subscriptionsPerKey);
    const verdict = admitted ? this.registry.subscribe(socket, id) : 'key-full';
    if (admitted && verdict !== 'ok') this.cluster.release('ws-subscriptions', holder);
    if (verdict !== 'ok') {
      const message =
        verdict === 'socket-full'
          ? `a connection holds at most ${WEBSOCKET_CAPS.subscriptionsPerSocket} subscriptions: complete one first`
          : `an API key holds at most ${WEBSOCKET_CAPS.subscriptionsPerKey} subscriptions across its connections: complete one first`;
      return [new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', reason: 'TOO_MANY_SUBSCRIPTIONS' } })];
    }
    return {
      schema,
      document,
      operationName: payload.operationName,
      variableValues: payload.variables,
      // What AuthGuard and the resolvers read over HTTP: the caller is already proved.
      contextValue: { req: { headers: { authorization }, caller } },
    };
  }

  /** A subscription ended: uncounted here and across the cluster. */
  private completed(socket: WebSocket, id: string): void {
    const holder = this.registry.holderOfSocket(socket);
    if (holder !== undefined && this.registry.unsubscribe(socket, id)) this.cluster.release('ws-subscriptions', holder);
  }

  /** A socket closed: it and its subscriptions uncounted here and across the cluster. */
  private closed(socket: WebSocket, holder: string | undefined): void {
    const subscriptions = this.registry.close(socket) ?? 0;
    if (holder === undefined) return;
    for (let i = 0; i < subscriptions; i++) this.cluster.release('ws-subscriptions', holder);
    if (this.counted.delete(socket)) this.cluster.release('ws-sockets', holder);
  }

  private formatResult(result: ExecutionResult) {
    return { ...result, errors: result.errors!.map((e) => this.formatError(e.toJSON(), e)) };
  }

  private refuse(socket: WebSocket, close: { code: number; reason: string }): false {
    socket.close(close.code, close.reason);
    return false;
  }

  private closeSocketsOf(holder: string, close: { code: number; reason: string }): void {
    for (const socket of this.registry.socketsOf(holder)) socket.close(close.code, close.reason);
  }

  /** One query for every open socket's key; a database away keeps the sockets until it is back. */
  private async recheckKeys(): Promise<void> {
    const keyIds = this.registry.holders().filter((h) => h !== ADMIN);
    if (keyIds.length === 0) return;
    try {
      const active = await this.keys.activeKeyIds(keyIds);
      for (const id of keyIds) if (!active.has(id)) this.closeSocketsOf(id, CLOSE.keyRevoked);
    } catch (err) {
      this.logger.warn(`checking open sockets' keys failed: ${(err as Error).message}`);
    }
  }
}

const ADMIN = 'admin';

function holderOf(caller: Caller): string {
  return caller.kind === 'organization' ? caller.apiKeyId : ADMIN;
}

/** graphql's own errors with the code Apollo gives them over HTTP. */
function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });
}
