/** Agile entity times (contact created_time, deal close_date, task due, note created_time). */
export type EpochSeconds = number;
/** Ticket times, ticket-note times, tagsWithTime.createdTime, viewed.viewed_time, dynamic-filter values. */
export type EpochMillis = number;

export function toEpochSec(date: Date): EpochSeconds {
  return Math.floor(date.getTime() / 1000);
}

export function fromEpochSec(seconds: EpochSeconds): Date {
  return new Date(seconds * 1000);
}

export function toEpochMs(date: Date): EpochMillis {
  return date.getTime();
}

export function fromEpochMs(ms: EpochMillis): Date {
  return new Date(ms);
}
