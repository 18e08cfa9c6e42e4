// Key-pair schemes against the providers' own verifiers, in both directions:
// - Discord: discord-interactions' verifyKey in a receiver configured with the public key `hookctl keys generate
//   discord` printed accepts what `hookctl send discord` delivers, and rejects what another key signed; a request
//   Node signs (and verifyKey accepts) verifies under `hookctl verify`.
// - SendGrid: @sendgrid/eventwebhook's verifySignature, the same way, with its base64 DER verification key.
// - Standard Webhooks v1a: no SDK verifies v1a (standardwebhooks does v1 only); Node's own Ed25519 checks it.
import { execFile, execFileSync, spawnSync } from "node:child_process";
import { createServer } from "node:http";
import { createPublicKey, generateKeyPairSync, sign as nodeSign, verify as nodeVerify } from "node:crypto";
import { readFileSync, writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { verifyKey } from "discord-interactions";
import { EventWebhook } from "@sendgrid/eventwebhook";

const hookctl = process.env.HOOKCTL;
const failures = [];
let passed = 0;
const check = (ok, what) => {
  if (ok) {
    passed++;
  } else {
    failures.push(what);
    console.error(`  FAIL ${what}`);
  }
};
const home = () => mkdtempSync(join(tmpdir(), "hookctl-keys-"));
const env = (dir, extra = {}) => ({ PATH: process.env.PATH, HOME: dir, ...extra });
const run = (args, options) =>
  new Promise((resolve) => {
    execFile(hookctl, args, options, (error, stdout, stderr) => resolve({ status: error ? error.code : 0, stdout, stderr }));
  });
const quiet = { stdio: ["ignore", "pipe", "pipe"] };
const generate = (provider, dir) =>
  execFileSync(hookctl, ["keys", "generate", provider], { env: env(dir), ...quiet }).toString().trim();

/** A receiver: `accept(headers, rawBody)` decides; it answers 200 or 401 and records each verdict. */
async function receiver(accept, answer) {
  const verdicts = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      const ok = await accept(req.headers, body);
      verdicts.push(ok);
      res.writeHead(ok ? 200 : 401, { "content-type": "application/json" });
      res.end(ok ? answer(body) : '{"error":"invalid request signature"}');
    });
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, verdicts, port: String(server.address().port) };
}

function hookctlVerify(request, provider, keyEnv) {
  const dir = home();
  const capture = join(dir, "capture.json");
  writeFileSync(capture, JSON.stringify(request));
  const result = spawnSync(hookctl, ["verify", capture, "--provider", provider, "--json"], { env: env(dir, keyEnv) });
  try {
    return JSON.parse(result.stdout);
  } catch {
    failures.push(`hookctl verify printed no JSON: ${result.stderr}`);
    return {};
  }
}

// ---- Discord -------------------------------------------------------------------------------------------------
{
  const mine = home();
  const publicKey = generate("discord", mine);
  check(/^[0-9a-f]{64}$/.test(publicKey), `keys generate discord prints 64 hex characters: ${publicKey}`);
  const app = await receiver(
    (headers, body) => verifyKey(body, headers["x-signature-ed25519"], headers["x-signature-timestamp"], publicKey),
    (body) => (JSON.parse(body).type === 1 ? '{"type":1}' : '{"type":5}'),
  );
  const events = ["ping", "application_command", "message_component", "application_command_autocomplete", "modal_submit"];
  for (const event of events) {
    const sent = await run(["send", "discord", event, "--to", app.port, "--json"], { env: env(mine) });
    const delivery = JSON.parse(sent.stdout.split("\n")[0] || "{}");
    check(sent.status === 0 && delivery.status === 200, `discord-interactions verifyKey accepts hookctl's ${event}: ${sent.stderr}`);
  }
  const pong = await run(["send", "discord", "ping", "--to", app.port, "--json"], { env: env(mine) });
  check(JSON.parse(pong.stdout.split("\n")[0] || "{}").response_body === '{"type":1}', "the app's PONG comes back");
  // Another key pair: signed by a key the app does not know.
  const stranger = home();
  generate("discord", stranger);
  const forged = await run(["send", "discord", "application_command", "--to", app.port, "--json"], { env: env(stranger) });
  const rejected = JSON.parse(forged.stdout.split("\n")[0] || "{}");
  check(forged.status === 4 && rejected.status === 401, `verifyKey rejects what another key signed: ${forged.stdout}`);
  check(app.verdicts.filter((v) => v).length === events.length + 1 && app.verdicts.at(-1) === false, `verdicts ${app.verdicts}`);
  app.server.close();

  // Node signs (WebCrypto's Ed25519 via node:crypto); verifyKey agrees; hookctl verifies with the raw public key.
  for (let i = 0; i < 10; i++) {
    const { publicKey: pub, privateKey } = generateKeyPairSync("ed25519");
    const rawPublic = pub.export({ format: "der", type: "spki" }).subarray(-32).toString("hex");
    const timestamp = String(Math.floor(Date.now() / 1000));
    const body = JSON.stringify({ id: `${1e17 + i}`, application_id: "123456789012345678", type: 2, token: `t${i}`, version: 1, data: { name: "deploy é✓", id: "123456789012345678", type: 1 } });
    const signature = nodeSign(null, Buffer.from(timestamp + body), privateKey).toString("hex");
    check(await verifyKey(body, signature, timestamp, rawPublic), "verifyKey accepts Node's signature");
    const request = {
      method: "POST",
      target: "/interactions",
      headers: [["Content-Type", "application/json"], ["X-Signature-Ed25519", signature], ["X-Signature-Timestamp", timestamp]],
      body,
    };
    const verdict = hookctlVerify(request, "discord", { DISCORD_PUBLIC_KEY: rawPublic });
    check(verdict.verdict === "valid", `hookctl accepts what verifyKey accepts: ${verdict.summary}`);
    const tampered = hookctlVerify({ ...request, body: body.replace("deploy", "destroy") }, "discord", { DISCORD_PUBLIC_KEY: rawPublic });
    check(tampered.verdict === "mismatch", `hookctl rejects a changed body: ${tampered.summary}`);
  }
}

// ---- SendGrid ------------------------------------------------------------------------------------------------
{
  const sdk = new EventWebhook();
  const mine = home();
  const verificationKey = generate("sendgrid", mine);
  check(verificationKey.startsWith("MFkw"), `keys generate sendgrid prints base64 DER: ${verificationKey}`);
  const ecdsaKey = sdk.convertPublicKeyToECDSA(verificationKey);
  const app = await receiver(
    (headers, body) =>
      sdk.verifySignature(ecdsaKey, body, headers["x-twilio-email-event-webhook-signature"], headers["x-twilio-email-event-webhook-timestamp"]),
    () => "",
  );
  const events = ["processed", "delivered", "open", "click", "bounce"];
  for (const event of events) {
    const sent = await run(["send", "sendgrid", event, "--to", app.port, "--repeat", "2"], { env: env(mine) });
    check(sent.status === 0, `@sendgrid/eventwebhook accepts hookctl's ${event}: ${sent.stdout}${sent.stderr}`);
  }
  const stranger = home();
  generate("sendgrid", stranger);
  const forged = await run(["send", "sendgrid", "delivered", "--to", app.port], { env: env(stranger) });
  check(forged.status === 4, "verifySignature rejects what another key signed");
  check(app.verdicts.filter((v) => v).length === 2 * events.length && app.verdicts.at(-1) === false, `verdicts ${app.verdicts}`);
  app.server.close();

  for (let i = 0; i < 10; i++) {
    const { publicKey: pub, privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    const key = pub.export({ format: "der", type: "spki" }).toString("base64");
    const timestamp = String(Math.floor(Date.now() / 1000));
    const body = JSON.stringify([{ email: `ada+${i}@example.com`, timestamp: Number(timestamp), event: "delivered", sg_event_id: `ev${i}`, response: "250 OK é" }]) + "\r\n";
    const signature = nodeSign("sha256", Buffer.from(timestamp + body), privateKey).toString("base64");
    check(sdk.verifySignature(sdk.convertPublicKeyToECDSA(key), body, signature, timestamp), "verifySignature accepts Node's DER signature");
    const request = {
      method: "POST",
      target: "/webhooks/sendgrid",
      headers: [["Content-Type", "application/json"], ["X-Twilio-Email-Event-Webhook-Signature", signature], ["X-Twilio-Email-Event-Webhook-Timestamp", timestamp]],
      body,
    };
    const keyEnv = { SENDGRID_WEBHOOK_VERIFICATION_KEY: key };
    const verdict = hookctlVerify(request, "sendgrid", keyEnv);
    check(verdict.verdict === "valid", `hookctl accepts what verifySignature accepts: ${verdict.summary}`);
    const stripped = hookctlVerify({ ...request, body: body.trimEnd() }, "sendgrid", keyEnv);
    const codes = (stripped.diagnosis ?? []).map((f) => f.code);
    check(stripped.verdict === "mismatch" && codes[0] === "trailing-newline-removed", `a lost CRLF is named: ${codes}`);
  }
}

// ---- Standard Webhooks v1a -----------------------------------------------------------------------------------
{
  const mine = home();
  const whpk = generate("standard-webhooks-v1a", mine);
  check(whpk.startsWith("whpk_"), `keys generate standard-webhooks-v1a prints whpk_: ${whpk}`);
  const raw = Buffer.from(whpk.slice(5), "base64");
  const spki = Buffer.concat([Buffer.from("302a300506032b6570032100", "hex"), raw]);
  const key = createPublicKey({ key: spki, format: "der", type: "spki" });
  for (const event of ["user.created", "user.deleted", "invoice.paid"]) {
    const signed = JSON.parse(execFileSync(hookctl, ["sign", "standard-webhooks-v1a", "--event", event, "--json"], { env: env(mine), ...quiet }));
    const header = (name) => signed.headers.find(([n]) => n.toLowerCase() === name)?.[1];
    const [version, signature] = header("webhook-signature").split(",");
    const content = `${header("webhook-id")}.${header("webhook-timestamp")}.${signed.body}`;
    check(version === "v1a" && nodeVerify(null, Buffer.from(content), key, Buffer.from(signature, "base64")), `Node's Ed25519 accepts hookctl's v1a ${event}`);
  }
}

const version = (name) => JSON.parse(readFileSync(new URL(`./node_modules/${name}/package.json`, import.meta.url))).version;
console.log(
  `  discord-interactions ${version("discord-interactions")}, @sendgrid/eventwebhook ${version("@sendgrid/eventwebhook")}, ` +
    `node ${process.versions.node}: ${failures.length ? `FAILED ${failures.length} of ${passed + failures.length}` : `all ${passed} checks passed`}`,
);
process.exit(failures.length ? 1 : 0);
