import { AgileError } from '../agile/index.js';

/** Pure: any error → words fit to show a Slack user. The one place failures become user words. */
export function describeAgileError(err: unknown): string {
  if (err instanceof AgileError) return err.userMessage;
  if (err instanceof Error && err.name === 'TimeoutError') {
    return 'the CRM did not answer in time — try again in a few minutes';
  }
  return 'something went wrong while talking to the CRM';
}
