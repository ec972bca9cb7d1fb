/** Unix seconds, as most providers put in payloads. */
export const unix = (ms: number): number => Math.floor(ms / 1000);
export const iso = (ms: number): string => new Date(ms).toISOString();
/** PayPal-style decimal string from minor units. */
export const decimal = (minor: number): string => (minor / 100).toFixed(2);
