"""The providers' own PyPI SDKs against hookctl: svix (Clerk, Resend), razorpay, onfido-python, twitchAPI.

1. hookctl signs (`sign --json`, and `send` to a local receiver that checks with the SDK); the SDK accepts it
   and rejects a tampered body.
2. Where the SDK signs (svix's Webhook.sign), `hookctl verify` accepts what it signed and rejects it once the
   body changes. Where it does not, the SDK's published test vector (Onfido's) must verify in hookctl.
Prints a matrix: provider, SDK and version, SDK accepts hookctl, hookctl accepts the SDK.
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
from importlib.metadata import version

import razorpay
import svix.webhooks
import asyncio
import hashlib
import hmac
import types
import uuid

from multidict import CIMultiDict
from twitchAPI.eventsub.webhook import EventSubWebhook
from onfido.webhook_event_verifier import OnfidoInvalidSignatureError, WebhookEventVerifier

HOOKCTL = os.environ["HOOKCTL"]
RANDOM = random.Random(20261201)
failures = []
matrix = []


def check(condition, what):
    if not condition:
        failures.append(what)
        print(f"  FAIL {what}", file=sys.stderr)
    return bool(condition)


def hookctl(*args, secret):
    env = {"PATH": os.environ.get("PATH", ""), "HOME": tempfile.gettempdir(), "HOOKCTL_SECRET": secret}
    return subprocess.run([HOOKCTL, *args], env=env, capture_output=True, text=True)


def signed(provider, event, secret):
    result = hookctl("sign", provider, "--event", event, "--json", secret=secret)
    request = json.loads(result.stdout)
    return request["body"], {name.lower(): value for name, value in request["headers"]}


def raises(error, fn):
    try:
        fn()
        return False
    except error:
        return True


def verdict(provider, body, headers, secret):
    """hookctl's verdict on a request carrying `body` and `headers`."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as capture:
        json.dump({"method": "POST", "target": f"/webhooks/{provider}", "body": body,
                   "headers": [[name, value] for name, value in headers.items()]}, capture)
    result = hookctl("verify", capture.name, "--provider", provider, "--json", secret=secret)
    os.unlink(capture.name)
    try:
        return json.loads(result.stdout).get("verdict")
    except json.JSONDecodeError:
        return f"no JSON: {result.stderr.strip()}"


def hookctl_verifies(provider, body, headers, secret):
    good, bad = verdict(provider, body, headers, secret), verdict(provider, body + " ", headers, secret)
    return (check(good == "valid", f"{provider}: hookctl accepts the SDK's signature ({good})")
            & check(bad == "mismatch", f"{provider}: hookctl rejects it once the body changes ({bad})"))


def send_to(provider, event, secret, accept):
    """`hookctl send` to a receiver that checks each delivery with `accept(body, headers)`: answered 200."""
    answers = []

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                ok = accept(body.decode(), {name.lower(): value for name, value in self.headers.items()}) is not False
            except Exception:  # the SDK's rejection, whatever its type
                ok = False
            answers.append(ok)
            self.send_response(200 if ok else 401)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    result = hookctl("send", provider, event, "--to", str(server.server_address[1]), secret=secret)
    server.shutdown()
    return check(result.returncode == 0 and answers == [True],
                 f"{provider}: send {event} accepted by the SDK receiver: {answers} {result.stderr.strip()}")


def svix_both_ways():
    for provider, events in [("clerk", ["user.created", "user.deleted", "session.created"]),
                             ("resend", ["email.sent", "email.bounced", "email.clicked"])]:
        secret = "whsec_" + base64.b64encode(RANDOM.randbytes(24)).decode()
        webhook = svix.webhooks.Webhook(secret)
        accepts = True
        for event in events:
            body, headers = signed(provider, event, secret)
            # svix's verify returns nothing: it raises on a bad signature or timestamp.
            accepts &= check(not raises(svix.webhooks.WebhookVerificationError, lambda: webhook.verify(body, headers))
                             and json.loads(body)["type"] == event, f"{provider}: svix accepts {event}")
            accepts &= check(raises(svix.webhooks.WebhookVerificationError, lambda: webhook.verify(body + " ", headers)),
                             f"{provider}: svix rejects a tampered {event}")
        accepts &= send_to(provider, events[0], secret, lambda body, headers: webhook.verify(body, headers))
        verifies = True
        for i in range(10):
            msg_id = "msg_" + "".join(RANDOM.choice(string.ascii_letters + string.digits) for _ in range(27))
            now = datetime.datetime.now(tz=datetime.timezone.utc)
            body = json.dumps({"type": events[0], "data": {"id": f"x_{i}", "note": "é✓ \"q\""}}, ensure_ascii=False)
            signature = webhook.sign(msg_id, now, body)
            verifies &= hookctl_verifies(provider, body, {"svix-id": msg_id, "svix-timestamp": str(int(now.timestamp())),
                                                          "svix-signature": signature}, secret)
        matrix.append((provider, f"svix {version('svix')} (PyPI)", accepts, verifies))


def razorpay_accepts():
    secret = "".join(RANDOM.choice(string.ascii_letters + string.digits) for _ in range(20))
    utility = razorpay.Client(auth=("rzp_test_key", "rzp_test_secret")).utility
    accepts = True
    for event in ["payment.captured", "payment.failed", "order.paid", "refund.processed"]:
        body, headers = signed("razorpay", event, secret)
        signature = headers["x-razorpay-signature"]
        accepts &= check(utility.verify_webhook_signature(body, signature, secret) is True, f"razorpay: accepts {event}")
        accepts &= check(raises(razorpay.errors.SignatureVerificationError,
                                lambda: utility.verify_webhook_signature(body + " ", signature, secret)),
                         f"razorpay: rejects a tampered {event}")
    accepts &= send_to("razorpay", "payment.authorized", secret,
                       lambda body, headers: utility.verify_webhook_signature(body, headers["x-razorpay-signature"], secret))
    matrix.append(("razorpay", f"razorpay {version('razorpay')} (PyPI)", accepts, None))


# onfido-python tests/test_classic_webhook_event_verification.py: token, raw event and its signature.
ONFIDO_TOKEN = "wU99mE6jJ7nXOLFwZ0tJymM1lpI15pZh"
ONFIDO_EVENT = ('{"payload":{"resource_type":"check","action":"check.completed","object":{"id":'
                '"f2302f45-227d-413d-ad61-09ec077a086a","status":"complete","completed_at_iso8601":"2024-04-04T09:21:21Z",'
                '"href":"https://api.onfido.com/v3.6/checks/f2302f45-227d-413d-ad61-09ec077a086a"}}}')
ONFIDO_SIGNATURE = "77ebc3e418f26be6eebb47f7ebe551321de26734fc273961e075fc9ab163d9c7"


def onfido_both_ways():
    token = "".join(RANDOM.choice(string.ascii_letters + string.digits) for _ in range(32))
    verifier = WebhookEventVerifier(token)
    accepts = True
    for event in ["check.completed", "check.started", "report.completed", "workflow_run.completed"]:
        body, headers = signed("onfido", event, token)
        accepts &= check(verifier.read_payload(body, headers["x-sha2-signature"]).payload.action == event,
                         f"onfido: WebhookEventVerifier accepts {event}")
        accepts &= check(raises(OnfidoInvalidSignatureError, lambda: verifier.read_payload(body + " ", headers["x-sha2-signature"])),
                         f"onfido: rejects a tampered {event}")
    accepts &= send_to("onfido", "report.completed", token,
                       lambda body, headers: verifier.read_payload(body, headers["x-sha2-signature"]))
    # The SDK's published vector: its own verifier and hookctl agree.
    check(WebhookEventVerifier(ONFIDO_TOKEN).read_payload(ONFIDO_EVENT, ONFIDO_SIGNATURE) is not None, "onfido: the vector")
    verifies = hookctl_verifies("onfido", ONFIDO_EVENT, {"X-SHA2-Signature": ONFIDO_SIGNATURE}, ONFIDO_TOKEN)
    matrix.append(("onfido", f"onfido-python {version('onfido-python')} (PyPI)", accepts, verifies))


class TwitchRequest:
    """What twitchAPI's EventSubWebhook._verify_signature reads of an aiohttp request: headers and text()."""

    def __init__(self, body, headers):
        self.headers = CIMultiDict(headers)
        self._body = body

    async def text(self):
        return self._body


def twitch_accepts(secret, body, headers):
    """twitchAPI's own check (EventSubWebhook._verify_signature), on a webhook holding `secret`."""
    webhook = types.SimpleNamespace(secret=secret)
    return asyncio.run(EventSubWebhook._verify_signature(webhook, TwitchRequest(body, headers)))


def twitch_both_ways():
    # Twitch's secrets are 10 to 100 ASCII characters.
    secret = "".join(RANDOM.choice(string.ascii_letters + string.digits) for _ in range(40))
    accepts = True
    for event in ["webhook_callback_verification", "revocation", "channel.follow", "stream.online",
                  "stream.offline", "channel.subscribe", "channel.cheer"]:
        body, headers = signed("twitch", event, secret)
        accepts &= check(twitch_accepts(secret, body, headers) is True, f"twitch: twitchAPI accepts {event}")
        accepts &= check(twitch_accepts(secret, body + " ", headers) is False, f"twitch: twitchAPI rejects a tampered {event}")
    accepts &= send_to("twitch", "channel.follow", secret, lambda body, headers: twitch_accepts(secret, body, headers))
    # twitchAPI does not sign: messages signed as Twitch documents, with Twitch's nanosecond timestamps, that the
    # SDK's check accepts, verify in hookctl.
    verifies = True
    for i in range(10):
        now = datetime.datetime.now(tz=datetime.timezone.utc)
        timestamp = now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond:06d}{RANDOM.randrange(1000):03d}Z"
        message_id = str(uuid.UUID(int=RANDOM.getrandbits(128), version=4))
        body = json.dumps({"subscription": {"id": message_id, "type": "stream.online", "version": "1", "status": "enabled",
                                            "cost": 0, "condition": {"broadcaster_user_id": str(1000 + i)},
                                            "transport": {"method": "webhook", "callback": "https://example.com/webhooks/twitch"},
                                            "created_at": timestamp},
                           "event": {"id": str(9000 + i), "broadcaster_user_id": str(1000 + i), "broadcaster_user_login": "cool_user",
                                     "broadcaster_user_name": "Cool_User ✓", "type": "live", "started_at": timestamp}},
                          ensure_ascii=False)
        mac = hmac.new(secret.encode(), (message_id + timestamp + body).encode(), hashlib.sha256).hexdigest()
        headers = {"Twitch-Eventsub-Message-Id": message_id, "Twitch-Eventsub-Message-Timestamp": timestamp,
                   "Twitch-Eventsub-Message-Signature": f"sha256={mac}", "Twitch-Eventsub-Message-Type": "notification",
                   "Twitch-Eventsub-Subscription-Type": "stream.online", "Twitch-Eventsub-Subscription-Version": "1",
                   "Twitch-Eventsub-Message-Retry": "0", "Content-Type": "application/json"}
        verifies &= check(twitch_accepts(secret, body, headers) is True, "twitch: twitchAPI accepts the Python-signed message")
        verifies &= hookctl_verifies("twitch", body, headers, secret)
    matrix.append(("twitch", f"twitchAPI {version('twitchAPI')} (PyPI)", accepts, verifies))


svix_both_ways()
razorpay_accepts()
twitch_both_ways()
onfido_both_ways()
mark = lambda v: "n/a (the SDK does not sign)" if v is None else ("✓" if v else "✗")
print("provider | SDK | SDK accepts hookctl | hookctl accepts SDK")
for provider, sdk, accepts, verifies in matrix:
    print(f"{provider} | {sdk} | {mark(accepts)} | {mark(verifies)}")
if failures:
    print(f"{len(failures)} interop checks failed", file=sys.stderr)
    sys.exit(1)
print("providers (PyPI): all checks passed")
