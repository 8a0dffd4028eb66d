"""The providers' own SDKs, for the gateway's tests: signs requests the way each provider's SDK signs (or verifies) them.

Reads one JSON request on standard input and writes one JSON answer on standard output, or a JSON array of requests
and an array of their answers, in order (one interpreter for many signatures: starting one takes most of a second):
  {"op": "twilio-sign", "token": ..., "url": ..., "body": <form>}                  -> {"signature": ...}
  {"op": "twilio-validate", "token": ..., "url": ..., "body": <form>, "signature": ...} -> {"valid": bool}
  {"op": "sendgrid-sign", "payload": ..., "timestamp": ...}                          -> {"publicKey", "signature", "valid"}
  {"op": "sendgrid-verify", "publicKey": ..., "payload": ..., "timestamp": ..., "signature": ...} -> {"valid": bool}
  {"op": "vonage-sign", "secret": ..., "method": ..., "params": {...}}               -> {"sig": ...}
  {"op": "vonage-check", "secret": ..., "method": ..., "params": {... "sig": ...}}   -> {"valid": bool}
Run by Tests/CallbackCoreTests/Providers/ProviderSDKTests.swift with the interpreter scripts/test prepares
(CALLBACK_TEST_PYTHON: a virtual environment with twilio, sendgrid and vonage from PyPI).
"""
import json
import sys
from urllib.parse import parse_qsl


class MultiDict(dict):
    """The form as the web frameworks Twilio's validator expects hand it over: .getall() for repeated names."""

    def __init__(self, pairs):
        super().__init__()
        self._pairs = list(pairs)
        for name, value in self._pairs:
            dict.__setitem__(self, name, value)

    def getall(self, name):
        return [value for key, value in self._pairs if key == name]


def form(body):
    return MultiDict(parse_qsl(body, keep_blank_values=True))


def answer(request):
    op = request["op"]
    if op in ("twilio-sign", "twilio-validate"):
        from twilio.request_validator import RequestValidator
        validator = RequestValidator(request["token"])
        if op == "twilio-sign":
            return {"signature": validator.compute_signature(request["url"], form(request["body"]))}
        return {"valid": validator.validate(request["url"], form(request["body"]), request["signature"])}
    if op in ("sendgrid-sign", "sendgrid-verify"):
        import base64
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import ec
        from sendgrid.helpers.eventwebhook import EventWebhook
        if op == "sendgrid-sign":
            key = ec.generate_private_key(ec.SECP256R1())
            public = base64.b64encode(key.public_key().public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)).decode()
            signature = base64.b64encode(key.sign((request["timestamp"] + request["payload"]).encode(), ec.ECDSA(hashes.SHA256()))).decode()
            helper = EventWebhook(public)
            return {"publicKey": public, "signature": signature,
                    "valid": helper.verify_signature(request["payload"], signature, request["timestamp"])}
        helper = EventWebhook(request["publicKey"])
        return {"valid": helper.verify_signature(request["payload"], request["signature"], request["timestamp"])}
    if op in ("vonage-sign", "vonage-check"):
        import hashlib
        import vonage
        method = request["method"]
        client = vonage.Client(key="key", secret="secret", signature_secret=request["secret"],
                               signature_method=None if method == "md5hash" else getattr(hashlib, method))
        params = dict(request["params"])
        if op == "vonage-sign":
            return {"sig": client.signature(params)}
        return {"valid": client.check_signature(params)}
    raise SystemExit(f"unknown op {op}")


def main():
    request = json.load(sys.stdin)
    return [answer(each) for each in request] if isinstance(request, list) else answer(request)


json.dump(main(), sys.stdout)
