import { describe, expect, it } from 'vitest';
import { startHealthServer } from './health-server.ts';
import type { Readiness } from './health-server.ts';
import { createMemoryLogger } from './test-logger.ts';
import { createWorkerMetrics } from './worker-metrics.ts';

async function withServer(readiness: () => Readiness, test: (base: string) => Promise<void>) {
  const metrics = createWorkerMetrics({ processMetrics: false });
  metrics.eventsConsumed.inc({ topic: 'image.analyzed' }, 3);
  const server = await startHealthServer({
    host: '127.0.0.1',
    port: 0,
    registry: metrics.registry,
    readiness,
    logger: createMemoryLogger().logger,
  });
  try {
    await test(`http://127.0.0.1:${server.port}`);
  } finally {
    await server.close();
    await server.close();
  }
}

describe('startHealthServer', () => {
  it('reports liveness', async () => {
    await withServer(
      () => ({ ready: false, status: 'starting' }),
      async (base) => {
        const response = await fetch(`${base}/healthz`);

        expect(response.status).toBe(200);
      },
    );
  });

  it('reports readiness from the callback', async () => {
    let readiness: Readiness = { ready: false, status: 'starting' };
    await withServer(
      () => readiness,
      async (base) => {
        const before = await fetch(`${base}/readyz`);
        readiness = { ready: true, status: 'running' };
        const after = await fetch(`${base}/readyz`);

        expect(before.status).toBe(503);
        expect(await before.json()).toEqual({ ready: false, status: 'starting' });
        expect(after.status).toBe(200);
      },
    );
  });

  it('serves Prometheus metrics', async () => {
    await withServer(
      () => ({ ready: true, status: 'running' }),
      async (base) => {
        const response = await fetch(`${base}/metrics`);
        const text = await response.text();

        expect(response.headers.get('content-type')).toContain('text/plain');
        expect(text).toContain('strata_events_consumed_total{topic="image.analyzed"} 3');
        expect(text).toContain('# TYPE strata_event_processing_seconds histogram');
        expect(text).toContain('# TYPE strata_consumer_lag gauge');
      },
    );
  });

  it('returns 404 for other paths', async () => {
    await withServer(
      () => ({ ready: true, status: 'running' }),
      async (base) => {
        expect((await fetch(`${base}/admin`)).status).toBe(404);
      },
    );
  });
});
