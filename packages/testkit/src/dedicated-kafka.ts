import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';

import { LOCAL_SERVICES_SCRIPT } from './local-services.ts';

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

/**
 * A Kafka broker of a test's own, run by the local service scripts in a run directory of its
 * own, so stopping it never touches the broker other tests use. Its data stays in the run
 * directory between `down` and `up`.
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

  /** Its address, for `KAFKA_BROKERS` or a client's broker list. */
  get broker(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Starts the broker, or starts it again on its kept data, and waits until it is ready. */
  async up(): Promise<void> {
    await promisify(execFile)('bash', [LOCAL_SERVICES_SCRIPT, 'up', 'kafka'], { env: this.#env });
  }

  /** Stops the broker: SIGTERM, then SIGKILL after the scripts' stop timeout. */
  async down(): Promise<void> {
    await promisify(execFile)('bash', [LOCAL_SERVICES_SCRIPT, 'down', 'kafka'], {
      env: this.#env,
    });
  }
}
