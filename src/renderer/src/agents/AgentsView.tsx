// The Agents view (issue 7) — being built.
export function AgentsView() {
  return (
    <div className="page">
      <h1>Agents</h1>
    </div>
  )
}
