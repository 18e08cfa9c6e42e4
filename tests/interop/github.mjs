// GitHub's @octokit/webhooks-methods against hookctl, in both directions.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sign, verify } from "@octokit/webhooks-methods";

const hookctl = process.env.HOOKCTL;
const failures = [];
const check = (ok, what) => {
  if (!ok) {
    failures.push(what);
    console.error(`  FAIL ${what}`);
  }
};
const env = (secret) => ({ PATH: process.env.PATH, HOME: tmpdir(), GITHUB_WEBHOOK_SECRET: secret });
const header = (request, name) =>
  request.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];

let seed = 20261122;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
const randomText = (n) =>
  Array.from({ length: n }, () => "abcdefghijklmnopqrstuvwxyzéü✓ \"\\"[Math.floor(random() * 33)]).join("");

const secret = `gh-${randomText(20)}`;

// 1. hookctl signs, octokit verifies; a tampered body is rejected.
for (const event of ["ping", "push", "pull_request:opened", "issues:closed"]) {
  const request = JSON.parse(execFileSync(hookctl, ["sign", "github", "--event", event, "--json"], { env: env(secret) }));
  const signature = header(request, "X-Hub-Signature-256");
  check(await verify(secret, request.body, signature), `octokit accepts hookctl's ${event}`);
  check(!(await verify(secret, `${request.body} `, signature)), `octokit rejects a tampered ${event}`);
}

// hookctl send to a local server; octokit verifies what arrived.
const received = [];
const server = createServer((req, res) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
    res.end("ok");
  });
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const port = String(server.address().port);
// Asynchronously: the server above answers on this same event loop.
const sent = await new Promise((resolve) => {
  execFile(hookctl, ["send", "github", "push", "--to", port, "--repeat", "3"], { env: env(secret) }, (error, stdout, stderr) =>
    resolve({ status: error ? error.code : 0, stdout, stderr }),
  );
});
check(sent.status === 0, `hookctl send: ${sent.stdout}${sent.stderr}`);
check(received.length === 3, "three deliveries captured");
for (const delivery of received) {
  check(await verify(secret, delivery.body, delivery.headers["x-hub-signature-256"]), "octokit accepts what hookctl send delivered");
  check(delivery.headers["x-github-event"] === "push", "X-GitHub-Event is sent");
}
server.close();

// 2. octokit signs random bodies; hookctl verifies them and diagnoses a tampered one.
const dir = mkdtempSync(join(tmpdir(), "hookctl-interop-"));
const capture = join(dir, "capture.json");
const hookctlVerify = (request) => {
  writeFileSync(capture, JSON.stringify(request));
  const result = spawnSync(hookctl, ["verify", capture, "--provider", "github", "--json"], { env: env(secret) });
  try {
    return JSON.parse(result.stdout);
  } catch {
    failures.push(`hookctl verify printed no JSON: ${result.stderr}`);
    return {};
  }
};
for (let i = 0; i < 25; i++) {
  const body = JSON.stringify({ zen: randomText(1 + Math.floor(random() * 60)), hook_id: Math.floor(random() * 1e9) });
  const signature = await sign(secret, body);
  const request = { method: "POST", target: "/webhooks/github", headers: [["X-GitHub-Event", "ping"], ["X-Hub-Signature-256", signature]], body };
  const verdict = hookctlVerify(request);
  check(verdict.verdict === "valid", `octokit-signed body verifies: ${verdict.summary}`);
  const tampered = hookctlVerify({ ...request, body: body.replaceAll("\n", "\r\n") + "\n" });
  const codes = (tampered.diagnosis ?? []).map((finding) => finding.code);
  check(tampered.verdict === "mismatch" && codes[0] === "trailing-newline-added", `tampered body is diagnosed: ${codes}`);
}

const version = JSON.parse(readFileSync(new URL("./node_modules/@octokit/webhooks-methods/package.json", import.meta.url))).version;
console.log(`  @octokit/webhooks-methods ${version}: ${failures.length ? `FAILED ${failures.length}` : "all checks passed"}`);
process.exit(failures.length ? 1 : 0);
