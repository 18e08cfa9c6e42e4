"""`hookctl audit` against receivers built on the providers' own SDKs: each must pass every probe its SDK is
responsible for (forgeries, missing signatures, tampering, raw-body discipline, timestamps, rotation), and, as
these receivers also dedupe by event id and answer 2xx to events they do not handle, every other probe too.
"""

import http.server
import json
import os
import subprocess
import sys
import tempfile
import threading
import urllib.parse

import standardwebhooks
import stripe
from slack_sdk.signature import SignatureVerifier

HOOKCTL = os.environ["HOOKCTL"]
# The probes an SDK's verification decides: forgeries, missing headers, tampering, raw body, timestamps, rotation.
SDK_PROBES = {2, 3, 4, 5, 6, 10}
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print(f"  FAIL {what}", file=sys.stderr)


class Receiver(http.server.BaseHTTPRequestHandler):
    """A webhook handler as the SDK's documentation writes it, plus deduplication by event id."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    verify = None
    seen = set()
    lock = threading.Lock()

    def answer(self, status):
        data = json.dumps({"ok": status == 200}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            event_id = type(self).verify(body, self.headers)
        except Exception:  # the SDKs raise their own errors for a bad signature or timestamp, ValueError for JSON
            return self.answer(400)
        with Receiver.lock:
            if event_id in Receiver.seen:
                return self.answer(200)
            Receiver.seen.add(event_id)
        self.answer(200)

    def do_GET(self):
        self.answer(405)

    def do_PUT(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.answer(405)

    def log_message(self, *args):
        pass


def stripe_verify(secret):
    def verify(body, headers):
        event = stripe.Webhook.construct_event(body, headers.get("Stripe-Signature", ""), secret)
        return event["id"]
    return verify


def standard_verify(secret):
    webhook = standardwebhooks.Webhook(secret)

    def verify(body, headers):
        webhook.verify(body, {name.lower(): value for name, value in headers.items()})
        return headers.get("webhook-id")
    return verify


def slack_verify(secret):
    verifier = SignatureVerifier(secret)

    def verify(body, headers):
        if not verifier.is_valid_request(body, dict(headers.items())):
            raise ValueError("invalid signature")
        if headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            fields = urllib.parse.parse_qs(body.decode(), strict_parsing=True)
            return fields.get("trigger_id", [None])[0]
        event = json.loads(body)
        return event.get("event_id") or event.get("challenge")
    return verify


def audit(provider, secret, verify, env):
    handler = type(f"{provider}Receiver", (Receiver,), {"verify": staticmethod(verify)})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = str(server.server_address[1])
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": tempfile.gettempdir(), **env}
    result = subprocess.run([HOOKCTL, "audit", provider, "--to", port, "--json"], env=environment,
                            capture_output=True, text=True)
    server.shutdown()
    try:
        lines = [json.loads(line) for line in result.stdout.splitlines()]
    except json.JSONDecodeError:
        return check(False, f"{provider}: audit printed no JSON: {result.stdout}{result.stderr}")
    probes = [line for line in lines if line.get("kind") == "probe"]
    for probe in probes:
        responsible = probe["number"] in SDK_PROBES
        check(probe["verdict"] != "fail",
              f"{provider}: probe {probe['number']} ({'SDK' if responsible else 'app'}) {probe['title']}: "
              f"{probe.get('detail')}")
    check(result.returncode == (4 if any(p["verdict"] == "fail" for p in probes) else 0),
          f"{provider}: exit code {result.returncode}")
    ran = sorted(p["number"] for p in probes if p["verdict"] in ("pass", "warn") and p["number"] in SDK_PROBES)
    warned = {p["number"]: p.get("detail") for p in probes if p["verdict"] == "warn"}
    print(f"  {provider}: SDK probes passed {ran}; "
          f"skipped {sorted(p['number'] for p in probes if p['verdict'] == 'skip')}; warned {warned}")


audit("stripe", "whsec_audit_stripe_secret", stripe_verify("whsec_audit_stripe_secret"),
      {"STRIPE_WEBHOOK_SECRET": "whsec_audit_stripe_secret"})
standard_secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
audit("standard-webhooks", standard_secret, standard_verify(standard_secret), {"STANDARD_WEBHOOKS_SECRET": standard_secret})
audit("slack", "8f742231b10e8888abcd99yyyzzz85a5", slack_verify("8f742231b10e8888abcd99yyyzzz85a5"),
      {"SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99yyyzzz85a5"})
print(f"  audit of SDK receivers: {'FAILED ' + str(len(failures)) if failures else 'all checks passed'}")
sys.exit(1 if failures else 0)
