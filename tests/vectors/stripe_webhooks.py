"""Writes stripe_webhooks.json: Stripe-Signature headers made by Stripe's own Python library
(`pip install stripe`), each with whether the library's `verify_header` accepts it at the
moment written down as `now`. proofroom's verifier must agree on every case.

    python3 tests/vectors/stripe_webhooks.py > tests/vectors/stripe_webhooks.json
"""

import json
import time

import stripe
from stripe import WebhookSignature

SECRET = "whsec_test_proofroom_0123456789"
BODY = json.dumps({
    "id": "evt_1", "type": "checkout.session.completed",
    "data": {"object": {"id": "cs_test_1", "payment_status": "paid", "client_reference_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV",
                        "amount_total": 5890, "currency": "eur"}},
})


def header(body, secret, t):
    # The library's own header (scheme v1 over "t.body").
    return WebhookSignature.generate_signature_header(body, secret, t) if hasattr(
        WebhookSignature, "generate_signature_header") else "t=%d,v1=%s" % (
        t, WebhookSignature._compute_signature("%d.%s" % (t, body), secret))


def case(name, body, head, secret):
    try:
        WebhookSignature.verify_header(body, head, secret, tolerance=300)
        valid = True
    except stripe.SignatureVerificationError:
        valid = False
    return {"name": name, "body": body, "header": head, "secret": secret, "now": int(time.time()), "valid": valid}


now = int(time.time())
good = header(BODY, SECRET, now)
cases = [
    case("valid", BODY, good, SECRET),
    case("wrong secret", BODY, header(BODY, "whsec_someone_else", now), SECRET),
    case("stale timestamp (a replay an hour later)", BODY, header(BODY, SECRET, now - 3600), SECRET),
    case("timestamp far in the future", BODY, header(BODY, SECRET, now + 3600), SECRET),
    case("tampered body", BODY.replace("5890", "1"), good, SECRET),
    case("two v1, the second right (a secret being rolled)", BODY,
         "t=%d,v1=%s,v1=%s" % (now, "00" * 32, good.split("v1=")[1]), SECRET),
    case("no v1", BODY, "t=%d,v0=%s" % (now, good.split("v1=")[1]), SECRET),
    case("no timestamp", BODY, "v1=%s" % good.split("v1=")[1], SECRET),
    case("within tolerance (4 minutes old)", BODY, header(BODY, SECRET, now - 240), SECRET),
]
print(json.dumps(cases, indent=1))
