import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import type { Logger } from './create-logger.ts';

/** Body of the `/readyz` response. */
export interface Readiness {
  ready: boolean;
  /** Worker state or the reason it is not ready, such as `starting` or `rebuilding index`. */
  status: string;
}

export interface HealthServerOptions {
  host: string;
  /** 0 picks a free port; the chosen one is in `HealthServer.port`. */
  port: number;
  registry: Registry;
  /** Called on each `/readyz` request. */
  readiness: () => Readiness;
  logger: Logger;
}

export interface HealthServer {
  port: number;
  /** Stops accepting connections and closes open ones. Safe to call twice. */
  close(): Promise<void>;
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(body);
}

async function route(
  options: HealthServerOptions,
  request: IncomingMessage,
  response: ServerResponse,
) {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    send(response, 405, 'text/plain', 'method not allowed\n');
    return;
  }

  if (path === '/healthz') {
    send(response, 200, 'application/json', JSON.stringify({ status: 'alive' }));
    return;
  }

  if (path === '/readyz') {
    const readiness = options.readiness();
    send(response, readiness.ready ? 200 : 503, 'application/json', JSON.stringify(readiness));
    return;
  }

  if (path === '/metrics') {
    send(response, 200, options.registry.contentType, await options.registry.metrics());
    return;
  }

  send(response, 404, 'text/plain', 'not found\n');
}

/**
 * Starts the HTTP server of a worker on its own port: `/healthz` returns 200 while the process
 * runs, `/readyz` 200 or 503 from `readiness`, `/metrics` the registry in Prometheus text format.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<HealthServer> {
  const server = createServer((request, response) => {
    route(options, request, response).catch((error: unknown) => {
      options.logger.error({ err: error, path: request.url }, 'health server request failed');
      send(response, 500, 'text/plain', 'internal error\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  options.logger.info({ host: options.host, port }, 'health server listening');
  let closing: Promise<void> | undefined;

  return {
    port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
