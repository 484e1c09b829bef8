/** The HTTP statuses an error code may be answered with: a typo (4001) fails to compile. */
export type ErrorStatus = 400 | 401 | 403 | 404 | 405 | 413 | 415 | 429 | 500 | 502 | 503 | 504;

/** A group of error codes, each with the status it is answered with. */
export type ErrorCodeGroup = Readonly<Record<string, ErrorStatus>>;

/** Stable codes are SCREAMING_SNAKE_CASE; a lower-case letter in a name fails to compile. */
type UpperCaseNames<Group> = { readonly [Code in keyof Group]: Code extends Uppercase<Code & string> ? Group[Code] : never };

/**
 * Declares a group of error codes with each one's HTTP status beside it (Better Auth's `defineErrorCodes`, with the
 * status where Better Auth keeps a message), so a code cannot exist without its status. The literal types are kept:
 * `ERROR_STATUS.TOKEN_EXPIRED` is `401`, not `number`.
 */
export function defineErrorCodes<const Group extends ErrorCodeGroup>(group: Group & UpperCaseNames<Group>): Group {
  return group;
}

type Merged<Groups extends readonly ErrorCodeGroup[]> = Groups extends readonly [infer Head, ...infer Tail extends ErrorCodeGroup[]]
  ? Head & Merged<Tail>
  : unknown;

/**
 * The groups as one table. A code declared by two groups is refused when the module loads: with a plain spread the
 * later group would silently change the other's status.
 */
export function mergeErrorCodes<const Groups extends readonly ErrorCodeGroup[]>(...groups: Groups): Readonly<Merged<Groups>> {
  const merged: Record<string, ErrorStatus> = {};
  for (const group of groups) {
    for (const code of Object.keys(group)) {
      if (Object.prototype.hasOwnProperty.call(merged, code)) throw new Error(`error code ${code} is declared by two groups`);
      merged[code] = group[code] as ErrorStatus;
    }
  }
  return merged as Merged<Groups>;
}
