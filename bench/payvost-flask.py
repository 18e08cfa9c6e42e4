# The Payvost webhook handler from provider-docs/002 ("Python with Flask" + "Verify Webhook Signatures"),
# as a user would write it, run with Flask's own server as the document does.
import hashlib
import hmac
import json
import os

from flask import Flask, jsonify, request

app = Flask(__name__)


def verify_webhook(payload, signature, secret):
    expected_signature = hmac.new(secret.encode('utf-8'), payload, hashlib.sha256).hexdigest()
    if signature != expected_signature:
        raise ValueError('Invalid webhook signature')
    return json.loads(payload)


@app.route('/webhooks/payvost', methods=['POST'])
def webhook():
    signature = request.headers.get('Payvost-Signature')
    secret = os.environ['WEBHOOK_SECRET']
    payload = request.get_data()
    try:
        event = verify_webhook(payload, signature, secret)
        return jsonify({'received': True})
    except ValueError as e:
        return str(e), 400


if __name__ == '__main__':
    app.run(port=int(os.environ.get('PORT', 3000)))
