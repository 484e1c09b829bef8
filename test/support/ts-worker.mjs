// Worker threads do not inherit vitest's TypeScript loading: this bootstrap loads the worker's .ts entry through tsx.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

await tsImport(workerData.entry, import.meta.url);
