"""Verifies weapp-auth access tokens offline, with PyJWT >= 2.0 and cryptography (Debian 12: python3-jwt 2.6).

WeappAuthMiddleware wraps any WSGI app (Flask: app.wsgi_app = WeappAuthMiddleware(app.wsgi_app, verifier));
the claims of a valid token are in environ["weapp_auth"]: {"sub": user id, "sid": session id, "aud": appid, ...}.
"""
import json
import re
import threading
import time
import urllib.request

import jwt

LEEWAY = 5  # seconds of clock difference tolerated for exp and iat: a few seconds, not minutes
BEARER = re.compile(r"^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+) *$", re.IGNORECASE)


class TokenRejected(Exception):
    """Answer 401 with this code: TOKEN_MISSING, TOKEN_INVALID or TOKEN_EXPIRED."""

    def __init__(self, code, message):
        super().__init__(message)
        self.code = code
        self.message = message


class KeysUnavailable(Exception):
    """The key set cannot be fetched: answer 503, not 401 (a 401 sends every client into a new wx.login)."""


class WeappAuthVerifier:
    def __init__(self, jwks_url, appid, issuer="weapp-auth", max_lifetime=900):
        self.jwks_url = jwks_url
        self.appid = appid
        self.issuer = issuer
        self.max_lifetime = max_lifetime  # the server's ACCESS_TOKEN_TTL
        self._lock = threading.Lock()
        self._keys = {}  # kid -> public key
        self._fetched_at = None

    def verify_header(self, authorization):
        if not authorization:
            raise TokenRejected("TOKEN_MISSING", 'send the access token as "Authorization: Bearer <token>"')
        match = BEARER.match(authorization)
        if match is None:
            raise TokenRejected("TOKEN_INVALID", "the Authorization header is not a Bearer token")
        return self.verify(match.group(1))

    def verify(self, token):
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise TokenRejected("TOKEN_INVALID", "the access token is not valid")
        if header.get("alg") != "EdDSA" or header.get("typ") != "at+jwt" or not isinstance(header.get("kid"), str):
            raise TokenRejected("TOKEN_INVALID", "not a weapp-auth access token")
        key = self._key(header["kid"])
        if key is None:
            raise TokenRejected("TOKEN_INVALID", "the access token was not signed by a key of the server")
        try:
            claims = jwt.decode(
                token, key, algorithms=["EdDSA"], audience=self.appid, issuer=self.issuer, leeway=LEEWAY,
                options={"require": ["iss", "aud", "sub", "sid", "iat", "exp"]},
            )
        except jwt.ExpiredSignatureError:
            raise TokenRejected("TOKEN_EXPIRED", "the access token has expired; refresh it")
        except jwt.PyJWTError:  # signature, audience, issuer, iat in the future, missing claims
            raise TokenRejected("TOKEN_INVALID", "the access token is not valid")
        if claims["exp"] - claims["iat"] > self.max_lifetime:
            raise TokenRejected("TOKEN_INVALID", "the access token lives longer than the server issues them")
        return claims

    def _key(self, kid):
        with self._lock:
            now = time.monotonic()
            age = None if self._fetched_at is None else now - self._fetched_at
            # Cached for a minute (the server's max-age); a kid we do not know (a rotation) refetches, at most every 10 s.
            if age is None or age > 60 or (kid not in self._keys and age > 10):
                self._keys = self._fetch()
                self._fetched_at = now
            return self._keys.get(kid)

    def _fetch(self):
        try:
            with urllib.request.urlopen(self.jwks_url, timeout=5) as response:
                jwks = json.load(response)
            return {
                jwk["kid"]: jwt.PyJWK(jwk, "EdDSA").key
                for jwk in jwks["keys"]
                if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519" and isinstance(jwk.get("kid"), str)
            }
        except Exception as error:  # unreachable, timeout, HTTP error, not a key set
            raise KeysUnavailable(f"cannot fetch {self.jwks_url}: {error}") from error


class WeappAuthMiddleware:
    """WSGI middleware: refuses requests without a valid access token, with the server's error JSON."""

    def __init__(self, app, verifier):
        self.app = app
        self.verifier = verifier

    def __call__(self, environ, start_response):
        try:
            environ["weapp_auth"] = self.verifier.verify_header(environ.get("HTTP_AUTHORIZATION", ""))
        except TokenRejected as error:
            return self._answer(start_response, "401 Unauthorized", error.code, error.message)
        except KeysUnavailable:
            return self._answer(start_response, "503 Service Unavailable", "AUTH_UNAVAILABLE",
                                "cannot check the access token now; try again later")
        return self.app(environ, start_response)

    @staticmethod
    def _answer(start_response, status, code, message):
        body = json.dumps({"error": {"code": code, "message": message}}).encode("utf-8")
        start_response(status, [("Content-Type", "application/json; charset=utf-8"), ("Content-Length", str(len(body)))])
        return [body]
