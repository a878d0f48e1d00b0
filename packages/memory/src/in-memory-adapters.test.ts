import { InMemoryChainIndex } from '@strata/core';
import {
  chainIndexContract,
  eventBusContract,
  imageStoreContract,
  objectStoreContract,
  resultVersionStoreContract,
} from '@strata/contract-tests';
import { InMemoryEventBus } from './in-memory-event-bus.ts';
import { InMemoryImageStore } from './in-memory-image-store.ts';
import { InMemoryObjectStore } from './in-memory-object-store.ts';
import { InMemoryResultVersionStore } from './in-memory-result-version-store.ts';

function fixtureOf<T extends { close(): Promise<void> }>(subject: T) {
  return Promise.resolve({ subject, cleanup: () => subject.close() });
}

imageStoreContract('in-memory', () => fixtureOf(new InMemoryImageStore()));
objectStoreContract('in-memory', () => fixtureOf(new InMemoryObjectStore()));
resultVersionStoreContract('in-memory', () => fixtureOf(new InMemoryResultVersionStore()));
eventBusContract('in-memory', () => fixtureOf(new InMemoryEventBus({ retryInitialDelayMs: 10 })));
chainIndexContract('in-memory', () =>
  Promise.resolve({ subject: new InMemoryChainIndex(), cleanup: () => Promise.resolve() }),
);
