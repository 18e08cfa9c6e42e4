// The providers' own npm SDKs against hookctl, in both directions where the SDK can sign:
//   svix (Clerk, Resend), resend, @linear/sdk, @onfido/api, coinbase-commerce-node, @mux/mux-node,
//   @workos-inc/node, replicate.
// hookctl signs (`sign --json`, and `send` to a local receiver built on the SDK); the SDK must accept it and
// reject a tampered body. Where the SDK signs (svix's Webhook.sign, coinbase-commerce-node's and mux-node's
// computeSignature, WorkOS's computeSignature), `hookctl verify` must accept what it signed. Prints one line per check and a matrix.
import { execFileSync, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createRequire } from "node:module";
import http from "node:http";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Webhook as Svix } from "svix";
import { Resend } from "resend";
import { LinearWebhookClient } from "@linear/sdk/webhooks";
import Mux from "@mux/mux-node";
import { WorkOS } from "@workos-inc/node";

const require = createRequire(import.meta.url);
const { WebhookEventVerifier } = require("@onfido/api");
const { Webhook: Coinbase } = require("coinbase-commerce-node");
const { validateWebhook } = require("replicate");
const version = (name) =>
  JSON.parse(fs.readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url), "utf8")).version;

const HOOKCTL = process.env.HOOKCTL;
const failures = [];
const matrix = [];
function check(ok, what) {
  if (!ok) {
    failures.push(what);
    console.error(`  FAIL ${what}`);
  }
  return ok;
}
function hookctl(args, secret, input) {
  const env = { PATH: process.env.PATH, HOME: os.tmpdir(), HOOKCTL_SECRET: secret };
  return spawnSync(HOOKCTL, args, { env, input, encoding: "utf8" });
}
function signed(provider, event, secret) {
  const out = hookctl(["sign", provider, "--event", event, "--json"], secret);
  if (out.status !== 0) throw new Error(`hookctl sign ${provider} ${event}: ${out.stderr}`);
  const request = JSON.parse(out.stdout);
  const headers = {};
  for (const [name, value] of request.headers) headers[name.toLowerCase()] = value;
  return { body: request.body, headers };
}
function throws(fn) {
  try {
    fn();
    return false;
  } catch {
    return true;
  }
}
async function rejects(promise) {
  try {
    await promise;
    return false;
  } catch {
    return true;
  }
}
// `hookctl verify` of a request the SDK signed: its verdict must be valid, and invalid once the body changes.
function hookctlVerifies(provider, target, body, headers, secret) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hookctl-"));
  const verdict = (b) => {
    const file = path.join(dir, "capture.json");
    fs.writeFileSync(file, JSON.stringify({ method: "POST", target, body: b, headers: Object.entries(headers) }));
    const out = hookctl(["verify", file, "--provider", provider, "--json"], secret);
    try {
      return JSON.parse(out.stdout).verdict;
    } catch {
      return `no JSON: ${out.stderr}`;
    }
  };
  const good = verdict(body);
  const bad = verdict(body + " ");
  fs.rmSync(dir, { recursive: true });
  return check(good === "valid", `${provider}: hookctl accepts the SDK's signature (${good})`) &&
    check(bad === "mismatch", `${provider}: hookctl rejects it once the body changes (${bad})`);
}
// A receiver built on an SDK check: `hookctl send` to it must be answered 200.
async function sendTo(provider, event, secret, accept) {
  const answers = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      let ok = false;
      try {
        ok = (await accept(body, req.headers)) !== false;
      } catch {
        ok = false;
      }
      answers.push(ok);
      res.writeHead(ok ? 200 : 401).end();
    });
  });
  await new Promise((r) => server.listen(0, "127.0.0.1", r));
  const port = String(server.address().port);
  const out = await new Promise((resolve) => {
    // Asynchronously: the receiver runs on this event loop.
    import("node:child_process").then(({ execFile }) =>
      execFile(HOOKCTL, ["send", provider, event, "--to", port],
        { env: { PATH: process.env.PATH, HOME: os.tmpdir(), HOOKCTL_SECRET: secret } },
        (error, stdout, stderr) => resolve({ error, stdout, stderr })));
  });
  server.close();
  return check(!out.error && answers.length === 1 && answers[0], `${provider}: send ${event} accepted by the SDK receiver ${out.stderr ?? ""}`);
}

// --- Svix: Clerk and Resend
for (const provider of ["clerk", "resend"]) {
  const secret = "whsec_" + randomBytes(24).toString("base64");
  const wh = new Svix(secret);
  let accepts = true;
  for (const event of provider === "clerk" ? ["user.created", "session.created", "organization.created"] : ["email.sent", "email.bounced", "email.clicked"]) {
    const { body, headers } = signed(provider, event, secret);
    // svix's verify returns nothing and throws on a bad signature.
    accepts &= check(!throws(() => wh.verify(body, headers)) && JSON.parse(body).type === event, `${provider}: svix accepts hookctl's ${event}`);
    accepts &= check(throws(() => wh.verify(body.replace(event, event + "x"), headers)), `${provider}: svix rejects a tampered ${event}`);
  }
  accepts &= await sendTo(provider, provider === "clerk" ? "user.updated" : "email.delivered", secret, (body, headers) => wh.verify(body.toString(), headers));
  let verifies = true;
  for (let i = 0; i < 10; i++) {
    const id = "msg_" + randomBytes(12).toString("hex");
    const now = new Date();
    const body = JSON.stringify({ type: "user.created", data: { id: `user_${i}`, note: "é✓ \"quoted\"" }, object: "event", timestamp: now.getTime() });
    const signature = wh.sign(id, now, body);
    verifies &= hookctlVerifies(provider, `/webhooks/${provider}`, body,
      { "svix-id": id, "svix-timestamp": String(Math.floor(now.getTime() / 1000)), "svix-signature": signature }, secret);
  }
  matrix.push([provider, `svix ${version("svix")}`, accepts, verifies]);
}

// --- Resend's own verify (standardwebhooks underneath)
{
  const secret = "whsec_" + randomBytes(24).toString("base64");
  const resend = new Resend("re_test_key");
  let accepts = true;
  for (const event of ["email.sent", "email.delivered", "email.opened"]) {
    const { body, headers } = signed("resend", event, secret);
    const h = { id: headers["svix-id"], timestamp: headers["svix-timestamp"], signature: headers["svix-signature"] };
    accepts &= check(resend.webhooks.verify({ payload: body, headers: h, webhookSecret: secret }).type === event, `resend: webhooks.verify accepts ${event}`);
    accepts &= check(throws(() => resend.webhooks.verify({ payload: body + " ", headers: h, webhookSecret: secret })), `resend: webhooks.verify rejects a tampered ${event}`);
  }
  matrix.push(["resend", `resend ${version("resend")}`, accepts, null]);
}

// --- Linear
{
  const secret = "lin_wh_" + randomBytes(16).toString("hex");
  const client = new LinearWebhookClient(secret);
  let accepts = true;
  for (const event of ["Issue:create", "Issue:update", "Comment", "Project"]) {
    const { body, headers } = signed("linear", event, secret);
    accepts &= check(client.verify(Buffer.from(body), headers["linear-signature"]) === true, `linear: LinearWebhookClient accepts ${event}`);
    accepts &= check(throws(() => client.verify(Buffer.from(body.replace("ENG-", "ENX-")), headers["linear-signature"])), `linear: rejects a tampered ${event}`);
    accepts &= check(client.parseData(Buffer.from(body), headers["linear-signature"]).type === event.split(":")[0], `linear: parseData reads ${event}`);
  }
  accepts &= await sendTo("linear", "Issue", secret, (body, headers) => client.verify(body, headers["linear-signature"]));
  matrix.push(["linear", `@linear/sdk ${version("@linear/sdk")}`, accepts, null]);
}

// --- Onfido
{
  const token = randomBytes(16).toString("hex");
  const verifier = new WebhookEventVerifier(token);
  let accepts = true;
  for (const event of ["check.completed", "report.completed", "workflow_run.completed"]) {
    const { body, headers } = signed("onfido", event, token);
    accepts &= check(verifier.readPayload(body, headers["x-sha2-signature"]).payload.action === event, `onfido: WebhookEventVerifier accepts ${event}`);
    accepts &= check(throws(() => verifier.readPayload(body + " ", headers["x-sha2-signature"])), `onfido: rejects a tampered ${event}`);
  }
  accepts &= await sendTo("onfido", "check.started", token, (body, headers) => verifier.readPayload(body, headers["x-sha2-signature"]));
  matrix.push(["onfido", `@onfido/api ${version("@onfido/api")}`, accepts, null]);
}

// --- Coinbase Commerce
{
  const secret = randomBytes(16).toString("hex");
  let accepts = true;
  for (const event of ["charge:created", "charge:confirmed", "charge:failed"]) {
    const { body, headers } = signed("coinbase-commerce", event, secret);
    accepts &= check(Coinbase.verifyEventBody(body, headers["x-cc-webhook-signature"], secret).type === event, `coinbase-commerce: verifyEventBody accepts ${event}`);
    accepts &= check(throws(() => Coinbase.verifySigHeader(body + " ", headers["x-cc-webhook-signature"], secret)), `coinbase-commerce: rejects a tampered ${event}`);
  }
  accepts &= await sendTo("coinbase-commerce", "charge:pending", secret, (body, headers) => Coinbase.verifySigHeader(body.toString(), headers["x-cc-webhook-signature"], secret));
  let verifies = true;
  for (let i = 0; i < 10; i++) {
    const body = JSON.stringify({ id: `${i}`, event: { id: `e${i}`, type: "charge:created", resource: "event", data: { note: "ü✓" } } });
    verifies &= hookctlVerifies("coinbase-commerce", "/webhooks/coinbase-commerce", body, { "X-CC-Webhook-Signature": Coinbase.computeSignature(body, secret) }, secret);
  }
  matrix.push(["coinbase-commerce", `coinbase-commerce-node ${version("coinbase-commerce-node")}`, accepts, verifies]);
}

// --- Mux
{
  const secret = randomBytes(16).toString("hex");
  const mux = new Mux({ tokenId: "id", tokenSecret: "secret", webhookSecret: secret });
  let accepts = true;
  for (const event of ["video.asset.ready", "video.asset.errored", "video.live_stream.active"]) {
    const { body, headers } = signed("mux", event, secret);
    accepts &= check(!(await rejects(mux.webhooks.verifySignature(body, headers, secret))), `mux: verifySignature accepts ${event}`);
    accepts &= check(await rejects(mux.webhooks.verifySignature(body + " ", headers, secret)), `mux: rejects a tampered ${event}`);
  }
  accepts &= await sendTo("mux", "video.asset.created", secret, (body, headers) => mux.webhooks.verifySignature(body.toString(), headers, secret));
  let verifies = true;
  for (let i = 0; i < 10; i++) {
    const body = JSON.stringify({ type: "video.asset.ready", id: `${i}`, data: { note: "é✓" } });
    const t = Math.floor(Date.now() / 1000);
    const v1 = await mux.webhooks.computeSignature(`${t}.${body}`, secret);
    verifies &= hookctlVerifies("mux", "/webhooks/mux", body, { "Mux-Signature": `t=${t},v1=${v1}` }, secret);
  }
  matrix.push(["mux", `@mux/mux-node ${version("@mux/mux-node")}`, accepts, verifies]);
}

// --- WorkOS: t=<ms>, v1=<hex> over "{ms}.{body}"
{
  const secret = randomBytes(16).toString("hex");
  const workos = new WorkOS("sk_test_" + randomBytes(8).toString("hex"), { clientId: "client_test" });
  let accepts = true;
  for (const event of ["user.created", "dsync.user.created", "connection.activated"]) {
    const { body, headers } = signed("workos", event, secret);
    const sigHeader = headers["workos-signature"];
    const parsed = await workos.webhooks.constructEvent({ payload: JSON.parse(body), sigHeader, secret }).catch((e) => e);
    accepts &= check(parsed.event === event, `workos: constructEvent accepts ${event} (${parsed.message ?? ""})`);
    accepts &= check(await rejects(workos.webhooks.verifyHeader({ payload: body + " ", sigHeader, secret })), `workos: rejects a tampered ${event}`);
  }
  accepts &= await sendTo("workos", "authentication.email_verification_succeeded", secret,
    (body, headers) => workos.webhooks.verifyHeader({ payload: body.toString(), sigHeader: headers["workos-signature"], secret }));
  let verifies = true;
  for (let i = 0; i < 10; i++) {
    const body = JSON.stringify({ id: `event_${i}`, event: "user.created", data: { note: "é✓" }, created_at: new Date().toISOString() });
    const t = Date.now();
    const v1 = await workos.webhooks.computeSignature(t, body, secret);
    // WorkOS writes the header with a space after the comma.
    verifies &= hookctlVerifies("workos", "/webhooks/workos", body, { "WorkOS-Signature": `t=${t}, v1=${v1}` }, secret);
  }
  matrix.push(["workos", `@workos-inc/node ${version("@workos-inc/node")}`, accepts, verifies]);
}

// --- Replicate: Standard Webhooks headers, checked by the client's validateWebhook
{
  const secret = "whsec_" + randomBytes(24).toString("base64");
  let accepts = true;
  for (const event of ["starting", "succeeded", "failed"]) {
    const { body, headers } = signed("replicate", event, secret);
    accepts &= check(await validateWebhook({ headers, body }, secret) === true, `replicate: validateWebhook accepts ${event}`);
    accepts &= check(await validateWebhook({ headers, body: body + " " }, secret) === false, `replicate: rejects a tampered ${event}`);
  }
  accepts &= await sendTo("replicate", "processing", secret, async (body, headers) => validateWebhook({ headers, body: body.toString() }, secret));
  matrix.push(["replicate", `replicate ${version("replicate")}`, accepts, null]);
}

const mark = (v) => (v === null ? "n/a (the SDK does not sign)" : v ? "✓" : "✗");
console.log("provider | SDK | SDK accepts hookctl | hookctl accepts SDK");
for (const [provider, sdk, accepts, verifies] of matrix) console.log(`${provider} | ${sdk} | ${mark(accepts)} | ${mark(verifies)}`);
if (failures.length) {
  console.error(`${failures.length} interop checks failed`);
  process.exit(1);
}
console.log("providers (npm): all checks passed");
