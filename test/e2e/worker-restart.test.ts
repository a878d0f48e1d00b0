import { afterEach, describe, expect, it } from 'vitest';
import { E2eDeployment } from './e2e-deployment.ts';
import type { WorkerName } from './worker-process.ts';
import {
  ancestryProblems,
  officialExpectations,
  shuffledOfficialEvents,
} from './expected-results.ts';
import { publishJson, ResultCollector, testBus, waitForNoProblems } from './result-collector.ts';

/**
 * Bound of every wait. A worker restarted after SIGKILL rejoins its consumer group only once
 * the broker drops the killed member, after the 30 s session timeout of the Kafka adapter.
 */
const RESULT_TIMEOUT_MS = 180_000;

let cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

describe('worker restart after SIGKILL', () => {
  it.each<WorkerName>(['ancestry-worker', 'ingestion-worker'])(
    'ends with every correct result after killing the %s',
    { timeout: 600_000 },
    async (killed) => {
      const deployment = new E2eDeployment(`e2e-kill-${killed}`);
      const bus = testBus(deployment.addresses.KAFKA_BROKERS ?? '');
      const { topics } = deployment;
      await bus.ensureTopics(Object.values(topics));
      const collector = new ResultCollector();
      await collector.start(bus, [topics.ancestry], deployment.readerGroup);
      cleanups.push(
        () => bus.close(),
        () => collector.stop(),
        () => deployment.stop(),
      );
      const expected = officialExpectations();
      const events = shuffledOfficialEvents(11);
      const half = Math.floor(events.length / 2);
      const publish = (part: typeof events) =>
        publishJson(bus, topics.analyzed, part, (event) => event.image.digest);
      deployment.start('ingestion-worker');
      deployment.start('ancestry-worker');

      await publish(events.slice(0, half));
      await waitForNoProblems(
        'a first result',
        () => (collector.received > 0 ? [] : ['no result yet']),
        RESULT_TIMEOUT_MS,
        () => deployment.output(),
      );
      // The second half arrives while the killed worker is down or still busy with the first.
      await publish(events.slice(half));
      await deployment.kill(killed);
      deployment.start(killed);

      await waitForNoProblems(
        `every official ancestry after restarting the ${killed}`,
        () => ancestryProblems(expected, collector.latest(topics.ancestry)),
        RESULT_TIMEOUT_MS,
        () => deployment.output(),
      );
      expect(ancestryProblems(expected, collector.latest(topics.ancestry))).toEqual([]);
    },
  );
});
