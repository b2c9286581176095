// The resident memory of the benchmark's runtime (Node with the TypeScript loader) doing nothing.
process.stdout.write(`${JSON.stringify({ rssMb: process.memoryUsage().rss / 1024 / 1024 })}\n`)
