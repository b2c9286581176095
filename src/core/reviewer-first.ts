// The reviewer goes first. PGlite runs one statement at a time, on the core's thread, and a first
// sync has hundreds of thousands of rows to write. So a pulled page is written in short statements
// (replica/apply.ts), and before each statement the sync waits its turn: calls the shell posted during
// the last one are taken in, and none of the reviewer's calls is still running. A reviewer who
// never pauses (or a machine so busy that every call is slow) cannot stop the sync: a statement waits
// for them at most MAX_WAIT_MS, so the sync slows down in proportion instead.
// How much the sync writes at once follows the reviewer too: while they are at work (a call in the
// last REVIEWER_AT_WORK_MS), one statement is a single short slice, so their next call waits a few
// milliseconds at most; when nobody has called for a while, several slices go in one statement,
// which PGlite writes for less CPU per row.
import { SLICE_CHARS } from './sync/page'

/** The longest a statement waits for the reviewer's calls before it is written anyway. */
const MAX_WAIT_MS = 25

/** A reviewer who called this recently is at work: the sync writes in short statements. */
const REVIEWER_AT_WORK_MS = 2000

/** The most text of one statement while nobody is at work (~15 ms of PGlite's time on this machine). */
export const IDLE_STATEMENT_CHARS = 8 * SLICE_CHARS

/** Two turns of the event loop: the second starts after a poll phase, which delivers the shell's messages. */
const nextLoopTurn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)))

export class ReviewerFirst {
  private running = 0
  private waiting: (() => void)[] = []
  /** When the reviewer's last call started or ended. */
  private lastCall = -Infinity

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Runs one of the reviewer's calls; slices wait while any is running. */
  async call<T>(run: () => Promise<T>): Promise<T> {
    this.running++
    this.lastCall = this.now()
    try {
      return await run()
    } finally {
      this.lastCall = this.now()
      if (--this.running === 0) {
        const waiting = this.waiting
        this.waiting = []
        for (const go of waiting) go()
      }
    }
  }

  /** Resolves when the sync may write its next statement, with the most text that statement may take. */
  readonly turn = async (): Promise<number> => {
    const deadline = performance.now() + MAX_WAIT_MS
    for (;;) {
      await nextLoopTurn()
      const left = deadline - performance.now()
      if (this.running === 0 || left <= 0) return this.now() - this.lastCall < REVIEWER_AT_WORK_MS ? SLICE_CHARS : IDLE_STATEMENT_CHARS
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiting.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }
}
