import { readImages, RegistryClient, type RegistryCredentials } from '@strata/registry';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { PASSWORD, startAuthProxy, USERNAME, type AuthMode, type AuthProxy } from './auth-proxy.ts';
import { registryImages, type RegistryImages } from './registry-images.ts';

let images: RegistryImages;
let proxy: AuthProxy | undefined;

beforeAll(async () => {
  images = await registryImages();
});

afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
});

async function readThrough(mode: AuthMode, credentials?: RegistryCredentials) {
  proxy = await startAuthProxy(images.registry, mode);
  const client = new RegistryClient({
    registry: proxy.address,
    repository: 'strata-test/runtime',
    insecure: true,
    credentials,
  });

  return readImages(client, '1');
}

describe('RegistryClient authentication', () => {
  it('gets an anonymous token from the Bearer realm', async () => {
    const result = await readThrough('anonymous-token');

    expect(result.images).toHaveLength(1);
    expect(proxy?.tokenRequests[0]).toContain('scope=repository%3Astrata-test%2Fruntime%3Apull');
    expect(proxy?.tokenRequests[0]).toContain('service=strata-test');
  });

  it('gets a token from the realm with a username and password', async () => {
    const result = await readThrough('password-token', { username: USERNAME, password: PASSWORD });

    expect(result.images).toHaveLength(1);
  });

  it('rejects a wrong password at the token realm', async () => {
    const reading = readThrough('password-token', { username: USERNAME, password: 'wrong' });

    await expect(reading).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    await expect(reading).rejects.toThrow('returned 401');
  });

  it('answers a Basic challenge with the credentials', async () => {
    const result = await readThrough('basic', { username: USERNAME, password: PASSWORD });

    expect(result.images).toHaveLength(1);
  });

  it('names the credential options when a Basic challenge has none', async () => {
    const reading = readThrough('basic');

    await expect(reading).rejects.toThrow('--username and --password');
  });

  it('sends a static bearer token', async () => {
    const result = await readThrough('static-token', { token: 'static-token' });

    expect(result.images).toHaveLength(1);
  });
});
