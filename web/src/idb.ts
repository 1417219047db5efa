// A small promise wrapper over IndexedDB for the poll watcher's offline store: the poll
// book ("voters"), the strikes and undos not sent yet ("outbox"), what this device has struck
// ("struck") and a few facts ("meta"). One database per user, so a shared phone never
// mixes two watchers' queues.

const kStores = ["voters", "outbox", "struck", "meta"] as const;
export type StoreName = (typeof kStores)[number];

// The schema version. 2: the strike list's outbox holds undos as well as strikes (its
// migration, in views/watch.ts, marks the strikes queued under version 1).
const kVersion = 2;

// Rewrites what an older version stored, inside the upgrade transaction: `oldVersion` is 0
// for a new database. Runs before any other transaction can see the data.
export type Migration = (oldVersion: number, tx: IDBTransaction) => void;

function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export interface Change {
  store: StoreName;
  puts?: Array<[string, unknown]>;
  deletes?: string[];
}

export class LocalDb {
  private constructor(private readonly db: IDBDatabase) {}

  static open(name: string, migrate?: Migration): Promise<LocalDb> {
    return new Promise((resolve, reject) => {
      const req = indexedDB.open(name, kVersion);
      req.onupgradeneeded = (event) => {
        const db = req.result;
        for (const store of kStores) {
          if (!db.objectStoreNames.contains(store)) db.createObjectStore(store);
        }
        migrate?.(event.oldVersion, req.transaction!);
      };
      req.onsuccess = () => {
        // A newer page (another tab after a deployment) wants to upgrade: let it.
        req.result.onversionchange = () => req.result.close();
        resolve(new LocalDb(req.result));
      };
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
    return this.writeAll([{ store, puts, deletes }]);
  }

  // Changes to several stores in one transaction: all of them commit or none. The
  // transaction is started before this returns, so a later call's changes land after these.
  writeAll(changes: Change[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const tx = this.db.transaction([...new Set(changes.map((c) => c.store))], "readwrite");
      for (const { store, puts = [], deletes = [] } of changes) {
        const os = tx.objectStore(store);
        for (const [key, value] of puts) os.put(value, key);
        for (const key of deletes) os.delete(key);
      }
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  // Reads `keys` of one store and writes what `decide` makes of them, in one transaction,
  // so no other writer comes between the read and the write. Resolves with what was read
  // (absent keys are missing from the map) once the writes committed.
  update<T>(
    store: StoreName,
    keys: string[],
    decide: (found: Map<string, T>) => Omit<Change, "store">,
  ): Promise<Map<string, T>> {
    return new Promise((resolve, reject) => {
      const tx = this.db.transaction(store, "readwrite");
      const os = tx.objectStore(store);
      const found = new Map<string, T>();
      let left = keys.length;
      const apply = () => {
        const { puts = [], deletes = [] } = decide(found);
        for (const [key, value] of puts) os.put(value, key);
        for (const key of deletes) os.delete(key);
      };
      for (const key of keys) {
        const req = os.get(key);
        req.onsuccess = () => {
          if (req.result !== undefined) found.set(key, req.result as T);
          left -= 1;
          if (left === 0) apply();
        };
      }
      if (keys.length === 0) apply();
      tx.oncomplete = () => resolve(found);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }

  close(): void {
    this.db.close();
  }
}
