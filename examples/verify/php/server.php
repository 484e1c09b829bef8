<?php
// A backend with one route, GET /whoami, behind WeappAuth\Verifier: php -S 127.0.0.1:8000 server.php
require __DIR__ . '/WeappAuthVerifier.php';

/** The two methods of a PSR-16 cache the verifier uses, in files: php -S keeps nothing between requests. */
final class FileCache
{
    private $dir;

    public function __construct(string $dir)
    {
        $this->dir = $dir;
    }

    public function get($key, $default = null)
    {
        $entry = @unserialize((string) @file_get_contents("$this->dir/$key"), ['allowed_classes' => false]);
        return is_array($entry) && $entry[0] >= time() ? $entry[1] : $default;
    }

    public function set($key, $value, $ttl = null): bool
    {
        return file_put_contents("$this->dir/$key", serialize([time() + $ttl, $value]), LOCK_EX) !== false;
    }
}

$verifier = new WeappAuth\Verifier(
    getenv('WEAPP_AUTH_JWKS_URL'), // https://auth.example.com/.well-known/jwks.json
    getenv('WEAPP_AUTH_APPID'),
    getenv('WEAPP_AUTH_ISSUER') ?: 'weapp-auth',
    (int) (getenv('WEAPP_AUTH_MAX_LIFETIME') ?: 900),
    new FileCache(getenv('WEAPP_AUTH_CACHE_DIR') ?: sys_get_temp_dir())
);
header('Content-Type: application/json; charset=utf-8');
try {
    $claims = $verifier->verifyHeader($_SERVER['HTTP_AUTHORIZATION'] ?? '');
    echo json_encode(['userId' => $claims['sub'], 'sessionId' => $claims['sid'], 'appid' => $claims['aud']]);
} catch (WeappAuth\TokenRejected $e) {
    http_response_code(401);
    echo json_encode(['error' => ['code' => $e->errorCode, 'message' => $e->getMessage()]]);
} catch (WeappAuth\KeysUnavailable $e) {
    http_response_code(503);
    echo json_encode(['error' => ['code' => 'AUTH_UNAVAILABLE', 'message' => 'cannot check the access token now; try again later']]);
}
