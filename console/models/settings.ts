/**
 * Each operator's notification settings, kept in this browser's localStorage under the
 * operator's id (two operators sharing a computer keep their own).
 */
import { signal } from '@preact/signals';

export interface NotificationSettings {
  /** A short chime for a new chat and for a new message in one's chats. */
  sound: boolean;
  /** A desktop notification for the same, once the browser allows it. */
  desktop: boolean;
}

export const DEFAULT_SETTINGS: NotificationSettings = { sound: true, desktop: false };

export const settingsKey = (operatorId: string) => `confab-console:settings:${operatorId}`;

export function readSettings(storage: Storage, operatorId: string): NotificationSettings {
  try {
    const saved = JSON.parse(storage.getItem(settingsKey(operatorId)) ?? '{}') as Partial<NotificationSettings>;
    return {
      sound: typeof saved.sound === 'boolean' ? saved.sound : DEFAULT_SETTINGS.sound,
      desktop: typeof saved.desktop === 'boolean' ? saved.desktop : DEFAULT_SETTINGS.desktop,
    };
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

export function createSettingsModel(storage: Storage) {
  const settings = signal<NotificationSettings>({ ...DEFAULT_SETTINGS });
  let operatorId: string | null = null;
  return {
    settings,
    /** Loads the settings of the operator who just connected. */
    load(id: string) {
      operatorId = id;
      settings.value = readSettings(storage, id);
    },
    update(patch: Partial<NotificationSettings>) {
      settings.value = { ...settings.value, ...patch };
      if (operatorId) {
        try {
          storage.setItem(settingsKey(operatorId), JSON.stringify(settings.value));
        } catch {
          // Storage full or blocked: the setting still holds for this page.
        }
      }
    },
  };
}
