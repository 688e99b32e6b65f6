// Loading the project's inputs: catalog, request, configuration and history files.
import { catalogSchema, historyRecordSchema, requestSchema } from '../domain/schemas.js';
import type { Catalog, DeploymentRequest, HistoryRecord } from '../domain/schemas.js';
import { configSchema, DEFAULT_CONFIG } from '../domain/config.js';
import type { Config } from '../domain/config.js';
import { readDocument, readText } from './read-document.js';
import { parseNdjson } from './ndjson.js';
import type { NdjsonResult } from './ndjson.js';

export const loadCatalog = (file: string): Catalog => readDocument(file, catalogSchema);
export const loadRequest = (file: string): DeploymentRequest => readDocument(file, requestSchema);
export const loadConfig = (file: string | undefined): Config => (file ? readDocument(file, configSchema) : DEFAULT_CONFIG);
export const loadHistory = (file: string): NdjsonResult<HistoryRecord> => parseNdjson(file, readText(file), historyRecordSchema);
