// `warden-guard scrub`: each stdin line scrubbed to stdout. JSON lines stay JSON.
import { scrubLine } from '../../core/scrub/scrubber.ts';
import { UsageError } from './index.ts';
import { stdinLines, writeOut } from './lines.ts';

const HELP = `Usage: warden-guard scrub < input > output
Reads NDJSON (or plain text) lines on stdin and writes each line scrubbed: secrets, tokens,
emails, phone numbers and card numbers are replaced by [REDACTED], [email_redacted],
[phone_redacted] and [card_redacted]. JSON lines are scrubbed value by value and stay JSON.
Percent-encoded values (once or twice) are decoded for detection, exactly as the guard does.
`;

export async function runScrub(args: string[]): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(HELP);
    return 0;
  }
  if (args.length > 0) throw new UsageError(`scrub takes no arguments, got "${args[0]!.slice(0, 40)}"`);
  for await (const line of stdinLines()) await writeOut(scrubLine(line) + '\n');
  return 0;
}
