// Renders whichever overlay is open: the palette, the shortcut overlay, sign-out, or a decision dialog.
import { useOverlay } from '../state/overlay-store'
import { CommandPalette } from '../palette/CommandPalette'
import { HelpOverlay } from '../keyboard/HelpOverlay'
import { SignOutDialog } from '../signin/SignOutDialog'
import { DecisionDialogs } from '../decisions/DecisionDialogs'
import { SodReportDialog } from '../exports/SodReportDialog'
import { SavedViewsDialog } from '../inbox/SavedViewsDialog'

export function Overlays() {
  const kind = useOverlay((s) => s.overlay?.kind)
  if (kind === 'palette') return <CommandPalette />
  if (kind === 'help') return <HelpOverlay />
  if (kind === 'signout') return <SignOutDialog />
  if (kind === 'sod') return <SodReportDialog />
  if (kind === 'savedViews') return <SavedViewsDialog />
  return <DecisionDialogs />
}
