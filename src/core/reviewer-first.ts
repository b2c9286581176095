// The reviewer goes first. PGlite runs one statement at a time, on the core's thread, and a first
// sync has hundreds of thousands of rows to write. So a pulled page is written in short slices
// (replica/apply.ts), and before each slice the sync waits its turn: calls the shell posted during
// the last slice are taken in, and none of the reviewer's calls is still running. A reviewer who
// never pauses (or a machine so busy that every call is slow) cannot stop the sync: a slice waits
// for them at most MAX_WAIT_MS, so the sync slows down in proportion instead.

/** The longest a slice waits for the reviewer's calls before it is written anyway. */
const MAX_WAIT_MS = 25

/** Two turns of the event loop: the second starts after a poll phase, which delivers the shell's messages. */
const nextLoopTurn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)))

export class ReviewerFirst {
  private running = 0
  private waiting: (() => void)[] = []

  /** Runs one of the reviewer's calls; slices wait while any is running. */
  async call<T>(run: () => Promise<T>): Promise<T> {
    this.running++
    try {
      return await run()
    } finally {
      if (--this.running === 0) {
        const waiting = this.waiting
        this.waiting = []
        for (const go of waiting) go()
      }
    }
  }

  /** Resolves when the sync may write its next slice. */
  readonly turn = async (): Promise<void> => {
    const deadline = performance.now() + MAX_WAIT_MS
    for (;;) {
      await nextLoopTurn()
      const left = deadline - performance.now()
      if (this.running === 0 || left <= 0) return
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
