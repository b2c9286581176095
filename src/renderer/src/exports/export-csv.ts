// Saves a CSV the core built from the replica (audit log, my decisions, segregation-of-duties report)
// as a file: the core returns the text, the renderer hands it to the browser's download (in Electron,
// the save dialog). Works offline like every other view.
import type { ExportRequest } from '../../../shared/contract-domain'
import { call, errorMessage } from '../state/api'
import { showToast } from '../state/toast-store'

/** Asks the core for the CSV and saves it; a toast says how many rows went into which file, or why not. */
export async function exportCsv(request: ExportRequest): Promise<void> {
  try {
    const file = await call('exports.csv', request)
    const url = URL.createObjectURL(new Blob([file.csv], { type: 'text/csv;charset=utf-8' }))
    const link = document.createElement('a')
    link.href = url
    link.download = file.filename
    link.rel = 'noopener'
    document.body.append(link)
    link.click()
    link.remove()
    // The download has taken its copy once click() returns; the URL is not needed after this turn.
    setTimeout(() => URL.revokeObjectURL(url), 0)
    const rows = `${file.rows.toLocaleString()} row${file.rows === 1 ? '' : 's'}`
    showToast({ tone: 'success', message: `Exported ${rows} to ${file.filename}` })
  } catch (err) {
    showToast({ message: `Export failed: ${errorMessage(err)}`, tone: 'error' })
  }
}
