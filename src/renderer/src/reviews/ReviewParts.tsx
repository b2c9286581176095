// Pieces of a review detail: sections, the facts grid, the related task, and buttons that run the
// view's registry commands (so a click does exactly what the key does, and shows the key).
import type { ReactNode } from 'react'
import type { TaskSummary } from '../../../shared/contract-domain'
import { getCommand, isEnabled, runCommand, useCommands } from '../keyboard/registry'
import { formatDateTime, humanize } from '../ui/format'
import { Keys } from '../ui/Kbd'
import { TASK_SECTION_ID } from './review-commands'

export function ReviewSection({ title, id, children }: { title: string; id?: string; children: ReactNode }) {
  return (
    <section className="review-section" aria-label={title} id={id} tabIndex={id ? -1 : undefined}>
      <h3>{title}</h3>
      {children}
    </section>
  )
}

/** When a step was taken and, if known, by whom, for the facts grid; null (the pair left out) when it was not taken. */
export function stepTaken(at: string | null, by: string | null): string | null {
  return at ? `${formatDateTime(at)}${by ? ` · ${by}` : ''}` : null
}

/** Label / value pairs; a null value leaves its pair out. */
export function Facts({ facts }: { facts: readonly (readonly [string, ReactNode | null])[] }) {
  return (
    <dl className="review-facts">
      {facts
        .filter(([, value]) => value !== null && value !== undefined && value !== '')
        .map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
    </dl>
  )
}

export function RelatedTask({ task }: { task: TaskSummary | null }) {
  if (!task) return null
  return (
    <ReviewSection title={`Related task · ${task.title}`} id={TASK_SECTION_ID}>
      <Facts
        facts={[
          ['Status', humanize(task.status)],
          ['Priority', `P${task.priority}`],
          ['Due', task.dueAt ? formatDateTime(task.dueAt) : null],
          ['Blocked because', task.blockedReason],
        ]}
      />
      {task.description && <p className="review-task-description">{task.description}</p>}
    </ReviewSection>
  )
}

/** The view's actions as buttons, each running its registry command and showing its first key. */
export function CommandButtons({ ids }: { ids: readonly string[] }) {
  useCommands()
  return (
    <div className="review-actions">
      {ids.map((id) => {
        const command = getCommand(id)
        if (!command) return null
        return (
          <button key={id} type="button" disabled={!isEnabled(command)} onClick={() => runCommand(id, { source: 'palette' })}>
            {command.title} {command.keys[0] && <Keys binding={command.keys[0]} />}
          </button>
        )
      })}
    </div>
  )
}
