// The Audit view (issue 7) — being built.
export function AuditView() {
  return (
    <div className="page">
      <h1>Audit</h1>
    </div>
  )
}
