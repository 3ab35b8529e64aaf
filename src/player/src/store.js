/** @typedef {import('./types.js').QueuedPing} QueuedPing */
/** @typedef {import('./types.js').PingStore} PingStore */

/** @returns {PingStore} pings that live as long as the page */
export function memoryStore() {
  /** @type {Map<string, QueuedPing>} */
  const items = new Map();
  return {
    kind: 'memory',
    async add(list) { for (const item of list) items.set(item.id, item); },
    async list() { return [...items.values()].sort(byId); },
    async remove(ids) { for (const id of ids) items.delete(id); },
  };
}

/**
 * A queue in Web Storage: survives the tab, but a read-modify-write of one key, so two tabs writing at the same
 * moment can lose one's change. Used only where IndexedDB is missing.
 * @param {Storage} storage
 * @param {string} key
 * @returns {PingStore}
 */
export function webStorageStore(storage, key) {
  /** @returns {QueuedPing[]} */
  const read = () => {
    try {
      const parsed = JSON.parse(storage.getItem(key) ?? '[]');
      return Array.isArray(parsed) ? parsed : [];
    } catch {
      return [];
    }
  };
  /** @param {QueuedPing[]} list */
  const write = (list) => {
    if (list.length) storage.setItem(key, JSON.stringify(list));
    else storage.removeItem(key);
  };
  return {
    kind: 'localstorage',
    async add(list) {
      const ids = new Set(list.map((i) => i.id));
      write([...read().filter((i) => !ids.has(i.id)), ...list].sort(byId));
    },
    async list() { return read().sort(byId); },
    async remove(ids) {
      const gone = new Set(ids);
      write(read().filter((i) => !gone.has(i.id)));
    },
  };
}

/**
 * A queue in IndexedDB: shared by the origin's tabs, transactional, and still there after a crash or a discard.
 * @param {IDBFactory} factory
 * @param {string} name
 * @returns {Promise<PingStore>}
 */
export async function indexedDbStore(factory, name) {
  const db = await new Promise((resolve, reject) => {
    const open = factory.open(name, 1);
    open.onupgradeneeded = () => open.result.createObjectStore('pings', { keyPath: 'id' });
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
    open.onblocked = () => reject(new Error('IndexedDB blocked'));
  });
  /** @type {(mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest | void) => Promise<any>} */
  const run = (mode, work) => new Promise((resolve, reject) => {
    const tx = db.transaction('pings', mode);
    const request = work(tx.objectStore('pings'));
    tx.oncomplete = () => resolve(request ? request.result : undefined);
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
  return {
    kind: 'indexeddb',
    add: (list) => run('readwrite', (store) => { for (const item of list) store.put(item); }),
    // Keys are ordered, so getAll answers oldest first.
    list: () => run('readonly', (store) => store.getAll()),
    remove: (ids) => run('readwrite', (store) => { for (const id of ids) store.delete(id); }),
  };
}

/**
 * The most durable queue this browser offers: IndexedDB, else localStorage, else memory.
 * @param {string} name
 * @param {{indexedDB?: IDBFactory | null, localStorage?: Storage | null}} [env]
 * @returns {Promise<PingStore>}
 */
export async function openStore(name, env = {}) {
  const idb = 'indexedDB' in env ? env.indexedDB : globalThis.indexedDB;
  if (idb) {
    try {
      return await indexedDbStore(idb, name);
    } catch {
      // Private modes and some embedded views refuse IndexedDB; fall through.
    }
  }
  try {
    const storage = 'localStorage' in env ? env.localStorage : globalThis.localStorage;
    if (storage) {
      storage.setItem(`${name}:probe`, '1');
      storage.removeItem(`${name}:probe`);
      return webStorageStore(storage, name);
    }
  } catch {
    // Storage disabled or full.
  }
  return memoryStore();
}

/** @param {QueuedPing} a @param {QueuedPing} b */
function byId(a, b) {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
