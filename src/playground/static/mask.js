// Masks secrets before anything is shown: a person can still follow which token is which by its first
// characters, but the page never prints a whole token, code or session key.

/** Fields whose values are credentials, in our API's bodies and the simulator's. */
const SECRET_FIELDS = new Set([
  'accesstoken',
  'refreshtoken',
  'token',
  'sessionkey',
  'session_key',
  'encrypteddata',
  'code',
  // Douyin's tt.login code naming the device, and Alipay's my.getPhoneNumber answer (sealed, as encryptedData is).
  'anonymouscode',
  'response',
  'authorization',
]);

const JWT_SHAPE = /^(Bearer )?eyJ[\w-]*\.[\w-]*\.[\w-]*$/;

/**
 * `dzmGpS8x…` → `dzmGpS…`; a Bearer header keeps its scheme. Every JWT starts `eyJhbG`, so a JWT also keeps the
 * last 4 characters of its signature (24 of 512 bits): enough to tell two tokens apart, useless to anyone else.
 */
export function maskSecret(value) {
  if (typeof value !== 'string') return value;
  const [scheme, rest] = value.startsWith('Bearer ') ? ['Bearer ', value.slice(7)] : ['', value];
  if (rest.length <= 6) return `${scheme}${'•'.repeat(rest.length)}`;
  const tail = JWT_SHAPE.test(rest) && rest.length > 40 ? rest.slice(-4) : '';
  return `${scheme}${rest.slice(0, 6)}…${tail}`;
}

function isSecretField(key, parent) {
  // `{"error": {"code": "TOKEN_INVALID"}}`: an error's code is the one `code` that is not a credential.
  return SECRET_FIELDS.has(key.toLowerCase()) && !(parent === 'error' && key === 'code');
}

/** A deep copy of `value` with secret fields masked; any JWT-shaped string is masked wherever it sits. */
export function maskSecrets(value, parent = '') {
  if (Array.isArray(value)) return value.map((item) => maskSecrets(item, parent));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, isSecretField(key, parent) ? maskSecret(inner) : maskSecrets(inner, key)]),
    );
  }
  return typeof value === 'string' && JWT_SHAPE.test(value) ? maskSecret(value) : value;
}
