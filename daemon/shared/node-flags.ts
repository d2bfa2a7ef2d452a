/**
 * The node flags the daemon runs under: systemd/alpr-edge.service's ExecStart names them, and
 * whatever else starts the daemon (the benchmark, the tests, scripts/demo.ts) passes these.
 * --single-threaded-gc: V8's parallel GC helper threads cost ~10 ms of CPU per analysed frame on
 * the other core of a 2-core unit at the same wall time (scripts/vision-cpu.ts: 65–68 against
 * 58–59 ms with plate-rec-v3-pair). V8 refuses it once started, so it cannot be set from inside.
 * node-flags.test.ts checks that the unit, which names the flags itself, agrees.
 */
export const DAEMON_NODE_FLAGS = ['--single-threaded-gc'] as const;
