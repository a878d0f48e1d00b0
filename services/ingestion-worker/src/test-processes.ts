import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { waitUntil } from './test-support.ts';

/** Returns a loopback TCP port that was free a moment ago. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');

  return port;
}

async function accepts(port: number): Promise<boolean> {
  const socket = createConnection({ host: '127.0.0.1', port });
  try {
    await once(socket, 'connect');
    return true;
  } catch {
    return false;
  } finally {
    socket.destroy();
  }
}

/** Ends a child process this test started, by its pid, and waits for its exit. */
export async function killChild(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGKILL',
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }

  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}

/**
 * Starts a redis-server of this test's own on a loopback port, without persistence, so
 * restarting it loses every key. Other tests' Redis is never touched.
 */
export async function startRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  await waitUntil(() => accepts(port));

  return child;
}

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

/** Starts the ingestion worker's `main.ts` as a child process with the given environment. */
export function startWorkerProcess(env: Record<string, string>, output: string[]): ChildProcess {
  const child = spawn(process.execPath, ['--conditions=@strata/source', MAIN], {
    env: { ...env, PATH: process.env.PATH ?? '', AWS_EC2_METADATA_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));

  return child;
}

const SERVICES_SCRIPT = fileURLToPath(new URL('../../../infra/local/services.sh', import.meta.url));

/**
 * A Kafka broker of this test's own, run by the local service scripts in a run directory of its
 * own, so stopping it never touches the broker other tests use.
 */
export class DedicatedKafka {
  readonly port: number;
  readonly #env: Record<string, string>;

  constructor(runDirectory: string, port: number, controllerPort: number) {
    this.port = port;
    this.#env = {
      ...(process.env as Record<string, string>),
      STRATA_RUN_DIR: runDirectory,
      STRATA_KAFKA_PORT: String(port),
      STRATA_KAFKA_CONTROLLER_PORT: String(controllerPort),
    };
  }

  /** Starts the broker, or starts it again on its kept data, and waits until it is ready. */
  async up(): Promise<void> {
    await promisify(execFile)('bash', [SERVICES_SCRIPT, 'up', 'kafka'], { env: this.#env });
  }

  /** Stops the broker: SIGTERM, then SIGKILL after the scripts' stop timeout. */
  async down(): Promise<void> {
    await promisify(execFile)('bash', [SERVICES_SCRIPT, 'down', 'kafka'], { env: this.#env });
  }
}
