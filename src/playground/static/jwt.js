// Reads an access token's header and claims for display. Nothing is verified here: the server does that.
// The signature is dropped on purpose: it is the part that must not be shown.

function decodePart(part) {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
  return JSON.parse(new TextDecoder().decode(bytes));
}

/** `{header, payload}` of a JWT, or null when it is not one. */
export function decodeJwt(token) {
  const [header, payload] = String(token).split('.');
  if (header === undefined || payload === undefined) return null;
  try {
    return { header: decodePart(header), payload: decodePart(payload) };
  } catch {
    return null;
  }
}
