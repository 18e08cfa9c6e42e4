"""Stripe's, Standard Webhooks' and Slack's own Python libraries against hookctl, in both directions.

1. hookctl signs (`sign --json`, and `send` to a local capture server); the SDK verifies; a tampered body is
   rejected by the SDK.
2. The SDK signs random bodies, ids and timestamps; `hookctl verify` accepts them, and names the alteration
   of a tampered one.
3. Slack: `hookctl send slack slash_command` (a form body) reaches a receiver that checks it with slack_sdk's
   SignatureVerifier, as a Slack app does, and is accepted; slash commands slack_sdk signs verify in hookctl.
"""

import base64
import datetime
import http.server
import json
import os
import random
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

import standardwebhooks
import stripe
from slack_sdk.signature import SignatureVerifier
from importlib.metadata import version

HOOKCTL = os.environ["HOOKCTL"]
RANDOM = random.Random(20261122)
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print(f"  FAIL {what}", file=sys.stderr)


def hookctl(*args, env=None, stdin=None):
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": tempfile.gettempdir()}
    environment.update(env or {})
    return subprocess.run([HOOKCTL, *args], env=environment, input=stdin, capture_output=True, text=True)


def headers_of(request):
    return {name: value for name, value in request["headers"]}


def random_body():
    text = "".join(RANDOM.choice(string.ascii_letters + "éü✓ \"\\") for _ in range(RANDOM.randint(1, 60)))
    payload = {"id": f"evt_{RANDOM.getrandbits(48):x}", "type": "payment.succeeded", "note": text,
               "amount": RANDOM.randint(1, 10**9), "nested": {"list": [RANDOM.random() for _ in range(3)]}}
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def verify(provider, request, secret, at):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as capture:
        json.dump(request, capture)
    env = {"STRIPE_WEBHOOK_SECRET": secret, "STANDARD_WEBHOOKS_SECRET": secret, "SLACK_SIGNING_SECRET": secret}
    result = hookctl("verify", capture.name, "--provider", provider, "--json", "--at", str(at), env=env)
    os.unlink(capture.name)
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        failures.append(f"hookctl verify printed no JSON: {result.stderr.strip()}")
        return {}


class Capture(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        # The headers object looks names up case-insensitively, as HTTP does.
        Capture.received.append((self.headers, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def capture_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Capture)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stripe_signs_hookctl_verifies():
    secret = "whsec_" + "".join(RANDOM.choice(string.ascii_letters) for _ in range(32))
    for _ in range(25):
        body = random_body()
        at = RANDOM.randint(1_500_000_000, 2_000_000_000)
        header = stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=at)
        request = {"method": "POST", "target": "/webhooks/stripe", "body": body,
                   "headers": [["Content-Type", "application/json"], ["Stripe-Signature", header]]}
        verdict = verify("stripe", request, secret, at)
        check(verdict.get("verdict") == "valid", f"stripe-signed body verifies: {verdict.get('summary')}")
        request["body"] = body + "\n"
        verdict = verify("stripe", request, secret, at)
        codes = [finding["code"] for finding in verdict.get("diagnosis", [])]
        check(verdict.get("verdict") == "mismatch" and codes == ["trailing-newline-added"],
              f"tampered stripe body is diagnosed: {verdict.get('summary')} {codes}")


def hookctl_signs_stripe_verifies():
    secret = "whsec_" + "".join(RANDOM.choice(string.ascii_letters) for _ in range(32))
    for event in ["payment_intent.succeeded", "checkout.session.completed", "charge.refunded"]:
        result = hookctl("sign", "stripe", "--event", event, "--json", env={"STRIPE_WEBHOOK_SECRET": secret})
        request = json.loads(result.stdout)
        header = headers_of(request)["Stripe-Signature"]
        event_object = stripe.Webhook.construct_event(request["body"], header, secret)
        check(event_object["type"] == event, f"stripe accepts hookctl's {event}")
        try:
            stripe.Webhook.construct_event(request["body"].replace("\n", " ", 1), header, secret)
            check(False, f"stripe rejects a tampered {event}")
        except stripe.SignatureVerificationError:
            pass

    server = capture_server()
    Capture.received.clear()
    result = hookctl("send", "stripe", "customer.subscription.created", "--to", str(server.server_address[1]),
                     env={"STRIPE_WEBHOOK_SECRET": secret})
    check(result.returncode == 0, f"hookctl send to the capture server: {result.stdout}{result.stderr}")
    for headers, body in Capture.received:
        event_object = stripe.Webhook.construct_event(body, headers.get("Stripe-Signature"), secret)
        check(event_object["type"] == "customer.subscription.created", "stripe accepts what hookctl send delivered")
    check(len(Capture.received) == 1, "one delivery captured")
    server.shutdown()


def standard_webhooks_both_ways():
    secret = "whsec_" + base64.b64encode(RANDOM.randbytes(24)).decode()
    webhook = standardwebhooks.Webhook(secret)
    for event in ["user.created", "user.deleted", "invoice.paid"]:
        result = hookctl("sign", "standard-webhooks", "--event", event, "--json", env={"STANDARD_WEBHOOKS_SECRET": secret})
        request = json.loads(result.stdout)
        headers = headers_of(request)
        check(webhook.verify(request["body"], headers)["type"] == event, f"standardwebhooks accepts hookctl's {event}")
        try:
            webhook.verify(request["body"] + " ", headers)
            check(False, f"standardwebhooks rejects a tampered {event}")
        except standardwebhooks.webhooks.WebhookVerificationError:
            pass

    server = capture_server()
    Capture.received.clear()
    result = hookctl("send", "standard-webhooks", "invoice.paid", "--to", str(server.server_address[1]), "--repeat", "3",
                     env={"STANDARD_WEBHOOKS_SECRET": secret})
    check(result.returncode == 0, f"hookctl send: {result.stdout}{result.stderr}")
    for headers, body in Capture.received:
        lowered = {name.lower(): value for name, value in headers.items()}
        check(webhook.verify(body, lowered)["type"] == "invoice.paid", "standardwebhooks accepts what hookctl send delivered")
    check(len(Capture.received) == 3, "three deliveries captured")
    server.shutdown()

    for _ in range(25):
        body = random_body()
        at = RANDOM.randint(1_500_000_000, 2_000_000_000)
        msg_id = "msg_" + "".join(RANDOM.choice(string.ascii_letters + string.digits) for _ in range(RANDOM.randint(8, 30)))
        signature = webhook.sign(msg_id, datetime.datetime.fromtimestamp(at, tz=datetime.timezone.utc), body)
        request = {"method": "POST", "target": "/webhooks/standard-webhooks", "body": body,
                   "headers": [["webhook-id", msg_id], ["webhook-timestamp", str(at)], ["webhook-signature", signature]]}
        verdict = verify("standard-webhooks", request, secret, at)
        check(verdict.get("verdict") == "valid", f"standardwebhooks-signed body verifies: {verdict.get('summary')}")
        request["body"] = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
        verdict = verify("standard-webhooks", request, secret, at)
        codes = [finding["code"] for finding in verdict.get("diagnosis", [])]
        check(codes == ["json-reserialised"], f"re-serialised body is diagnosed: {codes}")


class SlackApp(http.server.BaseHTTPRequestHandler):
    """A Slack app's request handler: slack_sdk checks the signature and the timestamp's age (5 minutes), then
    the form body is read by its Content-Type, as web frameworks do. 200 when all is well, 401 otherwise."""

    verifier = None
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        valid = SlackApp.verifier.is_valid_request(body, dict(self.headers.items()))
        form = self.headers.get("Content-Type", "").split(";")[0].strip() == "application/x-www-form-urlencoded"
        fields = urllib.parse.parse_qs(body.decode(), keep_blank_values=True) if form else {}
        SlackApp.received.append((valid, fields))
        self.send_response(200 if valid and fields else 401)
        self.end_headers()

    def log_message(self, *args):
        pass


def slack_both_ways():
    secret = "".join(RANDOM.choice(string.hexdigits.lower()) for _ in range(32))
    verifier = SignatureVerifier(secret)
    SlackApp.verifier = verifier
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), SlackApp)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = str(server.server_address[1])
    env = {"SLACK_SIGNING_SECRET": secret}

    SlackApp.received.clear()
    result = hookctl("send", "slack", "slash_command", "--to", port, "--repeat", "3", env=env)
    check(result.returncode == 0 and "2xx 3" in result.stdout,
          f"the slack_sdk receiver accepts hookctl's slash commands: {result.stdout}{result.stderr}")
    for valid, fields in SlackApp.received:
        check(valid, "slack_sdk's SignatureVerifier accepts the slash command")
        check(fields.get("command") == ["/deploy"] and fields.get("text", [""])[0].endswith("(50% rollout)"),
              f"the slash command's fields arrive url-encoded as written: {fields}")
    check(len(SlackApp.received) == 3, "three slash commands received")

    SlackApp.received.clear()
    result = hookctl("send", "slack", "block_actions", "--to", port, env=env)
    check(result.returncode == 0, f"the slack_sdk receiver accepts hookctl's block_actions: {result.stdout}{result.stderr}")
    for valid, fields in SlackApp.received:
        payload = json.loads(fields.get("payload", ["{}"])[0])
        check(valid and payload.get("type") == "block_actions", f"block_actions' payload= is JSON: {fields}")

    # The receiver is not a rubber stamp: a timestamp changed after signing is refused.
    result = hookctl("send", "slack", "slash_command", "--to", port, "-H", "X-Slack-Request-Timestamp: 1531420618",
                     env=env)
    check(result.returncode == 4 and "401" in result.stdout, f"a re-stamped slash command is refused: {result.stdout}")
    server.shutdown()

    for _ in range(25):
        fields = {"token": "xyzz0WbapA4vBCDEFasx0q6G", "team_id": "T1DC2JH3J", "team_domain": "testteamnow",
                  "channel_id": "C" + "".join(RANDOM.choice(string.ascii_uppercase) for _ in range(8)),
                  "channel_name": "general", "user_id": "U2CERLKJA", "user_name": "roadrunner",
                  "command": "/" + "".join(RANDOM.choice(string.ascii_lowercase + "-") for _ in range(8)),
                  "text": "".join(RANDOM.choice(string.ascii_letters + " &=+%/?#éü✓\"'") for _ in range(40)),
                  "response_url": "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN",
                  "trigger_id": f"{RANDOM.getrandbits(36)}.{RANDOM.getrandbits(36)}.{RANDOM.getrandbits(128):032x}"}
        body = urllib.parse.urlencode(fields)
        at = int(time.time()) - RANDOM.randint(0, 10**8)
        signature = verifier.generate_signature(timestamp=str(at), body=body)
        request = {"method": "POST", "target": "/webhooks/slack", "body": body,
                   "headers": [["Content-Type", "application/x-www-form-urlencoded"],
                               ["X-Slack-Request-Timestamp", str(at)], ["X-Slack-Signature", signature]]}
        verdict = verify("slack", request, secret, at)
        check(verdict.get("verdict") == "valid" and verdict.get("event") == "slash_command"
              and verdict.get("payload", {}).get("status") == "valid",
              f"slack_sdk-signed slash command verifies: {verdict.get('summary')} {verdict.get('payload')}")


stripe_signs_hookctl_verifies()
hookctl_signs_stripe_verifies()
standard_webhooks_both_ways()
slack_both_ways()
print(f"  stripe {version('stripe')}, standardwebhooks {version('standardwebhooks')}, "
      f"slack_sdk {version('slack_sdk')}: "
      f"{'FAILED ' + str(len(failures)) if failures else 'all checks passed'}")
sys.exit(1 if failures else 0)
