// Writes @octokit/webhooks-examples' payloads as an examples folder for `hookctl providers import`:
// DIR/<event>.<action>.json (or DIR/<event>.json for an event without actions), each an array of payloads.
// Usage: node github-examples.mjs INDEX_JSON OUT_DIR
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";

const [index, out] = process.argv.slice(2);
const events = JSON.parse(readFileSync(index, "utf8"));
const grouped = new Map();
for (const event of events) {
  for (const example of event.examples ?? []) {
    const name = example.action ? `${event.name}.${example.action}` : event.name;
    if (!grouped.has(name)) grouped.set(name, []);
    grouped.get(name).push(example);
  }
}
mkdirSync(out, { recursive: true });
for (const [name, examples] of grouped) {
  writeFileSync(join(out, `${name}.json`), JSON.stringify(examples, null, 2) + "\n");
}
console.log(`${grouped.size} event kinds with examples written to ${out}`);
