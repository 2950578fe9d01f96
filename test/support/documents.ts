/**
 * GraphQL documents the tests send more than once, each asking for the least its callers read.
 * A test that reads other fields keeps its own document beside it, saying which fields it needs.
 */

// Organizations, facilities, products, batches
export const CREATE_ORGANIZATION = 'mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } apiKey } }';
export const REGISTER_FACILITY = 'mutation($input: RegisterFacilityInput!) { registerFacility(input: $input) { id } }';
export const REGISTER_PRODUCT = 'mutation($input: RegisterProductInput!) { registerProduct(input: $input) { id } }';
export const BATCH_EVENT_SEQS = 'query($id: ID!) { batch(id: $id) { events { seq } } }';

// API keys
export const API_KEY_IDS = '{ apiKeys { id } }';
export const REVOKE_API_KEY = 'mutation($id: ID!) { revokeApiKey(id: $id) { id } }';

// Events, cold chain, inspections, certificates, transformations
export const RECORD_EVENT = 'mutation($input: RecordEventInput!) { recordEvent(input: $input) { seq } }';
export const RECORD_EVENTS = 'mutation($input: [RecordEventInput!]!) { recordEvents(input: $input) { seq } }';
export const RECORD_TEMPERATURES = 'mutation($input: RecordTemperaturesInput!) { recordTemperatures(input: $input) { seq } }';
export const BATCHES_WITH_EXCURSIONS = '{ batchesWithExcursions { id } }';
export const RECORD_INSPECTION = 'mutation($input: RecordInspectionInput!) { recordInspection(input: $input) { seq } }';
export const ATTACH_CERTIFICATE = 'mutation($input: AttachCertificateInput!) { attachCertificate(input: $input) { id } }';
export const ATTEST_CERTIFICATE = 'mutation($input: AttestCertificateInput!) { attestCertificate(input: $input) { id standing } }';
export const TRANSFORM_BATCHES = 'mutation($input: TransformBatchesInput!) { transformBatches(input: $input) { outputs { id } } }';
export const TRANSFORM_BATCHES_TRACE_CODES = 'mutation($input: TransformBatchesInput!) { transformBatches(input: $input) { outputs { id traceCode } } }';
export const TRANSFORM_BATCHES_LOT_CODES = 'mutation($input: TransformBatchesInput!) { transformBatches(input: $input) { outputs { id lotCode } } }';

// Recalls
export const INITIATE_RECALL = 'mutation($input: InitiateRecallInput!) { initiateRecall(input: $input) { id } }';
export const CLOSE_RECALL = 'mutation($input: CloseRecallInput!) { closeRecall(input: $input) { id } }';
export const RECALL_ID = 'query($id: ID!) { recall(id: $id) { id } }';

// The ledger
export const LEDGER_SIZE = '{ ledgerInfo { size } }';
export const VERIFY_LEDGER = '{ verifyLedger { valid checkedEntries reason } }';
export const VERIFY_BATCH_VALID = 'query($id: ID!) { verifyBatch(batchId: $id) { valid } }';
export const VERIFY_BATCH = 'query($id: ID!) { verifyBatch(batchId: $id) { valid checkedEntries } }';
export const VERIFY_BATCH_FULL = 'query($id: ID!) { verifyBatch(batchId: $id) { valid checkedEntries firstInvalidSeq reason } }';
export const CREATE_CHECKPOINT = 'mutation { createCheckpoint { treeSize } }';
export const LATEST_CHECKPOINT_SIZE = '{ latestCheckpoint { treeSize } }';
