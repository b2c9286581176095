// The Change sets view (issue 7) — being built.
export function ChangesetsView() {
  return (
    <div className="page">
      <h1>Change sets</h1>
    </div>
  )
}
