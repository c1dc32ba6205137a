// Batch extraction core, shared by the Node CLI (scripts/extract.ts) and the browser batch view.
export * from './types.ts';
export * from './input.ts';
export * from './ids.ts';
export * from './shard.ts';
export * from './rows.ts';
export * from './aggregate.ts';
export * from './runner.ts';
export * from './memoryStore.ts';
