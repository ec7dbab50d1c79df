import { Dexie } from 'dexie';
import { AfkStorageError } from '../errors/index.js';
import { type AfkDexie, DEXIE_SCHEMA_VERSION, declareSchema, SCHEMA_HISTORY } from './dexie-schema.js';
import { toStorageError } from './storage-errors.js';

/** Dexie stores version `v` as native IndexedDB version `v * 10`. */
const NATIVE_VERSION = DEXIE_SCHEMA_VERSION * 10;

export interface ConnectionConfig {
  name: string;
  indexedDB: IDBFactory;
  IDBKeyRange: typeof IDBKeyRange;
  durability: 'default' | 'strict' | 'relaxed';
  blockedTimeoutMs: number;
  /** Our open waits for other connections to close (`storage_blocked`). */
  onBlocked(error: AfkStorageError): void;
  /** Another connection upgrades or deletes the database; this one must close now. */
  onVersionChange(error: AfkStorageError): void;
}

/**
 * An `IDBFactory` that always opens at this build's version. Dexie 4 answers a `VersionError`
 * (the database is newer than its schema) by reopening without a version and patching the
 * schema it finds; that would let an old tab modify a newer database. With every open pinned
 * to our version, the `VersionError` stands and becomes `storage_version`.
 */
function versionPinned(factory: IDBFactory): Pick<IDBFactory, 'open' | 'deleteDatabase' | 'cmp'> & {
  databases?: () => Promise<IDBDatabaseInfo[]>;
} {
  return {
    open: (name: string, version?: number) => factory.open(name, version ?? NATIVE_VERSION),
    deleteDatabase: (name: string) => factory.deleteDatabase(name),
    cmp: (a: unknown, b: unknown) => factory.cmp(a, b),
    ...(typeof factory.databases === 'function' ? { databases: () => factory.databases() } : {}),
  };
}

/** The table set of each schema step (an AFK database holds exactly one of them). */
const AFK_TABLE_SETS: ReadonlyArray<ReadonlySet<string>> = (() => {
  const sets: Array<Set<string>> = [];
  const cur = new Set<string>();
  for (const step of SCHEMA_HISTORY) {
    for (const [table, spec] of Object.entries(step.stores)) {
      if (spec === null) cur.delete(table);
      else cur.add(table);
    }
    sets.push(new Set(cur));
  }
  return sets;
})();

/** True when `stores` are exactly the tables of some AFK schema step (or none at all). */
export function isAfkTableSet(stores: readonly string[]): boolean {
  if (stores.length === 0) return true;
  return AFK_TABLE_SETS.some((set) => set.size === stores.length && stores.every((t) => set.has(t)));
}

/**
 * Looks at an existing database without changing it: its native version and object stores, or
 * undefined when there is none. Opens without a version (no upgrade, never blocked); when the
 * database does not exist the creating upgrade is aborted, so nothing is created either.
 */
export function probeDatabase(
  factory: IDBFactory,
  name: string,
): Promise<{ version: number; stores: string[] } | undefined> {
  return new Promise((resolve, reject) => {
    let absent = false;
    const req = factory.open(name);
    req.onupgradeneeded = () => {
      absent = true;
      req.transaction?.abort();
    };
    req.onsuccess = () => {
      const db = req.result;
      const found = { version: db.version, stores: Array.from(db.objectStoreNames) };
      db.close();
      resolve(found);
    };
    req.onerror = (ev) => {
      if (absent) {
        ev.preventDefault();
        resolve(undefined);
      } else reject(req.error);
    };
  });
}

/**
 * One Dexie connection with the guards `DexieStore` needs: a newer database is refused
 * (`storage_version`), a blocked upgrade is reported and every caller waiting on it fails after
 * `blockedTimeoutMs` (`storage_blocked`) instead of hanging, and `versionchange` is handed to
 * the store (which closes) instead of Dexie's silent close-and-reopen.
 */
export class DexieConnection {
  readonly db: AfkDexie;
  private opening: Promise<void> | undefined;
  private opened = false;
  private blocked = false;
  private readonly waiters = new Set<() => void>();

  constructor(private readonly config: ConnectionConfig) {
    const db = new Dexie(config.name, {
      addons: [],
      indexedDB: versionPinned(config.indexedDB),
      IDBKeyRange: config.IDBKeyRange,
      chromeTransactionDurability: config.durability,
    }) as AfkDexie;
    declareSchema(db);
    db.on('blocked', (ev: IDBVersionChangeEvent) => {
      this.blocked = true;
      for (const arm of [...this.waiters]) arm();
      config.onBlocked(
        new AfkStorageError(
          'storage_blocked',
          `opening database "${config.name}" (schema v${DEXIE_SCHEMA_VERSION}) is blocked by another connection at v${ev.oldVersion / 10} that does not close (another tab?)`,
        ),
      );
      return false;
    });
    db.on('versionchange', (ev: IDBVersionChangeEvent) => {
      const to = ev.newVersion;
      config.onVersionChange(
        new AfkStorageError(
          'storage_closed',
          to
            ? `another connection is upgrading database "${config.name}" to schema v${to / 10}; this store closed (reload to use the new version)`
            : `another connection is deleting database "${config.name}"; this store closed`,
        ),
      );
      return false;
    });
    this.db = db;
  }

  /** Resolves once the database is open; never waits longer than `blockedTimeoutMs` once blocked. */
  ready(): Promise<AfkDexie> {
    if (this.opened) return Promise.resolve(this.db);
    if (!this.opening) this.opening = this.open();
    const opening = this.opening;
    return new Promise<AfkDexie>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const arm = () => {
        timer ??= setTimeout(() => {
          settle();
          reject(
            new AfkStorageError(
              'storage_blocked',
              `database "${this.config.name}" stayed blocked by another connection for ${this.config.blockedTimeoutMs} ms`,
            ),
          );
        }, this.config.blockedTimeoutMs);
      };
      const settle = () => {
        if (timer !== undefined) clearTimeout(timer);
        this.waiters.delete(arm);
      };
      if (this.blocked) arm();
      else this.waiters.add(arm);
      opening.then(
        () => {
          settle();
          resolve(this.db);
        },
        (e: unknown) => {
          settle();
          reject(e);
        },
      );
    });
  }

  close(): void {
    this.opened = false;
    this.db.close({ disableAutoOpen: true });
  }

  private async open(): Promise<void> {
    try {
      // Inspect first: Dexie would upgrade a foreign database of the same name in place and
      // delete its tables. Only a database AFK created (its tables, our version or older) opens.
      const found = await probeDatabase(this.config.indexedDB, this.config.name);
      if (found && found.version > NATIVE_VERSION) {
        throw new AfkStorageError(
          'storage_version',
          `database "${this.config.name}" has schema v${found.version / 10}, newer than this build's v${DEXIE_SCHEMA_VERSION}; it was left untouched`,
        );
      }
      if (found && !isAfkTableSet(found.stores)) {
        throw new AfkStorageError(
          'storage_foreign',
          `database "${this.config.name}" (version ${found.version}, tables ${found.stores.join(', ')}) was not created by AFK; it was left untouched (use another DexieStore name)`,
        );
      }
      await this.db.open();
    } catch (e) {
      this.opening = undefined;
      throw toStorageError(e, `open database "${this.config.name}"`);
    } finally {
      this.blocked = false;
    }
    const native = this.db.backendDB().version;
    if (native > NATIVE_VERSION) {
      this.close();
      throw new AfkStorageError(
        'storage_version',
        `database "${this.config.name}" has schema v${native / 10}, newer than this build's v${DEXIE_SCHEMA_VERSION}`,
      );
    }
    this.opened = true;
  }
}
