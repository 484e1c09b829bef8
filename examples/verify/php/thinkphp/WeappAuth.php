<?php
// app/middleware/WeappAuth.php: register in app/middleware.php or on a route group.
// Needs WeappAuthVerifier.php loaded (composer.json "autoload": {"files": ["extend/WeappAuthVerifier.php"]}).
namespace app\middleware;

use think\facade\Cache;
use WeappAuth\KeysUnavailable;
use WeappAuth\TokenRejected;
use WeappAuth\Verifier;

class WeappAuth
{
    public function handle($request, \Closure $next)
    {
        $verifier = new Verifier(
            'https://auth.example.com/.well-known/jwks.json',
            'wx0123456789abcdef', // your appid
            'weapp-auth',         // the server's TOKEN_ISSUER
            900,                  // the server's ACCESS_TOKEN_TTL
            Cache::store()        // the key set is fetched once a minute, not on every request
        );
        try {
            $request->auth = $verifier->verifyHeader($request->header('authorization', ''));
        } catch (TokenRejected $e) {
            return json(['error' => ['code' => $e->errorCode, 'message' => $e->getMessage()]], 401);
        } catch (KeysUnavailable $e) {
            return json(['error' => ['code' => 'AUTH_UNAVAILABLE', 'message' => 'cannot check the access token now; try again later']], 503);
        }
        return $next($request); // $request->auth['sub']: user id, ['sid']: session id
    }
}
