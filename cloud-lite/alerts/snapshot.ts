// Saves and restores a SequenceDetector (core/alerts/sequence.ts), so that a session's next batch
// continues from where the last one stopped instead of replaying the whole session. The core
// detector has no serialiser of its own (the guard never needs one), so this copies its fields
// as data: plain values, arrays, Maps and the instances of its helper class (Run), found by
// walking the objects. A snapshot is tagged with the detector's shape (the field names of the
// detector and of each class it holds); when a build changes the shape, an older snapshot no
// longer restores and the evaluator replays the session from its start instead.
import { SequenceDetector } from '../../core/alerts/sequence.ts';

interface Tagged {
  $map?: [unknown, unknown][];
  $obj?: string;
  fields?: Record<string, unknown>;
}

interface Snapshot {
  shape: string;
  detector: unknown;
}

/** The prototypes of the classes a fresh detector holds, by class name, and its shape. */
function describeFresh(): { prototypes: Map<string, object>; shape: string } {
  const prototypes = new Map<string, object>();
  const shapes: string[] = [];
  const visit = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    if (Array.isArray(v)) return v.forEach(visit);
    if (v instanceof Map) return v.forEach(visit);
    const proto = Object.getPrototypeOf(v) as object | null;
    if (proto !== null && proto !== Object.prototype) {
      const name = (proto.constructor as { name: string }).name;
      if (!prototypes.has(name)) {
        prototypes.set(name, proto);
        shapes.push(`${name}(${Object.keys(v).sort().join(',')})`);
      }
    }
    Object.values(v).forEach(visit);
  };
  visit(new SequenceDetector());
  return { prototypes, shape: shapes.sort().join(';') };
}

const FRESH = describeFresh();

function toData(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(toData);
  if (v instanceof Map) return { $map: [...v].map(([k, x]) => [toData(k), toData(x)]) } satisfies Tagged;
  const fields: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) fields[k] = toData(x);
  const proto = Object.getPrototypeOf(v) as object | null;
  if (proto === null || proto === Object.prototype) return { fields } satisfies Tagged;
  return { $obj: (proto.constructor as { name: string }).name, fields } satisfies Tagged;
}

class Unrestorable extends Error {}

function fromData(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(fromData);
  const t = v as Tagged;
  if (t.$map !== undefined) return new Map(t.$map.map(([k, x]) => [fromData(k), fromData(x)]));
  if (t.fields === undefined || typeof t.fields !== 'object') throw new Unrestorable();
  let target: Record<string, unknown>;
  if (t.$obj === undefined) {
    target = {};
  } else {
    const proto = FRESH.prototypes.get(t.$obj);
    if (proto === undefined) throw new Unrestorable();
    target = Object.create(proto) as Record<string, unknown>;
  }
  for (const [k, x] of Object.entries(t.fields)) target[k] = fromData(x);
  return target;
}

/** The detector's state as a JSON string. */
export function saveDetector(d: SequenceDetector): string {
  const s: Snapshot = { shape: FRESH.shape, detector: toData(d) };
  return JSON.stringify(s);
}

/** The detector saved by saveDetector, or null when the snapshot is not of this build's detector. */
export function restoreDetector(json: string): SequenceDetector | null {
  try {
    const s = JSON.parse(json) as Partial<Snapshot>;
    if (s.shape !== FRESH.shape) return null;
    const d = fromData(s.detector);
    if (!(d instanceof SequenceDetector)) return null;
    return d;
  } catch {
    return null;
  }
}
