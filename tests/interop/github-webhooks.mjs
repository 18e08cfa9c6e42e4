// @octokit/webhooks — GitHub's own receiver library, verification, event names and payload handling — serves
// hookctl's imported GitHub catalog: a sample of events chosen at random each run (the seed is printed; set
// INTEROP_SEED to repeat a run) is sent with `hookctl send` to its Node middleware, and each must reach the
// handler of its event name and action with the payload hookctl rendered.
import { execFile, execFileSync } from "node:child_process";
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { Webhooks, createNodeMiddleware } from "@octokit/webhooks";

const hookctl = process.env.HOOKCTL;
const SAMPLE = Number(process.env.INTEROP_SAMPLE ?? 24); // INTEROP_SAMPLE=300: every event
const failures = [];
const check = (ok, what) => {
  if (!ok) {
    failures.push(what);
    console.error(`  FAIL ${what}`);
  }
};
const secret = `gh-interop-${Math.random().toString(36).slice(2)}`;
const env = { PATH: process.env.PATH, HOME: tmpdir(), GITHUB_WEBHOOK_SECRET: secret };

let seed = Number(process.env.INTEROP_SEED ?? Date.now() % 2 ** 31);
console.log(`  seed ${seed} (INTEROP_SEED=${seed} repeats this sample)`);
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;

// The catalog as hookctl lists it: every event's default fixture.
const listed = execFileSync(hookctl, ["fixtures", "github", "--json"], { env, maxBuffer: 1 << 26 })
  .toString()
  .trim()
  .split("\n")
  .map((line) => JSON.parse(line))
  .filter((fixture) => fixture.event && fixture.default);
const events = [...new Set(listed.map((fixture) => fixture.event))];
check(events.length >= 252, `hookctl lists ${events.length} GitHub events, at least 252 expected`);
const sample = [];
while (sample.length < Math.min(SAMPLE, events.length)) {
  const event = events[Math.floor(random() * events.length)];
  if (!sample.includes(event)) sample.push(event);
}

const webhooks = new Webhooks({ secret });
const received = [];
const handled = new Map(); // delivery id → the specific handlers that ran for it
webhooks.onAny(({ id, name, payload }) => {
  received.push({ id, name, payload });
});
// A handler per sampled event name and action, as an app registers them (`pull_request.opened`).
for (const event of sample) {
  webhooks.on(event, ({ id, name, payload }) => {
    handled.set(id, [...(handled.get(id) ?? []), event]);
    check(name === event.split(".")[0], `${event}: the handler sees the event name ${name}`);
    check(!event.includes(".") || event.endsWith(`.${payload.action}`), `${event}: action ${payload.action}`);
  });
}
webhooks.onError((error) => check(false, `@octokit/webhooks: ${error.message}`));
const middleware = createNodeMiddleware(webhooks, { path: "/webhooks/github" });
const server = createServer(async (req, res) => {
  if (!(await middleware(req, res))) {
    res.statusCode = 404;
    res.end();
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = String(server.address().port);

for (const event of sample) {
  const before = received.length;
  const rendered = JSON.parse(execFileSync(hookctl, ["fixtures", "github", event], { env, maxBuffer: 1 << 26 }));
  const sent = await new Promise((resolve) => {
    execFile(hookctl, ["send", "github", event, "--to", port, "--json"], { env }, (error, stdout, stderr) =>
      resolve({ status: error ? error.code : 0, stdout, stderr }),
    );
  });
  check(sent.status === 0, `${event}: @octokit/webhooks answered ${sent.stdout.split("\n")[0]} ${sent.stderr}`);
  check(received.length === before + 1, `${event}: one delivery reached the handlers`);
  const delivery = received.at(-1);
  if (!delivery) continue;
  const ran = handled.get(delivery.id) ?? [];
  check(ran.includes(event), `${event}: its own handler ran (${ran})`);
  // The fixture renders the same every time for imported examples, so the payload is what hookctl prints.
  const keys = (value) => Object.keys(value).sort().join(",");
  check(keys(delivery.payload) === keys(rendered), `${event}: the payload's fields reach the handler`);
}
server.close();

const version = JSON.parse(readFileSync(new URL("./node_modules/@octokit/webhooks/package.json", import.meta.url))).version;
console.log(
  `  @octokit/webhooks ${version}: ${sample.length} of ${events.length} events (${sample.join(", ")}): ` +
    `${failures.length ? `FAILED ${failures.length}` : "all accepted and handled"}`,
);
process.exit(failures.length ? 1 : 0);
