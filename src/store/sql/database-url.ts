/** What a DATABASE_URL says without opening anything: its engine, and a form safe to print. Kept free of drivers. */

export type Engine = 'sqlite' | 'postgres' | 'mysql';

/** The engine a DATABASE_URL names, by its scheme (`mariadb://` is MySQL's protocol); undefined for anything else. */
export function engineOf(url: string): Engine | undefined {
  if (url.startsWith('sqlite:')) return 'sqlite';
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return 'postgres';
  if (url.startsWith('mysql://') || url.startsWith('mariadb://')) return 'mysql';
  return undefined;
}

/** What to say about a DATABASE_URL whose engine engineOf does not know. */
export function unsupportedDatabaseUrl(url: string): string {
  return `DATABASE_URL "${redactUrl(url)}" is not supported: use sqlite:PATH, postgres://…, mysql://… or mariadb://…`;
}

/** A URL safe to print: any password replaced, however it is spelt (empty user, '/' or '@' inside it). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password === '') return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    // Not a URL (sqlite:PATH has no password): mask anything between '//' and the last '@' to be safe.
    return url.replace(/\/\/[^/]*@/, '//***@');
  }
}
