// The points of a sync cycle an observer can see (the crash suite kills the core at chosen ones).
export type EnginePhase = 'pull-request' | 'pull-apply' | 'pull-applied' | 'push-claimed' | 'push-request' | 'push-resolved'

export type PhaseObserver = (phase: EnginePhase) => void
