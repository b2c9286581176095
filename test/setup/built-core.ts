// Runs before every test file: the worker threads that host the core (web shells, contract suites,
// the crash suite's restarts) and build spare replicas run the core built for this run
// (core-build.ts) instead of loading it from the sources through tsx in each new thread.
import { inject } from 'vitest'
import { setCoreEntry } from '../../src/core/thread/worker'

setCoreEntry(inject('coreBuild').entry)
