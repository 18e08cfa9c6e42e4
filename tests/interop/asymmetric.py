"""The Python SDKs of the key-pair providers against hookctl, in both directions:

- discord-interactions (PyPI) `verify_key` with the public key `hookctl keys generate discord` printed accepts
  what `hookctl sign discord` signs, and rejects a changed body and another key's signature; PyNaCl (the
  library verify_key is built on) signs, verify_key agrees, and `hookctl verify` accepts it.
- sendgrid (PyPI) `EventWebhook.verify_signature` with the printed verification key, the same way; the
  `cryptography` package it is built on signs (DER), and `hookctl verify` accepts it.
"""

import base64
import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from discord_interactions import verify_key as sdk_verify_key
from importlib.metadata import version
from nacl.signing import SigningKey
from sendgrid.helpers.eventwebhook import EventWebhook

HOOKCTL = os.environ["HOOKCTL"]


def verify_key(*args):
    """discord-interactions' verify_key, without the exception text it prints on a rejected signature."""
    with contextlib.redirect_stdout(io.StringIO()):
        return sdk_verify_key(*args)
failures = []
passed = 0


def check(condition, what):
    global passed
    if condition:
        passed += 1
    else:
        failures.append(what)
        print(f"  FAIL {what}", file=sys.stderr)


def hookctl(*args, home, env=None):
    environment = {"PATH": os.environ.get("PATH", ""), "HOME": home}
    environment.update(env or {})
    return subprocess.run([HOOKCTL, *args], env=environment, capture_output=True, text=True)


def header(request, name):
    return next(v for n, v in request["headers"] if n.lower() == name.lower())


def verify(request, provider, env):
    home = tempfile.mkdtemp()
    with open(os.path.join(home, "capture.json"), "w") as capture:
        json.dump(request, capture)
    result = hookctl("verify", os.path.join(home, "capture.json"), "--provider", provider, "--json", home=home, env=env)
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        failures.append(f"hookctl verify printed no JSON: {result.stderr.strip()}")
        return {}


def discord():
    mine, stranger = tempfile.mkdtemp(), tempfile.mkdtemp()
    public = hookctl("keys", "generate", "discord", home=mine).stdout.strip()
    hookctl("keys", "generate", "discord", home=stranger)
    for event in ["ping", "application_command", "message_component", "application_command_autocomplete", "modal_submit"]:
        signed = json.loads(hookctl("sign", "discord", "--event", event, "--json", home=mine).stdout)
        body, signature = signed["body"].encode(), header(signed, "X-Signature-Ed25519")
        timestamp = header(signed, "X-Signature-Timestamp")
        check(verify_key(body, signature, timestamp, public), f"discord-interactions accepts hookctl's {event}")
        check(not verify_key(body + b" ", signature, timestamp, public), f"discord-interactions rejects a changed {event}")
        other = json.loads(hookctl("sign", "discord", "--event", event, "--json", home=stranger).stdout)
        check(not verify_key(other["body"].encode(), header(other, "X-Signature-Ed25519"), header(other, "X-Signature-Timestamp"), public),
              f"discord-interactions rejects another key's {event}")
    for i in range(10):
        key = SigningKey.generate()
        public = key.verify_key.encode().hex()
        timestamp = str(int(time.time()))
        body = json.dumps({"id": str(10**17 + i), "application_id": "123456789012345678", "type": 2, "token": f"t{i}",
                           "version": 1, "data": {"id": "123456789012345678", "name": "déploy", "type": 1}}, ensure_ascii=False)
        signature = key.sign(timestamp.encode() + body.encode()).signature.hex()
        check(verify_key(body.encode(), signature, timestamp, public), "discord-interactions accepts PyNaCl's signature")
        request = {"method": "POST", "target": "/interactions", "body": body,
                   "headers": [["Content-Type", "application/json"], ["X-Signature-Ed25519", signature], ["X-Signature-Timestamp", timestamp]]}
        verdict = verify(request, "discord", {"DISCORD_PUBLIC_KEY": public})
        check(verdict.get("verdict") == "valid", f"hookctl accepts what verify_key accepts: {verdict.get('summary')}")
        request["body"] = body.replace("déploy", "destroy")
        verdict = verify(request, "discord", {"DISCORD_PUBLIC_KEY": public})
        check(verdict.get("verdict") == "mismatch", f"hookctl rejects a changed body: {verdict.get('summary')}")


def sendgrid():
    mine, stranger = tempfile.mkdtemp(), tempfile.mkdtemp()
    key = hookctl("keys", "generate", "sendgrid", home=mine).stdout.strip()
    hookctl("keys", "generate", "sendgrid", home=stranger)
    webhook = EventWebhook(key)
    for event in ["processed", "delivered", "open", "click", "bounce"]:
        signed = json.loads(hookctl("sign", "sendgrid", "--event", event, "--json", home=mine).stdout)
        signature = header(signed, "X-Twilio-Email-Event-Webhook-Signature")
        timestamp = header(signed, "X-Twilio-Email-Event-Webhook-Timestamp")
        check(webhook.verify_signature(signed["body"], signature, timestamp), f"sendgrid accepts hookctl's {event}")
        check(not webhook.verify_signature(signed["body"] + "\r\n", signature, timestamp), f"sendgrid rejects a changed {event}")
        other = json.loads(hookctl("sign", "sendgrid", "--event", event, "--json", home=stranger).stdout)
        check(not webhook.verify_signature(other["body"], header(other, "X-Twilio-Email-Event-Webhook-Signature"),
                                           header(other, "X-Twilio-Email-Event-Webhook-Timestamp")),
              f"sendgrid rejects another key's {event}")
    for i in range(10):
        private = ec.generate_private_key(ec.SECP256R1())
        public = base64.b64encode(private.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).decode()
        timestamp = str(int(time.time()))
        body = json.dumps([{"email": f"ada+{i}@example.com", "timestamp": int(timestamp), "event": "open",
                            "sg_event_id": f"ev{i}", "useragent": "Mozilla/5.0 ü"}], ensure_ascii=False) + "\r\n"
        signature = base64.b64encode(private.sign((timestamp + body).encode(), ec.ECDSA(hashes.SHA256()))).decode()
        check(EventWebhook(public).verify_signature(body, signature, timestamp), "sendgrid accepts cryptography's signature")
        request = {"method": "POST", "target": "/webhooks/sendgrid", "body": body,
                   "headers": [["Content-Type", "application/json"], ["X-Twilio-Email-Event-Webhook-Signature", signature],
                               ["X-Twilio-Email-Event-Webhook-Timestamp", timestamp]]}
        env = {"SENDGRID_WEBHOOK_VERIFICATION_KEY": public}
        verdict = verify(request, "sendgrid", env)
        check(verdict.get("verdict") == "valid", f"hookctl accepts what verify_signature accepts: {verdict.get('summary')}")
        request["body"] = body.replace('"open"', '"click"')
        verdict = verify(request, "sendgrid", env)
        check(verdict.get("verdict") == "mismatch", f"hookctl rejects a changed batch: {verdict.get('summary')}")


discord()
sendgrid()
names = ", ".join(f"{name} {version(name)}" for name in ["discord-interactions", "sendgrid", "PyNaCl", "cryptography"])
print(f"  {names}: " + (f"FAILED {len(failures)} of {passed + len(failures)}" if failures else f"all {passed} checks passed"))
sys.exit(1 if failures else 0)
