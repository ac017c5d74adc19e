/** Values the watch commands declare as flags (kept apart so declaring the commands loads no workflow). */

/** `log recog stats --by`: the second key of the counts. */
export const STATS_BY = ['hour', 'day', 'person'] as const;
export type StatsBy = (typeof STATS_BY)[number];
