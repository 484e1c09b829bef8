/** Milliseconds since the epoch. Injected everywhere time matters so tests can move it instead of waiting. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();
