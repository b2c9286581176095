// Saved views: inbox filters a reviewer keeps under a name and recalls with a number key. They are
// the reviewer's own on one backend — another user, or the same email on another backend, starts
// with none — so the file keys them by backend and user id; the next sign-in reads only its own.
import { randomUUID } from 'node:crypto'
import { join } from 'node:path'
import { z } from 'zod'
import { MAX_SAVED_VIEWS, SavedView } from '../shared/contract-domain'
import { ApiError } from '../shared/errors'
import { JsonFile } from './settings'

type SavedViewFilter = SavedView['filter']

const ViewsByOwner = z.record(z.string(), z.array(SavedView).max(MAX_SAVED_VIEWS))
type ViewsByOwner = z.infer<typeof ViewsByOwner>

/** Who owns a list of views: a backend and one user on it. */
export interface ViewOwner {
  backendUrl: string
  userId: string
}

const ownerKey = (o: ViewOwner) => `${o.backendUrl} ${o.userId}`
const sameName = (a: string, b: string) => a.trim().toLocaleLowerCase() === b.trim().toLocaleLowerCase()

export class SavedViews {
  private readonly file: JsonFile<ViewsByOwner>
  // Changes run one at a time: two saves at once must not both read the list before either writes.
  private serial: Promise<unknown> = Promise.resolve()

  constructor(userDataDir: string) {
    this.file = new JsonFile(join(userDataDir, 'saved-views.json'), ViewsByOwner, {})
  }

  async list(owner: ViewOwner): Promise<SavedView[]> {
    return (await this.file.read())[ownerKey(owner)] ?? []
  }

  /** Saving under an existing name replaces that view's filters (it keeps its slot). */
  save(owner: ViewOwner, name: string, filter: SavedViewFilter): Promise<SavedView[]> {
    return this.change(owner, (views) => {
      const existing = views.find((v) => sameName(v.name, name))
      if (existing) return views.map((v) => (v === existing ? { ...v, filter } : v))
      if (views.length >= MAX_SAVED_VIEWS) throw new ApiError('saved_views_full')
      return [...views, { id: randomUUID(), name: name.trim(), filter }]
    })
  }

  rename(owner: ViewOwner, id: string, name: string): Promise<SavedView[]> {
    return this.change(owner, (views) => {
      if (!views.some((v) => v.id === id)) throw new ApiError('not_found')
      if (views.some((v) => v.id !== id && sameName(v.name, name))) throw new ApiError('saved_view_name_taken')
      return views.map((v) => (v.id === id ? { ...v, name: name.trim() } : v))
    })
  }

  /** The views after it move up a slot, so the number keys stay 1..n. */
  remove(owner: ViewOwner, id: string): Promise<SavedView[]> {
    return this.change(owner, (views) => {
      if (!views.some((v) => v.id === id)) throw new ApiError('not_found')
      return views.filter((v) => v.id !== id)
    })
  }

  private change(owner: ViewOwner, edit: (views: SavedView[]) => SavedView[]): Promise<SavedView[]> {
    const run = this.serial.then(async () => {
      const all = await this.file.read()
      const views = edit(all[ownerKey(owner)] ?? [])
      await this.file.write({ ...all, [ownerKey(owner)]: views })
      return views
    })
    this.serial = run.catch(() => {})
    return run
  }
}
