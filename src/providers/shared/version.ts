/** Sent as the user agent of every upstream call. Kept in step with package.json by a test. */
export const FLEXIAI_VERSION = '0.1.0';
export const USER_AGENT = `flexiai/${FLEXIAI_VERSION}`;
