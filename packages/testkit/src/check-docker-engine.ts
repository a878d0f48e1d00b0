// Exits 0 when a Docker engine responds to its ping and 1 otherwise, so shell scripts such as
// infra/test-all.sh decide like the test setup does. Run with
// `node packages/testkit/src/check-docker-engine.ts`.
import { dockerEngineResponds } from './docker-engine.ts';

process.exitCode = (await dockerEngineResponds(process.env)) ? 0 : 1;
