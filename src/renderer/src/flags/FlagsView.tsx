// The Flags view (issue 7) — being built.
export function FlagsView() {
  return (
    <div className="page">
      <h1>Flags</h1>
    </div>
  )
}
