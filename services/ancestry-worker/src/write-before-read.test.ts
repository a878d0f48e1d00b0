import { ancestryEventSchema, StrataError } from '@strata/core';
import type { BusMessage, ChainIndex, IndexedChain } from '@strata/core';
import { InMemoryEventBus } from '@strata/memory';
import { describe, expect, it } from 'vitest';
import type { AncestryContext } from './ancestry-context.ts';
import { handleIndexed } from './handle-indexed.ts';
import {
  bodies,
  collectTopic,
  consumed,
  digestOf,
  indexedMessage,
  latestByKey,
  recordOf,
  storeImage,
  testContext,
  waitUntil,
} from './test-support.ts';

const BASE = { name: 'base', layers: ['os'], vulnerabilities: ['CVE-1'] };
const CHILD = { name: 'child', layers: ['os', 'app'], vulnerabilities: ['CVE-1', 'CVE-2'] };

/** A chain index whose next lookup, once armed, waits for `release()` after reading the index. */
class PausingChainIndex implements ChainIndex {
  readonly #inner: ChainIndex;
  #armed = false;
  #paused = false;
  #release: () => void = () => undefined;

  constructor(inner: ChainIndex) {
    this.#inner = inner;
  }

  get paused(): boolean {
    return this.#paused;
  }

  arm(): void {
    this.#armed = true;
  }

  release(): void {
    this.#release();
  }

  async lookup(queries: readonly IndexedChain[]) {
    const found = await this.#inner.lookup(queries);
    if (this.#armed) {
      this.#armed = false;
      this.#paused = true;
      await new Promise<void>((resolve) => (this.#release = resolve));
      this.#paused = false;
    }

    return found;
  }

  add = (digest: string, chains: readonly IndexedChain[]) => this.#inner.add(digest, chains);
  remove = (digest: string, chains: readonly IndexedChain[]) => this.#inner.remove(digest, chains);
  size = () => this.#inner.size();
  clear = () => this.#inner.clear();
}

/** An event bus whose publish to `topic` fails `failures` times, as a worker dying before it. */
class FailingEventBus extends InMemoryEventBus {
  readonly #topic: string;
  failures: number;

  constructor(topic: string, failures: number) {
    super();
    this.#topic = topic;
    this.failures = failures;
  }

  override publish(topic: string, messages: readonly BusMessage[]): Promise<void> {
    if (topic === this.#topic && this.failures > 0) {
      this.failures -= 1;
      return Promise.reject(new StrataError('SERVICE_UNAVAILABLE', 'broker unreachable'));
    }

    return super.publish(topic, messages);
  }
}

function ancestorsOf(message: BusMessage | undefined): string[] {
  const body = ancestryEventSchema.parse(JSON.parse(message?.value?.toString() ?? 'null'));

  return body.ancestors.map((ancestor) => ancestor.digest);
}

describe('write before read', () => {
  it('corrects a descendant processed before its ancestor was visible', async () => {
    const first = testContext();
    const pausing = new PausingChainIndex(first.index);
    const workerB: AncestryContext = { ...first, index: pausing };
    const workerA: AncestryContext = { ...first };
    const ancestry = await collectTopic(first.bus, first.settings.topics.ancestry);
    const child = recordOf(CHILD);
    const base = recordOf(BASE);

    await storeImage(first, child);
    pausing.arm();
    const childDone = handleIndexed(workerB, consumed('image.indexed', indexedMessage(child), 0));
    await waitUntil(() => pausing.paused);
    await storeImage(first, base);
    await handleIndexed(workerA, consumed('image.indexed', indexedMessage(base), 1));
    pausing.release();
    await childDone;
    await waitUntil(() => ancestry.messages.length === first.bus.topicLength('image.ancestry'));
    await ancestry.stop();

    const published = ancestry.messages.filter((message) => message.key === child.image.digest);
    expect(published.map((message) => ancestorsOf(message))).toContainEqual([]);
    expect(ancestorsOf(latestByKey(ancestry.messages).get(child.image.digest))).toEqual([
      base.image.digest,
    ]);
    const versions = bodies(published).map((body) => body.version);
    expect(versions).toEqual([...versions].sort((a, b) => Number(a) - Number(b)));
  });

  it('finds a descendant stored before the ancestor', async () => {
    const context = testContext();
    const ancestry = await collectTopic(context.bus, context.settings.topics.ancestry);
    const child = recordOf(CHILD);
    const base = recordOf(BASE);
    await storeImage(context, child);
    await storeImage(context, base);

    await handleIndexed(context, consumed('image.indexed', indexedMessage(base), 0));
    await waitUntil(() => ancestry.messages.length === context.bus.topicLength('image.ancestry'));
    await ancestry.stop();

    expect(ancestorsOf(latestByKey(ancestry.messages).get(digestOf('child')))).toEqual([
      base.image.digest,
    ]);
  });
});

describe('redelivery after a failed publish', () => {
  it('publishes the version recorded before the failure', async () => {
    const bus = new FailingEventBus('image.ancestry', 1);
    const context: AncestryContext = { ...testContext(), bus };
    const ancestry = await collectTopic(bus, context.settings.topics.ancestry);
    const base = recordOf(BASE);
    await storeImage(context, base);
    const message = consumed('image.indexed', indexedMessage(base), 0);

    await expect(handleIndexed(context, message)).rejects.toThrow(/broker unreachable/);
    await handleIndexed(context, message);
    await handleIndexed(context, message);
    await waitUntil(() => ancestry.messages.length === bus.topicLength('image.ancestry'));
    await ancestry.stop();

    expect(ancestry.messages).toHaveLength(1);
    expect(bodies(ancestry.messages)[0]?.version).toBe(1);
    expect(ancestry.messages[0]?.headers.ce_stratareplay).toBeUndefined();
  });
});
