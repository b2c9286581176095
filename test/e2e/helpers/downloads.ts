// Catching a file the console saves (its CSV exports): run the action that starts the download and
// read what the browser saved — the file name the page offered and the text, as UTF-8.
import type { Page } from 'playwright-core'

export interface SavedFile {
  filename: string
  text: string
}

export async function saveDownload(page: Page, start: () => Promise<unknown>, timeoutMs = 20_000): Promise<SavedFile> {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: timeoutMs }), start()])
  const failure = await download.failure()
  if (failure) throw new Error(`download failed: ${failure}`)
  // Streamed from the browser: the run's browser is a server this process is connected to, so
  // the file it saved is not ours to open by path.
  const chunks: Buffer[] = []
  for await (const chunk of await download.createReadStream()) chunks.push(chunk as Buffer)
  return { filename: download.suggestedFilename(), text: Buffer.concat(chunks).toString('utf8') }
}
