export { adfToText, textToAdf, type AdfNode } from './adf.js';
export { createJiraConnector, jqlDate } from './client.js';
export {
  JIRA_PRIORITY_MAP,
  JIRA_RESOLUTION_MAP,
  JIRA_STATUS_CATEGORY_MAP,
  JIRA_STATUS_MAP,
  type JiraMappingOptions,
  mapJiraIssue,
} from './mapper.js';
export {
  JIRA_PUSH_STATUS_TARGETS,
  JIRA_RESOLUTION_NAMES,
  type JiraAuth,
  type JiraConnectorOptions,
} from './options.js';
export { accountIdDirectory, type JiraUserDirectory, type JiraUserRef, storeUserDirectory } from './directory.js';
