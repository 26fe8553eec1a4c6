import type { ViewStateValue } from '@slack/bolt';

type StateValues = Record<string, Record<string, ViewStateValue>> | undefined;

/**
 * Typed readers over view.state.values. Slack omits untouched inputs and sends null for cleared
 * ones, so every reader returns undefined (or []) instead of throwing.
 */
export function readState(values: StateValues) {
  const get = (blockId: string, actionId: string): ViewStateValue | undefined =>
    values?.[blockId]?.[actionId];
  return {
    text(blockId: string, actionId: string): string | undefined {
      const v = get(blockId, actionId)?.value;
      return typeof v === 'string' && v.trim() !== '' ? v : undefined;
    },
    selected(blockId: string, actionId: string): { value: string; text: string } | undefined {
      const o = get(blockId, actionId)?.selected_option;
      return o ? { value: o.value, text: o.text?.text ?? o.value } : undefined;
    },
    selectedMany(blockId: string, actionId: string): { value: string; text: string }[] {
      return (get(blockId, actionId)?.selected_options ?? []).map((o) => ({
        value: o.value,
        text: o.text?.text ?? o.value,
      }));
    },
    date(blockId: string, actionId: string): string | undefined {
      return get(blockId, actionId)?.selected_date ?? undefined;
    },
    time(blockId: string, actionId: string): string | undefined {
      return get(blockId, actionId)?.selected_time ?? undefined;
    },
    user(blockId: string, actionId: string): string | undefined {
      return get(blockId, actionId)?.selected_user ?? undefined;
    },
    number(blockId: string, actionId: string): number | undefined {
      const v = get(blockId, actionId)?.value;
      if (typeof v !== 'string' || v.trim() === '') return undefined;
      const n = Number(v);
      return Number.isFinite(n) ? n : undefined;
    },
  };
}

export type StateReader = ReturnType<typeof readState>;
