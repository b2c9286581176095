// The resident memory of the runtime the warm-start child runs on (Node, compiled code) doing nothing.
process.stdout.write(`${JSON.stringify({ rssMb: process.memoryUsage().rss / 1024 / 1024 })}\n`)
