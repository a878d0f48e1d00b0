import { execFile, spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { addressesFromEnvironment } from './environment-addresses.ts';
import type { LocalServiceName, PartialAddresses } from './service-addresses.ts';

/** The script that installs and starts the servers on loopback, at the repository's root. */
export const LOCAL_SERVICES_SCRIPT = fileURLToPath(
  new URL('../../../infra/local/services.sh', import.meta.url),
);

/**
 * Runs `services.sh up` for the named services, which installs what is missing and waits until
 * each server passes its readiness probe, then reads their addresses from `services.sh env`.
 * The script's progress goes to this process's stderr. The servers keep running afterwards, so
 * the next test run finds them ready; `pnpm services:down` stops them.
 */
export async function startLocalServices(
  names: LocalServiceName[],
  script = LOCAL_SERVICES_SCRIPT,
): Promise<PartialAddresses> {
  const env = scriptEnvironment();
  await runInheritingStderr('bash', [script, 'up', ...names], env);
  const { stdout } = await promisify(execFile)('bash', [script, 'env'], { env });
  const all = addressesFromEnvironment(parseKeyValueLines(stdout));
  return pickServices(all, names);
}

/** Puts this process's node first on PATH, because the readiness probes run with node. */
function scriptEnvironment(): NodeJS.ProcessEnv {
  const path = [dirname(process.execPath), process.env.PATH].filter(Boolean).join(':');
  return { ...process.env, PATH: path };
}

async function runInheritingStderr(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<void> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'inherit', 'inherit'] });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', resolve);
  });
  if (code !== 0) {
    throw new Error(
      `${args.join(' ')} failed with exit code ${code}; its output above names the service ` +
        'and the log file to read',
    );
  }
}

/** Parses `KEY=value` lines; other lines are ignored. */
export function parseKeyValueLines(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) {
      values[match[1]] = match[2];
    }
  }
  return values;
}

function pickServices(all: PartialAddresses, names: LocalServiceName[]): PartialAddresses {
  const picked: PartialAddresses = {};
  if (names.includes('kafka')) picked.kafkaBrokers = all.kafkaBrokers;
  if (names.includes('mongodb')) picked.mongodbUri = all.mongodbUri;
  if (names.includes('redis')) picked.redisUrl = all.redisUrl;
  if (names.includes('s3')) picked.s3 = all.s3;
  if (names.includes('redis-cluster')) picked.redisClusterNodes = all.redisClusterNodes;
  return picked;
}
