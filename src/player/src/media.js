/** @typedef {import('./types.js').PlayerAdapter} PlayerAdapter */

/**
 * The tracker's view of an HTMLMediaElement (`<video>` or `<audio>`).
 * @param {HTMLMediaElement} media
 * @returns {PlayerAdapter}
 */
export function createMediaAdapter(media) {
  return {
    position: () => media.currentTime,
    duration: () => media.duration,
    paused: () => media.paused,
    // HAVE_METADATA: duration and seeking work from here on.
    hasMetadata: () => media.readyState >= 1,
    seek: (seconds) => { media.currentTime = seconds; },
    on(type, handler) {
      media.addEventListener(type, handler);
      return () => media.removeEventListener(type, handler);
    },
  };
}

/**
 * @param {unknown} media
 * @returns {media is HTMLMediaElement}
 */
export function isMediaElement(media) {
  return typeof HTMLMediaElement !== 'undefined' && media instanceof HTMLMediaElement;
}
