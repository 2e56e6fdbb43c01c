import type { BlobStore } from '../../blobs/blob-store.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { CatalogService } from '../catalog/catalog-service.ts';
import type { ClaimHooks } from './claim-lifecycle.ts';

/** What the claim use cases need from the composition root. */
export interface ClaimsDeps {
  db: Db;
  catalog: CatalogService;
  blobs: BlobStore;
  /** What the modules above claims do at its lifecycle's moments. */
  hooks: ClaimHooks;
  config: Pick<Config, 'publicUrl' | 'photoMaxBytes' | 'photoMaxPixels' | 'draftTtlHours' | 'claimLimits'>;
  /** Called after a commit that queued jobs, so an in-process worker picks them up at once. */
  jobsQueued?: () => void;
  /** Makes claim codes (default: random). Tests pass known codes, so OCR of the code is repeatable. */
  claimCode?: () => string;
}
