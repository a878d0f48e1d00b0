export * from './run-embedded.ts';
export * from './wait-for-idle.ts';
