import { connectPorts } from './connect-ports.ts';
import { runIngestionProcess } from './ingestion-process.ts';

// The only place that wires the real adapters to the worker. Configuration is read from the
// environment here, never at import time.
await runIngestionProcess({ env: process.env, process, connect: connectPorts });
