/** Time as the core sees it. Tests pass a controllable clock; production uses the system's. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Stored timestamps are ISO 8601 UTC with milliseconds, so text order is time order on both engines. */
export const toStoredTime = (date: Date): string => date.toISOString();
