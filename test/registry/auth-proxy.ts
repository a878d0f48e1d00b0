import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Authentication scheme the proxy requires. */
export type AuthMode =
  /** Bearer challenge; the token realm hands out tokens without credentials. */
  | 'anonymous-token'
  /** Bearer challenge; the token realm requires Basic `user:password`. */
  | 'password-token'
  /** Basic challenge on the registry itself. */
  | 'basic'
  /** Only the static token `static-token` is accepted, with no challenge flow to get it. */
  | 'static-token';

export const USERNAME = 'strata';
export const PASSWORD = 'correct horse';
const ISSUED_TOKEN = 'issued-token';
const STATIC_TOKEN = 'static-token';

export interface AuthProxy {
  /** `127.0.0.1:PORT` of the proxy. */
  address: string;
  /** Requests the token realm received, with their query strings. */
  tokenRequests: string[];
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on 127.0.0.1 that puts an authentication scheme in front of a real
 * registry: it checks the Authorization header, sends the challenge of `mode`, serves the
 * token realm at `/token`, and forwards authorized requests to `upstream`.
 */
export async function startAuthProxy(upstream: string, mode: AuthMode): Promise<AuthProxy> {
  const tokenRequests: string[] = [];
  const basic = `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`;
  const server = createServer((incoming, response) => {
    const authorization = incoming.headers.authorization;
    if (incoming.url?.startsWith('/token') === true) {
      tokenRequests.push(incoming.url);
      const allowed = mode === 'anonymous-token' || authorization === basic;
      respond(response, allowed ? 200 : 401, allowed ? { token: ISSUED_TOKEN } : {});
      return;
    }

    const expected = {
      'anonymous-token': `Bearer ${ISSUED_TOKEN}`,
      'password-token': `Bearer ${ISSUED_TOKEN}`,
      basic,
      'static-token': `Bearer ${STATIC_TOKEN}`,
    }[mode];
    if (authorization !== expected) {
      response.setHeader('www-authenticate', challenge(mode, address()));
      respond(response, 401, {
        errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }],
      });
      return;
    }

    forward(upstream, incoming, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = () => `127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    address: address(),
    tokenRequests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function challenge(mode: AuthMode, address: string): string {
  if (mode === 'basic') return 'Basic realm="strata-test"';

  return `Bearer realm="http://${address}/token",service="strata-test"`;
}

function respond(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function forward(upstream: string, incoming: IncomingMessage, response: ServerResponse): void {
  const [host = '', port = '80'] = upstream.split(':');
  const headers = { ...incoming.headers, host: upstream };
  delete headers.authorization;
  const proxied = request(
    { host, port: Number(port), path: incoming.url, method: incoming.method, headers },
    (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    },
  );
  proxied.on('error', () => respond(response, 502, {}));
  incoming.pipe(proxied);
}
