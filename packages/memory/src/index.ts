export { InMemoryEventBus } from './in-memory-event-bus.ts';
export type { InMemoryEventBusOptions } from './in-memory-event-bus.ts';
export { InMemoryImageStore } from './in-memory-image-store.ts';
export { InMemoryObjectStore } from './in-memory-object-store.ts';
export { InMemoryResultVersionStore } from './in-memory-result-version-store.ts';
export { InMemoryChainIndex } from '@strata/core';
