// The e2e tests run callbacks in the page (page.evaluate), which reference the browser's globals.
// tsconfig.node.json has no DOM lib, so the e2e helpers pull it in here, once.
/// <reference lib="dom" />
export {}
