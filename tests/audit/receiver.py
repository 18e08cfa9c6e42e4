#!/usr/bin/env python3
"""A small webhook receiver for `hookctl audit`'s tests: correct by default, or with one planted defect.

    receiver.py --scheme payvost|stripe|payqi --secret S [--defect NAME]

It listens on 127.0.0.1 port 0 and prints `listening on PORT` once ready. POST /webhooks/<provider> is the
webhook route; GET /count answers {"count": N}, the deliveries processed so far.

Defects: accepts-anything, reserialised-body, ignores-timestamps, crashes-on-unknown-event,
processes-redeliveries, slow, leaks-stack-trace, crashes-out-of-order, crashes-without-timestamp (PayQI's
documented handler: int() of a missing header), one-sided-timestamps (Stripe's SDKs: only stale ones are refused).
"""

import argparse
import hashlib
import hmac
import json
import sys
import threading
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KNOWN = {
    "payvost": {"payment.created", "payment.succeeded", "payment.failed", "payment.refunded"},
    "payqi": {"payment.created", "payment.pending", "payment.completed", "payment.failed", "payment.expired"},
    "stripe": {"charge.succeeded", "charge.failed", "charge.refunded", "payment_intent.succeeded",
               "payment_intent.created", "customer.created"},
}
MAX_BODY = 2 * 1024 * 1024
TOLERANCE = 300

args = None
lock = threading.Lock()
seen = set()
created = set()
processed = 0


class Reject(Exception):
    pass


def verify(headers, raw):
    """Raises Reject unless the request is signed with the secret (over the raw body)."""
    secret = args.secret.encode()
    body = raw
    if args.defect == "reserialised-body":
        # The planted bug: verifying the parsed and re-serialised body, not the bytes that came.
        body = json.dumps(json.loads(raw), separators=(",", ":"), ensure_ascii=False).encode()
    if args.scheme == "payvost":
        given = headers.get("Payvost-Signature") or ""
        expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(given, expected):
            raise Reject("invalid signature")
        return
    if args.scheme == "payqi":
        given = headers.get("X-PayQI-Signature") or ""
        expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(given, expected):
            raise Reject("invalid signature")
        stamp = headers.get("X-PayQI-Timestamp")
        if stamp is None and args.defect != "crashes-without-timestamp":
            raise Reject("no timestamp")
        try:
            stamp = int(stamp)
        except ValueError:
            raise Reject("bad timestamp")
        if abs(time.time() - stamp) > TOLERANCE:
            raise Reject("Request too old")
        return
    header = headers.get("Stripe-Signature") or ""
    items = [item.split("=", 1) for item in header.split(",") if "=" in item]
    stamps = [v for k, v in items if k == "t"]
    signatures = [v for k, v in items if k == "v1"]
    if not stamps or not signatures:
        raise Reject("no signature")
    signed = stamps[0].encode() + b"." + body
    expected = hmac.new(secret, signed, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(s, expected) for s in signatures):
        raise Reject("invalid signature")
    if args.defect != "ignores-timestamps":
        try:
            stamp = int(stamps[0])
        except ValueError:
            raise Reject("bad timestamp")
        age = time.time() - stamp
        if age > TOLERANCE or (args.defect != "one-sided-timestamps" and -age > TOLERANCE):
            raise Reject("timestamp outside the tolerance")


def handle(event):
    """Processes an event once (or more, with the planted redelivery bug); returns nothing."""
    global processed
    kind = event.get("type")
    if args.defect == "crashes-on-unknown-event" and kind not in KNOWN[args.scheme]:
        raise KeyError(kind)
    if args.defect == "crashes-out-of-order" and kind in KNOWN[args.scheme]:
        # The planted bug: looking up an object its `created` event has not stored yet.
        obj = (event.get("data") or {}).get("id")
        if kind.endswith(".created"):
            created.add(obj)
        elif obj not in created:
            raise KeyError(obj)
    with lock:
        if args.defect != "processes-redeliveries":
            if event.get("id") in seen:
                return
            seen.add(event.get("id"))
        processed += 1


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *_):
        pass

    def answer(self, status, body):
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/count":
            with lock:
                return self.answer(200, {"count": processed})
        self.answer(405, {"error": "method not allowed"})

    def do_PUT(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.answer(405, {"error": "method not allowed"})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self.close_connection = True
            return self.answer(413, {"error": "too large"})
        raw = self.rfile.read(length)
        if args.defect == "slow":
            time.sleep(args.delay)
        try:
            if args.defect != "accepts-anything":
                verify(self.headers, raw)
        except Reject as reason:
            if args.defect == "leaks-stack-trace":
                return self.answer(400, "".join(traceback.format_exception(reason)))
            return self.answer(400, {"error": str(reason)})
        except ValueError:
            return self.answer(400, {"error": "invalid JSON"})
        except Exception:
            return self.answer(500, {"error": "internal error"})
        try:
            event = json.loads(raw)
        except ValueError:
            return self.answer(400, {"error": "invalid JSON"})
        try:
            handle(event)
        except Exception:
            return self.answer(500, {"error": "internal error"})
        self.answer(200, {"received": True})


def main():
    global args
    parser = argparse.ArgumentParser()
    parser.add_argument("--scheme", choices=["payvost", "stripe", "payqi"], default="payvost")
    parser.add_argument("--secret", required=True)
    parser.add_argument("--defect")
    parser.add_argument("--delay", type=float, default=0.5)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(f"listening on {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
