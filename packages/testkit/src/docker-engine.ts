import { stat } from 'node:fs/promises';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';

type Environment = Readonly<Record<string, string | undefined>>;

/** Milliseconds the Docker ping may take before the engine counts as absent. */
export const DOCKER_PING_TIMEOUT_MS = 1_000;

/** How to reach a Docker engine's API: a Unix socket or a TCP host and port. */
export type DockerEndpoint = { socketPath: string } | { host: string; port: number };

/**
 * Finds the Docker endpoint to try: DOCKER_HOST when set (unix:// or tcp://), else the first
 * existing socket of /var/run/docker.sock, $XDG_RUNTIME_DIR/docker.sock (rootless) and
 * ~/.docker/run/docker.sock (Docker Desktop). Looks only at the file system.
 */
export async function findDockerEndpoint(env: Environment): Promise<DockerEndpoint | undefined> {
  const dockerHost = env.DOCKER_HOST?.trim();
  if (dockerHost !== undefined && dockerHost !== '') {
    return parseDockerHost(dockerHost);
  }
  const candidates = [
    '/var/run/docker.sock',
    env.XDG_RUNTIME_DIR === undefined ? undefined : join(env.XDG_RUNTIME_DIR, 'docker.sock'),
    join(homedir(), '.docker', 'run', 'docker.sock'),
  ];
  for (const socketPath of candidates) {
    if (socketPath !== undefined && (await isSocket(socketPath))) {
      return { socketPath };
    }
  }
  return undefined;
}

function parseDockerHost(value: string): DockerEndpoint | undefined {
  if (value.startsWith('unix://')) {
    return { socketPath: value.slice('unix://'.length) };
  }
  if (value.startsWith('tcp://') && URL.canParse(value)) {
    const url = new URL(value);
    return { host: url.hostname, port: Number(url.port || 2375) };
  }
  return undefined;
}

async function isSocket(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isSocket();
  } catch {
    return false;
  }
}

/**
 * Sends `GET /_ping` to the Docker engine and resolves true when it returns 200 within the
 * timeout. This is the only request the test setup sends to Docker before it decides to use it.
 */
// NOTE: a tcp:// DOCKER_HOST that needs TLS (DOCKER_TLS_VERIFY) fails this plain-HTTP ping, so
// the test setup then falls back to the local service scripts.
export async function pingDocker(
  endpoint: DockerEndpoint,
  timeoutMs = DOCKER_PING_TIMEOUT_MS,
): Promise<boolean> {
  return new Promise((resolve) => {
    const ping = request({ ...endpoint, path: '/_ping', method: 'GET', timeout: timeoutMs });
    ping.on('response', (response) => {
      response.resume();
      resolve(response.statusCode === 200);
    });
    ping.on('timeout', () => ping.destroy());
    ping.on('error', () => resolve(false));
    ping.end();
  });
}

/** Resolves true when a Docker engine is configured or present and responds to its ping. */
export async function dockerEngineResponds(env: Environment): Promise<boolean> {
  const endpoint = await findDockerEndpoint(env);
  return endpoint !== undefined && (await pingDocker(endpoint));
}
