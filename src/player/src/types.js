// Shared JSDoc types of the SDK. No runtime code lives here.

/**
 * One auto-save ping as the API takes it. Positions are seconds, times epoch milliseconds on the server's clock.
 * @typedef {object} Ping
 * @property {string} courseId
 * @property {string} lectureId
 * @property {number} watchTime        position now
 * @property {number} [duration]
 * @property {number} clientTs         when the ping was made
 * @property {number} [segmentStart]   position last reported: [segmentStart, watchTime] was played
 * @property {number} [segmentStartTs] when playback from segmentStart began
 * @property {string} [sessionId]
 */

/**
 * A ping waiting in the queue. `sub` is the learner the ping belongs to (from the token, which itself is never
 * stored), so a queue shared by the origin is never drained with another learner's token.
 * @typedef {object} QueuedPing
 * @property {string} id     sorts in the order the pings were made
 * @property {string|null} sub
 * @property {string} tab    the tab that queued it
 * @property {Ping} ping
 */

/**
 * Where queued pings survive a closed tab. Shared by all tabs of an origin.
 * @typedef {object} PingStore
 * @property {string} kind                         'indexeddb' | 'localstorage' | 'memory'
 * @property {(items: QueuedPing[]) => Promise<void>} add
 * @property {() => Promise<QueuedPing[]>} list     oldest first
 * @property {(ids: string[]) => Promise<void>} remove
 */

/**
 * Time sources, injectable so tests need no real waiting. `now` is monotonic (played time is measured with it);
 * `wallNow` is the device's epoch clock, corrected by the server's `Date` before it is sent.
 * @typedef {object} Clock
 * @property {() => number} now
 * @property {() => number} wallNow
 * @property {(fn: () => void, ms: number) => unknown} setTimeout
 * @property {(handle: unknown) => void} clearTimeout
 */

/**
 * What the tracker needs from a player. `createMediaAdapter` implements it for an HTMLMediaElement; another
 * player implements these few members and passes the object as `media`.
 * @typedef {object} PlayerAdapter
 * @property {() => number} position        seconds
 * @property {() => number} duration        seconds, NaN while unknown
 * @property {() => boolean} paused
 * @property {() => boolean} hasMetadata
 * @property {(seconds: number) => void} seek
 * @property {(type: PlayerEvent, handler: () => void) => () => void} on   returns a function that removes the handler
 */

/** @typedef {'loadedmetadata'|'playing'|'pause'|'seeking'|'seeked'|'ratechange'|'ended'|'timeupdate'} PlayerEvent */

/**
 * What a sync indicator shows.
 * @typedef {object} SyncState
 * @property {number} pending            pings of this learner not yet acknowledged by the server
 * @property {number|null} lastSyncedAt  epoch ms of the last acknowledged send
 * @property {string|null} error         'auth' | 'network' | 'server' | 'rateLimited' | null
 * @property {number} retryInMs          wait before the next attempt, 0 when none
 * @property {boolean} online
 */

/** @typedef {(options?: {refresh?: boolean}) => string | null | undefined | Promise<string | null | undefined>} GetToken */

/** @typedef {import('./openapi.js').paths} ApiPaths */
/** @typedef {import('./openapi.js').components['schemas']} ApiSchemas */

/**
 * The JSON a route answers on success, as the service's OpenAPI document says (`src/openapi.d.ts`, generated from
 * it by `npm run types:api`): a route or field renamed in the service fails the type check here, not in a player.
 * @template {keyof ApiPaths} P
 * @template {'get' | 'post' | 'put'} [M='get']
 * @typedef {ApiPaths[P] extends Record<M, {responses: {200: {content: {'application/json': infer R}}}}> ? R : never} ApiJson
 */

/**
 * The JSON body a route takes.
 * @template {keyof ApiPaths} P
 * @template {'post' | 'put'} [M='post']
 * @typedef {ApiPaths[P] extends Record<M, {requestBody?: {content: {'application/json': infer B}}}> ? B : never} ApiBody
 */

/**
 * `T` must be `never`: a type-level assertion.
 * @template {never} T
 * @typedef {T} Never
 */

/**
 * Every field of a ping is one the API's ping takes, with a type it accepts.
 * @typedef {Never<Exclude<keyof Ping, keyof ApiSchemas['PingRequest']>>} PingFieldsKnownToTheApi
 */

export {};
