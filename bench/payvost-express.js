// The Payvost webhook handler from provider-docs/002 ("Create Webhook Endpoint" + "Verify Webhook Signatures"),
// as a user would write it.
const express = require('express');
const crypto = require('crypto');
const app = express();

function verifyWebhook(payload, signature, secret) {
  const expectedSignature = crypto
    .createHmac('sha256', secret)
    .update(payload)
    .digest('hex');

  if (signature !== expectedSignature) {
    throw new Error('Invalid webhook signature');
  }

  return JSON.parse(payload);
}

app.post('/webhooks/payvost',
  express.raw({ type: 'application/json' }),
  (req, res) => {
    const signature = req.headers['payvost-signature'];
    const secret = process.env.WEBHOOK_SECRET;

    try {
      const event = verifyWebhook(req.body, signature, secret);
      // Process event
      res.json({ received: true });
    } catch (error) {
      res.status(400).send('Invalid signature');
    }
  }
);

app.listen(Number(process.env.PORT || 3000));
