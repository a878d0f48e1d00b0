import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';
import { waitUntil } from './test-support.ts';

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
