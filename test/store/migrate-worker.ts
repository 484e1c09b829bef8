import { parentPort, workerData } from 'node:worker_threads';
import { migrateOnce } from './migrate-once.js';

// A thread of its own, so SQLite's synchronous wait for the file lock blocks only this "instance". It reports
// ready once loaded and migrates on "go", so all instances start together however long each took to load.
parentPort?.once('message', () => {
  void migrateOnce((workerData as { url: string }).url).then((answer) => parentPort?.postMessage(answer));
});
parentPort?.postMessage('ready');
