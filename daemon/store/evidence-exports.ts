import type { Db } from './database.js';

/** A written evidence package, as recorded (table `evidence_exports`, migration 023). */
export interface EvidenceExportRecord {
  id: string;
  at: number;
  exportedBy: string;
  caseNumber: string;
  purposeCategory: string;
  /** Where the package went. */
  target: string;
  reads: number;
  hits: number;
  crops: number;
  manifestSha256: string;
}

/** The record of each evidence package written (policy 424.4); releases refer to it by id. */
export class EvidenceExportStore {
  private readonly insertStmt;

  /** @param db an open database (see openDatabase). */
  constructor(db: Db) {
    this.insertStmt = db.prepare(`INSERT INTO evidence_exports
        (id, at, exported_by, case_number, purpose_category, target, reads, hits, crops, manifest_sha256)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  }

  /** Records a package; call in the transaction that audits it. */
  insert(e: EvidenceExportRecord): void {
    this.insertStmt.run(
      e.id,
      e.at,
      e.exportedBy,
      e.caseNumber,
      e.purposeCategory,
      e.target,
      e.reads,
      e.hits,
      e.crops,
      e.manifestSha256,
    );
  }
}
