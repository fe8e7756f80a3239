// Child process for scrub.adversarial.test.ts: scrubs one adversarial input (by index) and
// prints one JSON line with the verdict. Run in its own process so that a pattern that
// backtracks catastrophically can be killed by the parent's wall-clock bound.
import { ADVERSARIAL_INPUTS } from './adversarial-inputs.ts';

const index = Number(process.argv[2]);
const entry = ADVERSARIAL_INPUTS[index];
if (entry === undefined) {
  console.error(`no adversarial input #${process.argv[2]}`);
  process.exit(2);
}
const started = process.hrtime.bigint();
const output = entry.scrub(entry.input);
const ms = Number(process.hrtime.bigint() - started) / 1e6;
console.log(JSON.stringify({ family: entry.family, problem: entry.check(output), ms }));
