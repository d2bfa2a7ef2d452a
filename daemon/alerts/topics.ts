/**
 * Every MQTT topic this unit publishes, in one place (STYLE rule 11). Receivers subscribe to
 * `<prefix>/+/hits` for a fleet or `<prefix>/<unit>/#` for one unit.
 */
export interface Topics {
  /** QoS 1, not retained: one versioned JSON message per hit, through the durable outbox. */
  hits: string;
  /** QoS 1, retained: `online` on connect, `offline` as the last will and on clean stop. */
  status: string;
  /** QoS 0, not retained: telemetry every health.interval_s. */
  health: string;
  /** QoS 1, not retained, optional (mqtt.publish_reads): every read, through the outbox. */
  reads: string;
  /** QoS 1, retained: the audit log's head `{unit, seq, mac, time}` (daemon/audit/head-publisher.ts). */
  audit: string;
}

export function topicsFor(prefix: string, unitId: string): Topics {
  if (/[+#]/.test(prefix) || /[+#/]/.test(unitId))
    throw new Error('MQTT topic prefix and unit id may not contain wildcards');
  const base = `${prefix}/${unitId}`;
  return {
    hits: `${base}/hits`,
    status: `${base}/status`,
    health: `${base}/health`,
    reads: `${base}/reads`,
    audit: `${base}/audit`,
  };
}
