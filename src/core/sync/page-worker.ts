// The page reader's thread (sync/page-reader.ts): reads each page it is handed and hands the bytes
// back with the page's slices. Its own entry, so the thread loads the page reader alone, not the core.
import { parentPort, workerData } from 'node:worker_threads'
import { readPage } from './page'
import type { PageReply, RuleTable } from './page-reader'
import { BadAnswer } from './validate'

const port = parentPort
if (!port) throw new Error('the page reader was started outside a worker')
const rules = new Map(Object.entries((workerData as { rules: RuleTable }).rules))
port.on('message', ({ id, bytes }: { id: number; bytes: Uint8Array }) => {
  let reply: PageReply
  try {
    reply = { id, ok: true, page: readPage(bytes, (t) => rules.get(t)) }
  } catch (err) {
    reply = { id, ok: false, bad: err instanceof BadAnswer, message: err instanceof Error ? err.message : String(err) }
  }
  port.postMessage(reply, [bytes.buffer as ArrayBuffer])
})
port.postMessage({ ready: true } satisfies PageReply)
