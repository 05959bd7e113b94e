import type { z } from 'zod';
import type { ChannelSpec, Envelope } from './channel.js';
import { appChannels } from './contract/app-channels.js';
import type { AppInfo, SchedulerStatus, VaultStatus } from './contract/app-channels.js';
import { taskChannels } from './contract/task-channels.js';
import type { PreviewRun, SchedulePreview, TaskView } from './contract/task-channels.js';
import { historyChannels } from './contract/history-channels.js';
import type {
  CacheEntry,
  DashboardStats,
  Page,
  RunSummary,
  SessionView,
} from './contract/history-channels.js';
import { transferChannels } from './contract/transfer-channels.js';
import type {
  ImportRow,
  TransferExport,
  TransferImportResult,
  TransferPreview,
} from './contract/transfer-channels.js';
import { settingsChannels } from './contract/settings-channels.js';
import type { Settings, SettingsPatch, UpdateStatus } from './contract/settings-channels.js';
import { alertChannels } from './contract/alert-channels.js';
import type {
  AlertSettings,
  AlertView,
  Incident,
  TaskAlerts,
  TaskAlertsView,
} from './contract/alert-channels.js';
import { clusterChannels } from './contract/cluster-channels.js';
import type { ClusterStatus, ClusterView } from './contract/cluster-channels.js';
import { searchChannels } from './contract/search-channels.js';
import type { SearchHit, SearchResult, SearchSnippet } from './contract/search-channels.js';
import { timelineChannels } from './contract/timeline-channels.js';
import type {
  TimelineComing,
  TimelineDst,
  TimelinePastRun,
  TimelineRange,
  TimelineTask,
  TimelineWindow,
} from './contract/timeline-channels.js';
import type { EventMap } from './contract/event-map.js';

/**
 * The contract: every channel the renderer, the headless API and the CLI may call, with its
 * request schema and response type. Each group lives in main/api/contract/ beside the views it
 * answers with; this file joins them and derives the types handlers and clients are checked
 * against. A channel is named only there.
 */
const contract = {
  ...appChannels,
  ...taskChannels,
  ...historyChannels,
  ...transferChannels,
  ...settingsChannels,
  ...alertChannels,
  ...clusterChannels,
  ...searchChannels,
  ...timelineChannels,
} as const satisfies Record<string, ChannelSpec<z.ZodType, unknown>>;

// Types derived from the contract.
type Contract = typeof contract;
type Channel = keyof Contract;
type EventName = keyof EventMap;
/** What a caller may send (defaults not yet applied). */
type RequestOf<C extends Channel> = z.input<Contract[C]['request']>;
/** What a handler receives (validated, defaults applied). */
type ParsedRequestOf<C extends Channel> = z.output<Contract[C]['request']>;
type ResponseOf<C extends Channel> = NonNullable<Contract[C]['__response']>;

/** The server side: one handler per channel. */
type Handlers = { [C in Channel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> };

/** The client side: what the renderer calls, the same in Electron and in a browser. */
type Api = {
  [C in Channel]: (
    ...request: undefined extends RequestOf<C> ? [request?: RequestOf<C>] : [request: RequestOf<C>]
  ) => Promise<ResponseOf<C>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
};

/**
 * What the preload exposes as `window.crontray`: the same channels, answering envelopes. Electron's
 * contextBridge passes only an Error's message across worlds, so errors travel as data and the
 * renderer rebuilds them as ApiError (renderer/src/api/bridge-client.ts).
 */
type Bridge = {
  [C in Channel]: (
    ...request: undefined extends RequestOf<C> ? [request?: RequestOf<C>] : [request: RequestOf<C>]
  ) => Promise<Envelope<ResponseOf<C>>>;
} & {
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
};

const channels = Object.keys(contract) as Channel[];

export { contract, channels };
export { channelNames, eventNames } from './names.js';
export type {
  Contract,
  Channel,
  EventName,
  RequestOf,
  ParsedRequestOf,
  ResponseOf,
  Handlers,
  Api,
  Bridge,
  EventMap,
  AppInfo,
  VaultStatus,
  SchedulerStatus,
  TaskView,
  PreviewRun,
  SchedulePreview,
  SessionView,
  RunSummary,
  Page,
  DashboardStats,
  CacheEntry,
  Settings,
  SettingsPatch,
  UpdateStatus,
  AlertSettings,
  TaskAlerts,
  Incident,
  AlertView,
  TaskAlertsView,
  ImportRow,
  TransferPreview,
  TransferImportResult,
  TransferExport,
  ClusterStatus,
  ClusterView,
  SearchHit,
  SearchResult,
  SearchSnippet,
  TimelineComing,
  TimelineDst,
  TimelinePastRun,
  TimelineRange,
  TimelineTask,
  TimelineWindow,
};
