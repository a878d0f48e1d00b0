import { StrataError, type Digest } from '@strata/core';
import { z } from 'zod';

import { parseAuthChallenge, type AuthChallenge } from './auth-challenge.ts';
import type { ContentSource, FetchedManifest } from './content-source.ts';
import { httpGet, type HttpResponse, type TlsOptions } from './http-get.ts';
import { MANIFEST_ACCEPT, MAX_METADATA_BYTES } from './media-types.ts';
import { parseJsonBytes } from './parse-json-bytes.ts';
import { sha256Digest, verifyDigest } from './verify-digest.ts';

/** Credentials for a registry: a username and password, or a bearer token. */
export interface RegistryCredentials {
  username?: string;
  password?: string;
  /** A bearer token sent as is, for registries that hand out tokens by other means. */
  token?: string;
}

export interface RegistryClientOptions {
  /** Registry host with port, as in the image reference. */
  registry: string;
  repository: string;
  /** Talk plain HTTP instead of HTTPS. Default false. */
  insecure?: boolean;
  tls?: TlsOptions;
  credentials?: RegistryCredentials;
  /** Time one HTTP request may take. Default 30 s. */
  timeoutMs?: number;
}

const MAX_REDIRECTS = 5;
const tokenResponseSchema = z
  .object({ token: z.string().min(1).optional(), access_token: z.string().min(1).optional() })
  .loose();

/**
 * Reads manifests and configs of one repository over the OCI distribution API. Authenticates on
 * the registry's challenge: the Bearer token flow (anonymous, or with the credentials as Basic
 * auth at the token realm), or Basic auth. A static bearer token is sent from the first request.
 * Every manifest and blob is checked against its digest.
 */
export class RegistryClient implements ContentSource {
  readonly #options: RegistryClientOptions;
  readonly #base: URL;
  #authorization: string | undefined;

  constructor(options: RegistryClientOptions) {
    this.#options = options;
    this.#base = new URL(`${options.insecure === true ? 'http' : 'https'}://${options.registry}/`);
    const token = options.credentials?.token;
    this.#authorization = token === undefined ? undefined : `Bearer ${token}`;
  }

  async fetchManifest(reference: string): Promise<FetchedManifest> {
    const path = `v2/${this.#options.repository}/manifests/${reference}`;
    const response = await this.#get(path, MANIFEST_ACCEPT, `manifest ${reference}`);
    // A digest reference may use sha512; the manifest is then named by that digest.
    const isDigest = reference.includes(':');
    if (isDigest) {
      verifyDigest(response.body, reference, `manifest ${reference}`);
    }

    const digest = isDigest ? reference : sha256Digest(response.body);

    const contentType = response.headers['content-type']?.split(';')[0]?.trim();

    return { digest, mediaType: contentType, body: response.body };
  }

  async fetchBlob(digest: Digest): Promise<Uint8Array> {
    const path = `v2/${this.#options.repository}/blobs/${digest}`;
    const response = await this.#get(path, '*/*', `blob ${digest}`);
    verifyDigest(response.body, digest, `blob ${digest}`);

    return response.body;
  }

  /** Sends `GET /v2/` to check the registry is reachable, authenticating on its challenge. */
  async ping(): Promise<void> {
    await this.#get('v2/', 'application/json', 'API version check');
  }

  async #get(path: string, accept: string, what: string): Promise<HttpResponse> {
    const url = new URL(path, this.#base);
    let response = await this.#follow(url, accept);
    if (response.status === 401) {
      await this.#authenticate(response.headers['www-authenticate'], what);
      response = await this.#follow(url, accept);
    }

    return this.#check(response, url, what);
  }

  async #follow(start: URL, accept: string): Promise<HttpResponse> {
    let url = start;
    let authorized = true;
    for (let redirects = 0; redirects <= MAX_REDIRECTS; redirects += 1) {
      const headers: Record<string, string> = { accept, 'user-agent': USER_AGENT };
      if (authorized && this.#authorization !== undefined) {
        headers.authorization = this.#authorization;
      }

      const response = await httpGet(url, this.#requestOptions(headers));
      const location = response.headers.location;
      if (!REDIRECTS.has(response.status) || location === undefined) {
        return response;
      }

      const next = new URL(location, url);
      // Blob redirects lead to storage that takes signed URLs; the registry's token stays home.
      authorized = authorized && next.host === url.host;
      url = next;
    }

    throw new StrataError(
      'SERVICE_UNAVAILABLE',
      `GET ${start.href}: over ${MAX_REDIRECTS} redirects`,
      {
        details: { url: start.href },
      },
    );
  }

  #requestOptions(headers: Record<string, string>) {
    return {
      headers,
      tls: this.#options.tls ?? {},
      maxBytes: MAX_METADATA_BYTES,
      timeoutMs: this.#options.timeoutMs ?? 30_000,
    };
  }

  async #authenticate(header: string | undefined, what: string): Promise<void> {
    const challenge = parseAuthChallenge(header);
    if (challenge?.scheme === 'bearer') {
      this.#authorization = `Bearer ${await this.#fetchToken(challenge)}`;
      return;
    }

    const { username, password } = this.#options.credentials ?? {};
    if (challenge?.scheme === 'basic' && username !== undefined && password !== undefined) {
      this.#authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
      return;
    }

    throw this.#authError(`${what}: registry ${this.#options.registry} requires credentials`);
  }

  async #fetchToken(challenge: AuthChallenge): Promise<string> {
    const realm = challenge.parameters.realm;
    if (realm === undefined || !/^https?:\/\//.test(realm)) {
      throw this.#authError(
        `registry ${this.#options.registry}: invalid token realm ${String(realm)}`,
      );
    }

    const url = new URL(realm);
    if (challenge.parameters.service !== undefined) {
      url.searchParams.set('service', challenge.parameters.service);
    }
    url.searchParams.set(
      'scope',
      challenge.parameters.scope ?? `repository:${this.#options.repository}:pull`,
    );
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': USER_AGENT,
    };
    const { username, password } = this.#options.credentials ?? {};
    if (username !== undefined && password !== undefined && this.#mayCarryPassword(url)) {
      headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }

    const response = await httpGet(url, this.#requestOptions(headers));
    if (response.status !== 200) {
      throw this.#authError(
        `token request to ${url.origin}${url.pathname} returned ${response.status}`,
      );
    }

    const body = parseJsonBytes(tokenResponseSchema, response.body, `token from ${url.origin}`);
    const token = body.token ?? body.access_token;
    if (token === undefined) {
      throw this.#authError(`token response from ${url.origin}${url.pathname} has no token`);
    }

    return token;
  }

  /** A password goes over plain HTTP only when the user chose plain HTTP with `insecure`. */
  #mayCarryPassword(url: URL): boolean {
    return url.protocol === 'https:' || this.#options.insecure === true;
  }

  #authError(message: string): StrataError {
    return new StrataError(
      'INVALID_CONFIG',
      `${message}; give --username and --password (or STRATA_REGISTRY_USERNAME and ` +
        'STRATA_REGISTRY_PASSWORD), or --token',
      { details: { registry: this.#options.registry } },
    );
  }

  #check(response: HttpResponse, url: URL, what: string): HttpResponse {
    if (response.status === 200) {
      return response;
    }

    const detail = `${what}: GET ${url.href} returned ${response.status}${registryError(response)}`;
    if (response.status === 404) {
      throw new StrataError('NOT_FOUND', detail, { details: { url: url.href } });
    }

    if (response.status === 401 || response.status === 403) {
      throw this.#authError(detail);
    }

    const retryable = response.status === 429 || response.status >= 500;
    throw new StrataError('SERVICE_UNAVAILABLE', detail, { retryable, details: { url: url.href } });
  }
}

const USER_AGENT = 'strata-registry-client';
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** Returns `: CODE message` from a registry's JSON error body, or nothing. */
function registryError(response: HttpResponse): string {
  const parsed = registryErrorSchema.safeParse(safeJson(response.body));
  const first = parsed.success ? parsed.data.errors[0] : undefined;

  return first === undefined ? '' : `: ${first.code} ${first.message ?? ''}`.trimEnd();
}

const registryErrorSchema = z.object({
  errors: z.array(z.object({ code: z.string(), message: z.string().optional() }).loose()),
});

function safeJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
