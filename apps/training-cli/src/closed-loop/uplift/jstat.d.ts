/** The part of jStat (which ships no types) that the uplift statistics use. */
declare module 'jstat' {
  export const jStat: {
    readonly chisquare: { cdf(x: number, degreesOfFreedom: number): number };
    readonly studentt: { inv(p: number, degreesOfFreedom: number): number };
  };
}
