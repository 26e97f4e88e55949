/**
 * The machine check (bench/stats.ts machineCheck) as a process of its own. bench/run.ts runs it
 * here, not in its own heap: its 50,000 objects kept alive left V8 promoting each replay's state
 * into the old generation afterwards (2.7 MB a scavenge, growing the heap until a full collection
 * gave its pages back), and the page faults of that growth doubled the replay's median.
 */
import { machineCheck } from './stats';

machineCheck();
