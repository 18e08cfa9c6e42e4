"""Twilio's, HubSpot's and Paddle's own Python libraries against hookctl, in both directions: schemes that sign
the delivery URL (Twilio, HubSpot v3), sorted form fields (Twilio) and a `ts=…;h1=…` header (Paddle).

1. `hookctl send` delivers to a local server; the SDK checks each delivery against the URL it arrived at, as a
   receiving app does, and accepts it; a changed field or body is rejected.
2. The SDK signs; `hookctl verify --url` accepts it, and a changed field or body is a mismatch.
"""

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

from hubspot.utils.signature import Signature as HubSpotSignature
from paddle_billing.Notifications import Secret as PaddleSecret, Verifier as PaddleVerifier
from paddle_billing.Notifications.PaddleSignature import PaddleSignature
from twilio.request_validator import RequestValidator

HOOKCTL = os.environ["HOOKCTL"]
RANDOM = random.Random(20261201)
failures = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print(f"  FAIL {what}", file=sys.stderr)


def hookctl(*args, env=None):
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": tempfile.gettempdir()}
    environment.update(env or {})
    return subprocess.run([HOOKCTL, *args], env=environment, capture_output=True, text=True)


def verify(request, *args, env):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as capture:
        json.dump(request, capture)
    result = hookctl("verify", capture.name, "--json", *args, env=env)
    os.unlink(capture.name)
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        failures.append(f"hookctl verify printed no JSON: {result.stderr.strip()}")
        return {}


def text(length=24):
    return "".join(RANDOM.choice(string.ascii_letters + string.digits + " +&=%é") for _ in range(length))


class Capture(http.server.BaseHTTPRequestHandler):
    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        Capture.received.append((self.path, self.headers, body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def delivered(provider, event, env):
    """What `hookctl send` delivered to a local server, and the URL it was delivered to."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Capture)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Capture.received.clear()
    port = server.server_address[1]
    result = hookctl("send", provider, event, "--to", str(port), env=env)
    server.shutdown()
    check(result.returncode == 0 and len(Capture.received) == 1, f"send {provider} {event}: {result.stderr}")
    path, headers, body = Capture.received[0]
    return f"http://127.0.0.1:{port}{path}", headers, body


def twilio_both_ways():
    token = "".join(RANDOM.choice(string.hexdigits.lower()) for _ in range(32))
    env = {"TWILIO_AUTH_TOKEN": token}
    validator = RequestValidator(token)
    for event in ["message.received", "message.status", "call.status"]:
        url, headers, body = delivered("twilio", event, env)
        params = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
        signature = headers.get("X-Twilio-Signature")
        check(validator.validate(url, params, signature), f"twilio's RequestValidator accepts hookctl's {event}")
        changed = dict(params, AccountSid="AC" + "0" * 32)
        check(not validator.validate(url, changed, signature), f"twilio rejects a changed {event}")
        check(not validator.validate(url + "?x=1", params, signature), f"twilio rejects {event} for another URL")

    url = "https://example.com/webhooks/twilio?tenant=" + urllib.parse.quote(text(8))
    for _ in range(10):
        params = {"MessageSid": "SM" + "".join(RANDOM.choice("0123456789abcdef") for _ in range(32)),
                  "AccountSid": "AC" + "1" * 32, "From": "+14155550100", "To": "+14155550199",
                  "Body": text(), "MessageStatus": "delivered"}
        signature = validator.compute_signature(url, params)
        body = urllib.parse.urlencode(params)
        request = {"method": "POST", "target": "/webhooks/twilio", "body": body,
                   "headers": [["Content-Type", "application/x-www-form-urlencoded"], ["X-Twilio-Signature", signature]]}
        verdict = verify(request, "--provider", "twilio", "--url", url, env=env)
        check(verdict.get("verdict") == "valid", f"hookctl accepts twilio's signature: {verdict.get('summary')}")
        request["body"] = body.replace("delivered", "failed")
        verdict = verify(request, "--provider", "twilio", "--url", url, env=env)
        check(verdict.get("verdict") == "mismatch", f"hookctl rejects a changed twilio form: {verdict.get('summary')}")


def hubspot_both_ways():
    secret = "".join(RANDOM.choice(string.ascii_lowercase + string.digits + "-") for _ in range(36))
    env = {"HUBSPOT_CLIENT_SECRET": secret}
    for event in ["contact.creation", "contact.propertyChange", "deal.creation"]:
        url, headers, body = delivered("hubspot", event, env)
        args = dict(signature=headers.get("X-HubSpot-Signature-v3"), client_secret=secret, request_body=body.decode(),
                    http_uri=url, http_method="POST", signature_version="v3",
                    timestamp=headers.get("X-HubSpot-Request-Timestamp"))
        check(HubSpotSignature.is_valid(**args), f"hubspot-api-client accepts hookctl's {event}")
        check(not HubSpotSignature.is_valid(**dict(args, request_body=body.decode() + " ")),
              f"hubspot-api-client rejects a changed {event}")

    url = "https://example.com/webhooks/hubspot"
    for _ in range(10):
        at = int(time.time() * 1000) - RANDOM.randint(0, 60_000)
        body = json.dumps([{"eventId": RANDOM.randint(1, 2**32), "subscriptionId": 1, "portalId": 2, "appId": 3,
                            "occurredAt": at, "subscriptionType": "contact.creation", "attemptNumber": 0,
                            "objectId": RANDOM.randint(1, 10**9), "changeFlag": "CREATED", "note": text()}])
        signature = HubSpotSignature.get_signature(secret, body, "v3", url, "POST", str(at))
        request = {"method": "POST", "target": "/webhooks/hubspot", "body": body,
                   "headers": [["Content-Type", "application/json"], ["X-HubSpot-Signature-v3", signature],
                               ["X-HubSpot-Request-Timestamp", str(at)]]}
        verdict = verify(request, "--provider", "hubspot", "--url", url, env=env)
        check(verdict.get("verdict") == "valid", f"hookctl accepts hubspot's signature: {verdict.get('summary')}")
        verdict = verify(request, "--provider", "hubspot", "--url", url + "?a=1", env=env)
        check(verdict.get("verdict") == "mismatch", f"hookctl rejects hubspot's for another URL: {verdict.get('summary')}")


class PaddleRequest:
    def __init__(self, headers, body):
        self.headers = headers
        self.body = body


def paddle_both_ways():
    secret = "pdl_ntfset_" + "".join(RANDOM.choice(string.ascii_letters + string.digits) for _ in range(40))
    env = {"PADDLE_WEBHOOK_SECRET": secret}
    for event in ["transaction.completed", "subscription.created", "subscription.canceled"]:
        _, headers, body = delivered("paddle", event, env)
        request = PaddleRequest({"Paddle-Signature": headers.get("Paddle-Signature")}, body)
        check(PaddleVerifier().verify(request, PaddleSecret(secret)), f"paddle-python-sdk accepts hookctl's {event}")
        check(not PaddleVerifier().verify(PaddleRequest(request.headers, body + b" "), PaddleSecret(secret)),
              f"paddle-python-sdk rejects a changed {event}")

    for _ in range(10):
        body = json.dumps({"event_id": "evt_01", "event_type": "transaction.completed", "note": text()})
        at = int(time.time())
        digest = PaddleSignature.calculate_hmac(secret, f"{at}:{body}".encode()).hexdigest()
        request = {"method": "POST", "target": "/webhooks/paddle", "body": body,
                   "headers": [["Content-Type", "application/json"], ["Paddle-Signature", f"ts={at};h1={digest}"]]}
        verdict = verify(request, "--provider", "paddle", "--at", str(at + 1), env=env)
        check(verdict.get("verdict") == "valid", f"hookctl accepts paddle's signature: {verdict.get('summary')}")
        verdict = verify(request, "--provider", "paddle", "--at", str(at + 6), env=env)
        check(verdict.get("verdict") == "stale", f"hookctl rejects paddle's after 5 s: {verdict.get('summary')}")


twilio_both_ways()
hubspot_both_ways()
paddle_both_ways()
if failures:
    print(f"{len(failures)} interop failure(s)", file=sys.stderr)
    sys.exit(1)
print("  twilio, hubspot-api-client and paddle-python-sdk agree with hookctl in both directions")
