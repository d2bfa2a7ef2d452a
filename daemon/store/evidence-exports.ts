import type { Db } from './database.js';

/**
 * An evidence package the daemon built and handed to its exporter's client (table
 * `evidence_exports`, migration 023). Whether the client wrote it is in the audit log
 * (`export_written`), not here.
 */
export interface EvidenceExportRecord {
  id: string;
  at: number;
  exportedBy: string;
  caseNumber: string;
  purposeCategory: string;
  /** Where the client said it goes; once the client confirms the write, the package's own path. */
  target: string;
  reads: number;
  hits: number;
  crops: number;
  manifestSha256: string;
}

/** The record of each evidence package exported (policy 424.4); releases refer to it by id. */
export class EvidenceExportStore {
  private readonly insertStmt;
  private readonly getStmt;
  private readonly setTargetStmt;

  /** @param db an open database (see openDatabase). */
  constructor(db: Db) {
    this.insertStmt = db.prepare(`INSERT INTO evidence_exports
        (id, at, exported_by, case_number, purpose_category, target, reads, hits, crops, manifest_sha256)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    this.getStmt = db.prepare(`SELECT id, at, exported_by AS exportedBy, case_number AS caseNumber,
        purpose_category AS purposeCategory, target, reads, hits, crops, manifest_sha256 AS manifestSha256
      FROM evidence_exports WHERE id = ?`);
    this.setTargetStmt = db.prepare('UPDATE evidence_exports SET target = ? WHERE id = ?');
  }

  get(id: string): EvidenceExportRecord | undefined {
    return this.getStmt.get(id) as EvidenceExportRecord | undefined;
  }

  /** Where the package was written, as its exporter's client confirmed; call in the transaction that audits it. */
  setTarget(id: string, target: string): void {
    this.setTargetStmt.run(target, id);
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
