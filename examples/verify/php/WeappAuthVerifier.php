<?php
// Verifies weapp-auth access tokens offline with PHP's sodium extension (PHP >= 7.4, no Composer package).
namespace WeappAuth;

/** A refused token: answer 401 with $errorCode (TOKEN_MISSING, TOKEN_INVALID, TOKEN_EXPIRED). */
final class TokenRejected extends \RuntimeException
{
    public $errorCode;

    public function __construct(string $errorCode, string $message)
    {
        parent::__construct($message);
        $this->errorCode = $errorCode;
    }
}

/** The key set cannot be fetched: answer 503, not 401 (a 401 sends every client into a new wx.login). */
final class KeysUnavailable extends \RuntimeException
{
}

final class Verifier
{
    const LEEWAY = 5; // seconds of clock difference tolerated for exp and iat: a few, not minutes
    const CACHE_KEY = 'weapp_auth_jwks';

    private $jwksUrl;
    private $appid;
    private $issuer;
    private $maxLifetime;
    private $cache;
    private $keySet; // ['at' => fetch time, 'keys' => [kid => 32-byte public key]]

    /**
     * $issuer is the server's TOKEN_ISSUER, $maxLifetime its ACCESS_TOKEN_TTL. $cache is any PSR-16 cache
     * (ThinkPHP/Laravel Cache::store(), Symfony Psr16Cache) so the key set is fetched once a minute, not on every
     * request; without one it lives as long as this object.
     */
    public function __construct(string $jwksUrl, string $appid, string $issuer = 'weapp-auth', int $maxLifetime = 900, $cache = null)
    {
        $this->jwksUrl = $jwksUrl;
        $this->appid = $appid;
        $this->issuer = $issuer;
        $this->maxLifetime = $maxLifetime;
        $this->cache = $cache;
    }

    /** The claims of the token in an Authorization header value: 'sub' is the user id, 'sid' the session, 'aud' the appid. */
    public function verifyHeader(string $authorization): array
    {
        if ($authorization === '') {
            throw new TokenRejected('TOKEN_MISSING', 'send the access token as "Authorization: Bearer <token>"');
        }
        if (!preg_match('/^Bearer +([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+) *$/i', $authorization, $m)) {
            throw self::invalid('the Authorization header is not a Bearer token');
        }
        [, $header64, $claims64, $signature64] = $m;

        $header = self::json($header64);
        if (($header['alg'] ?? null) !== 'EdDSA' || ($header['typ'] ?? null) !== 'at+jwt' || !is_string($header['kid'] ?? null)) {
            throw self::invalid('not a weapp-auth access token');
        }
        $key = $this->key($header['kid']);
        if ($key === null) {
            throw self::invalid('the access token was not signed by a key of the server');
        }
        $signature = self::base64url($signature64);
        if (strlen($signature) !== SODIUM_CRYPTO_SIGN_BYTES || !sodium_crypto_sign_verify_detached($signature, "$header64.$claims64", $key)) {
            throw self::invalid('the access token is not valid');
        }

        $claims = self::json($claims64);
        if (($claims['iss'] ?? null) !== $this->issuer || ($claims['aud'] ?? null) !== $this->appid) {
            throw self::invalid('the access token is not for this app');
        }
        if (!is_string($claims['sub'] ?? null) || !is_string($claims['sid'] ?? null) || !is_int($claims['iat'] ?? null) || !is_int($claims['exp'] ?? null)) {
            throw self::invalid('the access token lacks required claims');
        }
        $now = time();
        if ($claims['iat'] > $now + self::LEEWAY || $claims['exp'] - $claims['iat'] > $this->maxLifetime) {
            throw self::invalid('the access token was not issued the way the server issues them');
        }
        if ($now > $claims['exp'] + self::LEEWAY) {
            throw new TokenRejected('TOKEN_EXPIRED', 'the access token has expired; refresh it');
        }
        return $claims;
    }

    /** The key of a kid: the key set is cached for a minute (the server's max-age), and refetched (at most every 10 s) for an unknown kid. */
    private function key(string $kid): ?string
    {
        $set = $this->cache !== null ? $this->cache->get(self::CACHE_KEY) : $this->keySet;
        $age = is_array($set) ? time() - $set['at'] : null;
        if ($age === null || $age > 60 || (!isset($set['keys'][$kid]) && $age > 10)) {
            $set = ['at' => time(), 'keys' => $this->fetch()];
            if ($this->cache !== null) {
                $this->cache->set(self::CACHE_KEY, $set, 60);
            }
            $this->keySet = $set;
        }
        return $set['keys'][$kid] ?? null;
    }

    private function fetch(): array
    {
        $body = @file_get_contents($this->jwksUrl, false, stream_context_create(['http' => ['timeout' => 5]]));
        $jwks = $body === false ? null : json_decode($body, true);
        if (!is_array($jwks['keys'] ?? null)) {
            throw new KeysUnavailable("cannot fetch {$this->jwksUrl}");
        }
        $keys = [];
        foreach ($jwks['keys'] as $jwk) {
            $x = self::base64url(is_string($jwk['x'] ?? null) ? $jwk['x'] : '');
            if (($jwk['kty'] ?? null) === 'OKP' && ($jwk['crv'] ?? null) === 'Ed25519' && is_string($jwk['kid'] ?? null)
                && strlen($x) === SODIUM_CRYPTO_SIGN_PUBLICKEYBYTES) {
                $keys[$jwk['kid']] = $x;
            }
        }
        return $keys;
    }

    private static function json(string $part): array
    {
        $value = json_decode(self::base64url($part), true);
        if (!is_array($value)) {
            throw self::invalid('the access token is not valid');
        }
        return $value;
    }

    private static function base64url(string $text): string
    {
        return (string) base64_decode(strtr($text, '-_', '+/'), true);
    }

    private static function invalid(string $message): TokenRejected
    {
        return new TokenRejected('TOKEN_INVALID', $message);
    }
}
