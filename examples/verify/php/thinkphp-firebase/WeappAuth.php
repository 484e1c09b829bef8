<?php
// app/middleware/WeappAuth.php, with firebase/php-jwt: composer require "firebase/php-jwt:^6.7 || ^7.0"
// (before 6.7 it cannot read Ed25519 keys: every request fails with "No supported algorithms found in JWK Set").
namespace app\middleware;

use Firebase\JWT\ExpiredException;
use Firebase\JWT\JWK;
use Firebase\JWT\JWT;
use think\facade\Cache;

class WeappAuth
{
    const JWKS_URL = 'https://auth.example.com/.well-known/jwks.json';
    const APPID = 'wx0123456789abcdef';
    const ISSUER = 'weapp-auth'; // the server's TOKEN_ISSUER
    const MAX_LIFETIME = 900;    // the server's ACCESS_TOKEN_TTL

    public function handle($request, \Closure $next)
    {
        $header = $request->header('authorization', '');
        if ($header === '') {
            return $this->answer(401, 'TOKEN_MISSING', 'send the access token as "Authorization: Bearer <token>"');
        }
        if (!preg_match('/^Bearer +([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+) *$/i', $header, $m)) {
            return $this->answer(401, 'TOKEN_INVALID', 'the Authorization header is not a Bearer token');
        }
        $head = json_decode(JWT::urlsafeB64Decode(explode('.', $m[1])[0]), true);
        if (($head['alg'] ?? null) !== 'EdDSA' || ($head['typ'] ?? null) !== 'at+jwt' || !is_string($head['kid'] ?? null)) {
            return $this->answer(401, 'TOKEN_INVALID', 'not a weapp-auth access token');
        }
        try {
            $keys = $this->keys($head['kid']);
        } catch (\RuntimeException $e) {
            return $this->answer(503, 'AUTH_UNAVAILABLE', 'cannot check the access token now; try again later');
        }
        JWT::$leeway = 5;
        try {
            $claims = JWT::decode($m[1], $keys); // the signature with the kid's key, exp, iat and nbf
        } catch (ExpiredException $e) {
            return $this->answer(401, 'TOKEN_EXPIRED', 'the access token has expired; refresh it');
        } catch (\Exception $e) {
            return $this->answer(401, 'TOKEN_INVALID', 'the access token is not valid');
        }
        if (($claims->iss ?? null) !== self::ISSUER || ($claims->aud ?? null) !== self::APPID
            || !is_string($claims->sub ?? null) || !is_string($claims->sid ?? null)
            || !is_int($claims->iat ?? null) || !is_int($claims->exp ?? null) || $claims->exp - $claims->iat > self::MAX_LIFETIME) {
            return $this->answer(401, 'TOKEN_INVALID', 'the access token is not for this app');
        }
        $request->auth = $claims; // $claims->sub: user id, $claims->sid: session id
        return $next($request);
    }

    /** kid => Key. The key set is cached for a minute (the server's max-age), and refetched (at most every 10 s) for an unknown kid. */
    private function keys(string $kid): array
    {
        $jwks = Cache::get('weapp_auth_jwks');
        $known = is_array($jwks) && in_array($kid, array_column($jwks['keys'], 'kid'), true);
        if (!is_array($jwks) || (!$known && !Cache::has('weapp_auth_jwks_recent'))) {
            $body = @file_get_contents(self::JWKS_URL, false, stream_context_create(['http' => ['timeout' => 5]]));
            $jwks = $body === false ? null : json_decode($body, true);
            if (!is_array($jwks['keys'] ?? null)) {
                throw new \RuntimeException('the key set cannot be fetched');
            }
            Cache::set('weapp_auth_jwks', $jwks, 60);
            Cache::set('weapp_auth_jwks_recent', 1, 10);
        }
        return JWK::parseKeySet($jwks);
    }

    private function answer(int $status, string $code, string $message)
    {
        return json(['error' => ['code' => $code, 'message' => $message]], $status);
    }
}
