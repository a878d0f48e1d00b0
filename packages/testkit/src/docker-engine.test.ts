import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { findDockerEndpoint, pingDocker } from './docker-engine.ts';

let directory: string;
let server: Server | undefined;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'strata-docker-'));
});

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  await rm(directory, { recursive: true, force: true });
});

/** Serves HTTP on a Unix socket in the temporary directory, as a Docker engine does. */
async function serveOnSocket(status: number): Promise<string> {
  const socketPath = join(directory, 'docker.sock');
  server = createServer((request, response) => {
    response.statusCode = request.url === '/_ping' ? status : 404;
    response.end('OK');
  });
  await new Promise<void>((resolve) => server?.listen(socketPath, resolve));
  return socketPath;
}

describe('findDockerEndpoint', () => {
  it('takes a unix DOCKER_HOST as the socket path', async () => {
    const endpoint = await findDockerEndpoint({ DOCKER_HOST: 'unix:///run/user/1/docker.sock' });

    expect(endpoint).toEqual({ socketPath: '/run/user/1/docker.sock' });
  });

  it('takes a tcp DOCKER_HOST as host and port', async () => {
    const endpoint = await findDockerEndpoint({ DOCKER_HOST: 'tcp://10.0.0.5:2376' });

    expect(endpoint).toEqual({ host: '10.0.0.5', port: 2376 });
  });

  it('finds a rootless socket under XDG_RUNTIME_DIR', async () => {
    const socketPath = await serveOnSocket(200);

    const endpoint = await findDockerEndpoint({ XDG_RUNTIME_DIR: directory });

    // /var/run/docker.sock comes first when it exists.
    expect([socketPath, '/var/run/docker.sock']).toContain(
      endpoint !== undefined && 'socketPath' in endpoint ? endpoint.socketPath : undefined,
    );
  });
});

describe('pingDocker', () => {
  it('resolves true when the engine returns 200', async () => {
    const socketPath = await serveOnSocket(200);

    expect(await pingDocker({ socketPath })).toBe(true);
  });

  it('resolves false when the engine returns an error status', async () => {
    const socketPath = await serveOnSocket(500);

    expect(await pingDocker({ socketPath })).toBe(false);
  });

  it('resolves false when nothing listens on the socket', async () => {
    expect(await pingDocker({ socketPath: join(directory, 'absent.sock') })).toBe(false);
  });
});
