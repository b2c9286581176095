// Numbered parameters for the queries that build their SQL from the reviewer's filters: each value
// added returns its placeholder, so the text and the values can never fall out of step.
export class SqlParams {
  readonly values: unknown[] = []
  add(value: unknown): string {
    this.values.push(value)
    return `$${this.values.length}`
  }
}
