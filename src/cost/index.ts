export { MODEL_CATALOG, type CatalogEntry } from './model-catalog.js';
export { computeCost, type CostResult } from './compute-cost.js';
export { PriceBook } from './price-book.js';
export type { CostEstimate, RouteTarget } from './cost-tracker.js';
export {
  buildCostReport,
  COST_GROUP_KEYS,
  type CostGroupKey,
  type CostReport,
  type CostReportOptions,
  type CostReportRow,
} from './cost-report.js';
export {
  ledgerEntrySchema,
  type LedgerEntry,
  type LedgerRange,
  type LedgerRead,
  type LedgerSink,
} from './ledger-entry.js';
export { FileLedger } from './file-ledger.js';
export { MemoryLedger } from './memory-ledger.js';
export { formatPico, picoToUsd, usdToPico } from './money.js';
