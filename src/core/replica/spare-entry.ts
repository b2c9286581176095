// A worker that builds a spare replica on disk (initdb in WASM takes seconds of CPU) so the core's
// own thread keeps answering the reviewer meanwhile; see spare.ts.
import { parentPort, workerData } from 'node:worker_threads'
import { prepareSpare } from './spare'
import type { TableSpec } from './tables'

const { userDataDir, specs } = workerData as { userDataDir: string; specs: TableSpec[] }
prepareSpare(userDataDir, specs).then(
  (dir) => parentPort?.postMessage({ ok: true, dir }),
  (err: unknown) => parentPort?.postMessage({ ok: false, message: err instanceof Error ? err.message : String(err) }),
)
