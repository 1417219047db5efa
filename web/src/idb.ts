// A small promise wrapper over IndexedDB for the poll watcher's offline store: the poll
// book ("voters"), the strikes not sent yet ("outbox"), what this device has struck
// ("struck") and a few facts ("meta"). One database per user, so a shared phone never
// mixes two watchers' queues.

const kStores = ["voters", "outbox", "struck", "meta"] as const;
export type StoreName = (typeof kStores)[number];

function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export class LocalDb {
  private constructor(private readonly db: IDBDatabase) {}

  static open(name: string): Promise<LocalDb> {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(name, 1);
      req.onupgradeneeded = () => {
        const db = req.result;
        for (const store of kStores) {
          if (!db.objectStoreNames.contains(store)) db.createObjectStore(store);
        }
      };
      req.onsuccess = () => resolve(new LocalDb(req.result));
      req.onerror = () => reject(req.error);
    });
  }

  get<T>(store: StoreName, key: string): Promise<T | undefined> {
    return done(this.db.transaction(store).objectStore(store).get(key)) as Promise<T | undefined>;
  }

  all<T>(store: StoreName): Promise<T[]> {
    return done(this.db.transaction(store).objectStore(store).getAll()) as Promise<T[]>;
  }

  count(store: StoreName): Promise<number> {
    return done(this.db.transaction(store).objectStore(store).count());
  }

  // Writes and deletes in one transaction; resolves once it committed.
  write(
    store: StoreName,
    puts: Array<[string, unknown]>,
    deletes: string[] = [],
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const tx = this.db.transaction(store, "readwrite");
      const os = tx.objectStore(store);
      for (const [key, value] of puts) os.put(value, key);
      for (const key of deletes) os.delete(key);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  close(): void {
    this.db.close();
  }
}
