import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';

import { StrataError } from '@strata/core';

/** TLS settings of registry connections. */
export interface TlsOptions {
  /** PEM certificates of the CAs to trust instead of the system ones. */
  ca?: string;
  /** Verify the server's certificate. Default true; false is for test registries only. */
  verify?: boolean;
}

export interface HttpGetOptions {
  headers: Record<string, string>;
  tls: TlsOptions;
  /** Largest body read, in bytes; a longer body fails with `LIMIT_EXCEEDED`. */
  maxBytes: number;
  /** Time the whole request may take. */
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Sends one GET request and reads the whole body. Does not follow redirects: the caller does,
 * so it can decide which headers go to the new location. Raises `SERVICE_UNAVAILABLE`
 * (retryable) naming the URL when the server cannot be reached or times out.
 */
export function httpGet(url: URL, options: HttpGetOptions): Promise<HttpResponse> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;

  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        method: 'GET',
        headers: options.headers,
        ca: options.tls.ca,
        rejectUnauthorized: options.tls.verify ?? true,
        timeout: options.timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let length = 0;
        response.on('data', (chunk: Buffer) => {
          length += chunk.length;
          if (length > options.maxBytes) {
            request.destroy(tooLarge(url, options.maxBytes));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => {
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks),
          });
        });
        response.on('error', (error) => reject(unreachable(url, error)));
      },
    );
    request.on('timeout', () => {
      request.destroy(new Error(`no response within ${options.timeoutMs} ms`));
    });
    request.on('error', (error) => {
      reject(error instanceof StrataError ? error : unreachable(url, error));
    });
    request.end();
  });
}

function tooLarge(url: URL, maxBytes: number): StrataError {
  return new StrataError('LIMIT_EXCEEDED', `GET ${url.href}: body over ${maxBytes} bytes`, {
    details: { url: url.href, maxBytes },
  });
}

function unreachable(url: URL, cause: Error): StrataError {
  return new StrataError(
    'SERVICE_UNAVAILABLE',
    `GET ${url.href} failed: ${cause.message}; check that the registry is reachable, or use ` +
      '--insecure for a registry that serves plain HTTP',
    { cause, retryable: true, details: { url: url.href } },
  );
}
