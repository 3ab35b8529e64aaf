// Words and numbers the charts show. Dates are read in the viewer's locale (Intl), while the data attributes beside
// them keep the ISO form; a calendar day ("2026-11-20") is formatted in UTC so no time zone moves it to another day.

/** @typedef {string | string[] | undefined} Locales undefined: the browser's language */

/**
 * A playback position as a clock: "0:05", "2:30", "12:07", "1:02:03" from an hour on.
 * @param {number} seconds
 */
export function formatClock(seconds) {
  const total = Math.max(0, Math.round(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/**
 * Whole minutes of a time, at least 1 for any time at all (so a day with 10 s of learning is not "0 minutes").
 * @param {number} seconds
 */
export function minutesOf(seconds) {
  return seconds > 0 ? Math.max(1, Math.round(seconds / 60)) : 0;
}

/**
 * "1 minute", "34 minutes", "1 h 05 min" from an hour on.
 * @param {number} seconds
 */
export function formatMinutes(seconds) {
  const minutes = minutesOf(seconds);
  if (minutes < 60) return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/**
 * A calendar day ("2026-11-20") in the viewer's words: "Nov 20, 2026" in en-US, "20 nov. 2026" in fr.
 * @param {string} isoDate
 * @param {Locales} [locale]
 * @param {Intl.DateTimeFormatOptions} [options]
 */
export function formatDay(isoDate, locale, options = { dateStyle: 'medium' }) {
  const date = new Date(`${isoDate}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return isoDate;
  return new Intl.DateTimeFormat(locale, { ...options, timeZone: 'UTC' }).format(date);
}

/**
 * An instant ("2026-11-20T09:05:07.1234567Z") as a readable local date and time: "Nov 20, 2026, 10:05 AM".
 * @param {string} isoInstant
 * @param {Locales} [locale]
 * @param {string} [timeZone] the viewer's zone unless told
 */
export function formatDateTime(isoInstant, locale, timeZone) {
  const date = parseInstant(isoInstant);
  if (!date) return isoInstant;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', ...(timeZone ? { timeZone } : {}) }).format(date);
}

/**
 * Parses an ISO instant, including .NET's seven fractional digits, which Date.parse may refuse.
 * @param {string} iso
 * @returns {Date | null}
 */
export function parseInstant(iso) {
  const trimmed = String(iso).replace(/(\.\d{3})\d+/, '$1');
  const date = new Date(trimmed);
  return Number.isNaN(date.getTime()) ? null : date;
}

/**
 * A share (0–1) as a whole percent in the viewer's locale: "75 %" / "75%".
 * @param {number} share
 * @param {Locales} [locale]
 */
export function formatPercent(share, locale) {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(share);
}
