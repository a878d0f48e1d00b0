/**
 * Runs `task` on every item with at most `limit` tasks in flight. After the first failure no new
 * task starts; the ones in flight finish, then the first error is thrown.
 */
export async function runConcurrently<Item>(
  items: readonly Item[],
  limit: number,
  task: (item: Item) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (failure === undefined && next < items.length) {
      const item = items[next] as Item;
      next += 1;
      try {
        await task(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure !== undefined) {
    throw failure.error;
  }
}

/**
 * Groups records by key, keeping their order inside each group. Records without a key form a
 * group each. Records of one image share a key, so processing groups concurrently keeps the
 * order per image.
 */
export function groupByKey<Message extends { key: string | null }>(
  messages: readonly Message[],
): Message[][] {
  const groups = new Map<string, Message[]>();
  const unkeyed: Message[][] = [];
  for (const message of messages) {
    if (message.key === null) {
      unkeyed.push([message]);
      continue;
    }

    const group = groups.get(message.key) ?? [];
    group.push(message);
    groups.set(message.key, group);
  }

  return [...groups.values(), ...unkeyed];
}
