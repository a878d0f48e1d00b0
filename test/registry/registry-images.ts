import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** Addresses and paths `infra/local/registry.sh up` prints. */
export interface RegistryImages {
  /** `127.0.0.1:PORT` of the registry with the gzip images and the index. */
  registry: string;
  /** `127.0.0.1:PORT` of the registry with the zstd copy of `strata-test/app:1`. */
  zstdRegistry: string;
  /** OCI layout directory with the tags `distro`, `runtime` and `app`. */
  ociLayout: string;
  /** `docker save` tarball of `app`. */
  dockerSave: string;
}

const SCRIPT = fileURLToPath(new URL('../../infra/local/registry.sh', import.meta.url));

let started: Promise<RegistryImages> | undefined;

/**
 * Starts the two local registries, builds the test images when the cache lacks them and pushes
 * them, installing the Debian packages first when they are missing. Runs once per test process;
 * the registries keep running for later runs and stop with `registry.sh down`.
 */
export function registryImages(): Promise<RegistryImages> {
  started ??= startRegistries();

  return started;
}

async function startRegistries(): Promise<RegistryImages> {
  const { stdout } = await promisify(execFile)('bash', [SCRIPT, 'up'], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const values = new Map(
    stdout
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const read = (name: string) => {
    const value = values.get(name);
    if (value === undefined) throw new Error(`registry.sh up printed no ${name}`);

    return value;
  };

  return {
    registry: read('STRATA_TEST_REGISTRY'),
    zstdRegistry: read('STRATA_TEST_ZSTD_REGISTRY'),
    ociLayout: read('STRATA_TEST_OCI_LAYOUT'),
    dockerSave: read('STRATA_TEST_DOCKER_SAVE'),
  };
}
