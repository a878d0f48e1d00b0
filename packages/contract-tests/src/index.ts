export { BatchRecorder } from './batch-recorder.ts';
export { chainIndexContract } from './chain-index-contract.ts';
export { eventBusContract } from './event-bus-contract.ts';
export type { ContractFactory, ContractFixture, TestLayer, TestRecordOptions } from './fixtures.ts';
export {
  collect,
  makeImageRecord,
  prefixChains,
  randomDigest,
  randomLayers,
  uniqueName,
} from './fixtures.ts';
export { imageStoreContract } from './image-store-contract.ts';
export { objectStoreContract } from './object-store-contract.ts';
export { resultVersionStoreContract } from './result-version-store-contract.ts';
