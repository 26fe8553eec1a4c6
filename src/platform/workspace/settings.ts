import { z } from 'zod';

/**
 * What a workspace's admins can change in App Home (the permission model's switches). Every mode starts
 * from the defaults: the strictest sensible choice.
 */
export const workspaceSettingsSchema = z.object({
  /** Digest Complete / Snooze by any member, not only the task's owner. */
  anyMemberCompletesTasks: z.boolean().default(false),
  /** Guests (single- and multi-channel) may use the bot. */
  guestsAllowed: z.boolean().default(false),
  /** Contact cards and link unfurls may be shared into channels shared with other organisations. */
  externalChannelsAllowed: z.boolean().default(false),
});

export type WorkspaceSettings = z.infer<typeof workspaceSettingsSchema>;

export const DEFAULT_SETTINGS: WorkspaceSettings = workspaceSettingsSchema.parse({});

/** Stored JSON → settings; unknown or missing keys fall back to the defaults. */
export function parseSettings(json: string | null | undefined): WorkspaceSettings {
  if (!json) return DEFAULT_SETTINGS;
  try {
    const parsed = workspaceSettingsSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : DEFAULT_SETTINGS;
  } catch {
    return DEFAULT_SETTINGS;
  }
}
