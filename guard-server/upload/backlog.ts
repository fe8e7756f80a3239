// A fresh backlog count for the CLI (no guard needed): folded events after upload/position.json.
import { FoldedEventReader } from '../../store/read/folded-events.ts';
import { loadSqlJs } from '../../store/sqljs.ts';
import { readPosition } from './state.ts';

export async function countBacklog(dataDir: string): Promise<number> {
  const reader = new FoldedEventReader(await loadSqlJs(), dataDir);
  try {
    return reader.backlog(readPosition(dataDir));
  } finally {
    reader.close();
  }
}
