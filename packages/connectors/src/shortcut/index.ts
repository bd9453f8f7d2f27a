export { createShortcutConnector } from './client.js';
export {
  mapShortcutStory,
  SHORTCUT_PRIORITY_MAP,
  SHORTCUT_STATE_MAP,
  SHORTCUT_STATE_TYPE_MAP,
  type ShortcutMappingOptions,
  type ShortcutWorkflowState,
} from './mapper.js';
export { SHORTCUT_MAX_PAGE_SIZE, type ShortcutConnectorOptions, type ShortcutStoryFilter } from './options.js';
