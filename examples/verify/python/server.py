"""A backend with one route, GET /whoami, behind WeappAuthMiddleware (run: python3 server.py)."""
import json
import os
from wsgiref.simple_server import WSGIRequestHandler, make_server

from weapp_auth import WeappAuthMiddleware, WeappAuthVerifier


def whoami(environ, start_response):
    claims = environ["weapp_auth"]
    body = json.dumps({"userId": claims["sub"], "sessionId": claims["sid"], "appid": claims["aud"]}).encode("utf-8")
    start_response("200 OK", [("Content-Type", "application/json; charset=utf-8")])
    return [body]


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


verifier = WeappAuthVerifier(
    os.environ["WEAPP_AUTH_JWKS_URL"],  # https://auth.example.com/.well-known/jwks.json
    os.environ["WEAPP_AUTH_APPID"],
    os.environ.get("WEAPP_AUTH_ISSUER", "weapp-auth"),
    int(os.environ.get("WEAPP_AUTH_MAX_LIFETIME", "900")),
)
server = make_server("127.0.0.1", int(os.environ.get("PORT", "8000")), WeappAuthMiddleware(whoami, verifier),
                     handler_class=QuietHandler)
print(f"listening on {server.server_port}", flush=True)
server.serve_forever()
