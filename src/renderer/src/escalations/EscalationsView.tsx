// The Escalations view (issue 7) — being built.
export function EscalationsView() {
  return (
    <div className="page">
      <h1>Escalations</h1>
    </div>
  )
}
