// The one risk level at which a decision asks for more care, for the renderer's pre-flight and the
// core's queue alike: approving takes a second key press and is never part of a bulk approve,
// rejecting needs a reason, and the hold window (the time Undo is offered) doubles.
export const CONFIRM_RISK = 4
