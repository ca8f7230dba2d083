// Clock times in a machine's own time zone, computed here with Intl (not with the dashboard's
// code, which is what the specs check): a maintenance window around "now" in one zone, and a zone
// whose local time is far from this host's, so a window open there is closed here and the reverse.

/** This process's zone, which the dashboard and Chromium started by the specs share. */
export const hostTimeZone = Intl.DateTimeFormat().resolvedOptions().timeZone;

const minutesPerDay = 24 * 60;

export function localMinuteOfDay(timeZone: string, at: Date): number {
  const parts = new Intl.DateTimeFormat("en-US", { timeZone, hour: "numeric", minute: "numeric", hourCycle: "h23" }).formatToParts(at);
  const part = (type: string) => Number(parts.find((candidate) => candidate.type === type)?.value ?? Number.NaN);
  return part("hour") * 60 + part("minute");
}

/** "HH:MM" of a minute of the day (wrapped into 0…1439), as the form's time inputs take it. */
function clockTime(minute: number): string {
  const wrapped = ((minute % minutesPerDay) + minutesPerDay) % minutesPerDay;
  return `${String(Math.floor(wrapped / 60)).padStart(2, "0")}:${String(wrapped % 60).padStart(2, "0")}`;
}

export interface ClockWindow {
  start: string;
  end: string;
}

/** A window in `timeZone`'s local time that opened `openedMinutesAgo` and closes in `closesInMinutes`. */
export function windowAround(timeZone: string, at: Date, openedMinutesAgo: number, closesInMinutes: number): ClockWindow {
  const now = localMinuteOfDay(timeZone, at);
  return { start: clockTime(now - openedMinutesAgo), end: clockTime(now + closesInMinutes) };
}

/** Whether `window` is open at `at` in `timeZone` (an end before the start spans midnight). */
export function windowOpen(window: ClockWindow, timeZone: string, at: Date): boolean {
  const minute = localMinuteOfDay(timeZone, at);
  const [start, end] = [window.start, window.end].map((time) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3)));
  if (start === undefined || end === undefined) throw new Error("A window has a start and an end.");
  if (start === end) return true;
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** Of zones far apart around the world, the one whose local time is furthest from this host's. */
export function farTimeZone(at: Date): string {
  const host = localMinuteOfDay(hostTimeZone, at);
  const distance = (timeZone: string) => {
    const apart = Math.abs(localMinuteOfDay(timeZone, at) - host);
    return Math.min(apart, minutesPerDay - apart);
  };
  const candidates = ["Pacific/Kiritimati", "Asia/Tokyo", "America/Los_Angeles", "Pacific/Pago_Pago"];
  return candidates.reduce((best, candidate) => (distance(candidate) > distance(best) ? candidate : best));
}
