// Schema migrations, applied in order inside one transaction each, keyed on PRAGMA user_version.
export const MIGRATIONS: readonly string[] = [
  // 1: services, deployments, canary stages, approvals, the audit trail and metadata.
  `
  CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  ) STRICT;

  CREATE TABLE services (
    id TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) STRICT;

  CREATE TABLE deployments (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL,
    request TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    state TEXT NOT NULL,
    assessment TEXT,
    decision TEXT,
    outcome TEXT CHECK (outcome IN ('succeeded', 'rolled_back', 'failed', 'rejected', 'expired', 'blocked')),
    failure_reason TEXT,
    stopped_at_stage REAL,
    finished_at TEXT,
    source TEXT NOT NULL,
    machine TEXT,
    -- Executed, finished deployments carry a label in the vector index and their embedding.
    label INTEGER UNIQUE,
    vector BLOB
  ) STRICT;
  CREATE INDEX deployments_by_service ON deployments(service_id, outcome);
  CREATE INDEX deployments_by_state ON deployments(state);

  CREATE TABLE canary_stages (
    deployment_id TEXT NOT NULL REFERENCES deployments(id),
    stage INTEGER NOT NULL,
    traffic REAL NOT NULL,
    verdict TEXT,
    reason TEXT,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    samples TEXT,
    PRIMARY KEY (deployment_id, stage)
  ) STRICT;

  CREATE TABLE approvals (
    id INTEGER PRIMARY KEY,
    deployment_id TEXT NOT NULL REFERENCES deployments(id),
    decision TEXT NOT NULL CHECK (decision IN ('approved', 'rejected', 'expired', 'withdrawn')),
    actor TEXT NOT NULL,
    reason TEXT,
    at TEXT NOT NULL
  ) STRICT;
  CREATE INDEX approvals_by_deployment ON approvals(deployment_id);

  -- The audit trail: the canonical bytes are the record; deployment_id is only a lookup column.
  CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    deployment_id TEXT,
    canonical BLOB NOT NULL,
    prev_hash BLOB NOT NULL,
    hash BLOB NOT NULL
  ) STRICT;
  CREATE INDEX audit_by_deployment ON audit(deployment_id);
  CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
  CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
  `,
  // 2: live mode: requests submitted by CI gates, operator actions from other processes, the engine lease.
  `
  CREATE TABLE submissions (
    id TEXT PRIMARY KEY,
    request TEXT NOT NULL,
    submitted_at INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'refused')),
    error TEXT
  ) STRICT;
  CREATE INDEX submissions_pending ON submissions(status, submitted_at);

  CREATE TABLE operator_actions (
    id INTEGER PRIMARY KEY,
    deployment_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('approve', 'reject', 'withdraw', 'pause', 'resume', 'promote', 'abort')),
    actor TEXT NOT NULL,
    reason TEXT,
    requested_at INTEGER NOT NULL,
    done_at INTEGER,
    result TEXT,
    error TEXT
  ) STRICT;
  CREATE INDEX operator_actions_pending ON operator_actions(done_at, id);

  CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT;
  `,
  // 3: rejected input, kept with the reason instead of lost.
  `
  CREATE TABLE quarantine (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    file TEXT NOT NULL,
    line INTEGER,
    field TEXT NOT NULL,
    reason TEXT NOT NULL,
    raw TEXT,
    at INTEGER NOT NULL
  ) STRICT;
  `,
  // 4: no query looks deployments up by state, and the index cost every state change a second write; what
  // is asked is which are in flight (a restart, an attached console), a small partial index.
  `
  DROP INDEX deployments_by_state;
  CREATE INDEX deployments_in_flight ON deployments(id) WHERE outcome IS NULL;
  `,
  // serve (HTTP API): tokens, found by their public id, the secret kept only as SHA-256.
  `
  CREATE TABLE tokens (
    name TEXT PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('viewer', 'requester', 'approver', 'operator', 'admin')),
    hash BLOB NOT NULL CHECK (length(hash) = 32),
    created_at INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    expires_at INTEGER,
    revoked_at INTEGER
  ) STRICT;
  `,
  // Trust floor (issue 11): outcome `withdrawn` (a gate's cancel is not a failure), a `resolve` action for a
  // failed rollback, and deadlines: a submission or action nobody waits for any more is refused, not run.
  // SQLite cannot alter a CHECK constraint, so the three tables are rebuilt (canary_stages and approvals, which
  // reference deployments, have never held rows).
  `
  CREATE TABLE deployments_v5 (
    id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL,
    request TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    state TEXT NOT NULL,
    assessment TEXT,
    decision TEXT,
    outcome TEXT CHECK (outcome IN ('succeeded', 'rolled_back', 'failed', 'rejected', 'expired', 'blocked', 'withdrawn')),
    failure_reason TEXT,
    stopped_at_stage REAL,
    finished_at TEXT,
    source TEXT NOT NULL,
    machine TEXT,
    label INTEGER UNIQUE,
    vector BLOB
  ) STRICT;
  INSERT INTO deployments_v5 SELECT id, service_id, request, requested_at, state, assessment, decision, outcome, failure_reason, stopped_at_stage, finished_at, source, machine, label, vector FROM deployments;
  DROP TABLE deployments;
  ALTER TABLE deployments_v5 RENAME TO deployments;
  CREATE INDEX deployments_by_service ON deployments(service_id, outcome);
  CREATE INDEX deployments_in_flight ON deployments(id) WHERE outcome IS NULL;

  CREATE TABLE submissions_v5 (
    id TEXT PRIMARY KEY,
    request TEXT NOT NULL,
    submitted_at INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'refused', 'withdrawn')),
    error TEXT,
    deadline INTEGER
  ) STRICT;
  INSERT INTO submissions_v5 (id, request, submitted_at, status, error) SELECT id, request, submitted_at, status, error FROM submissions;
  DROP TABLE submissions;
  ALTER TABLE submissions_v5 RENAME TO submissions;
  CREATE INDEX submissions_pending ON submissions(status, submitted_at);

  CREATE TABLE operator_actions_v5 (
    id INTEGER PRIMARY KEY,
    deployment_id TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('approve', 'reject', 'withdraw', 'pause', 'resume', 'promote', 'abort', 'resolve')),
    actor TEXT NOT NULL,
    reason TEXT,
    requested_at INTEGER NOT NULL,
    done_at INTEGER,
    result TEXT,
    error TEXT,
    deadline INTEGER
  ) STRICT;
  INSERT INTO operator_actions_v5 (id, deployment_id, action, actor, reason, requested_at, done_at, result, error) SELECT id, deployment_id, action, actor, reason, requested_at, done_at, result, error FROM operator_actions;
  DROP TABLE operator_actions;
  ALTER TABLE operator_actions_v5 RENAME TO operator_actions;
  CREATE INDEX operator_actions_pending ON operator_actions(done_at, id);
  `,
  // Audit Merkle tree (issue 16): hashes of the complete subtrees of 2^level entries, level ≥ 6, written with
  // the entries that complete them (source/store/merkle-log.ts); older trails are filled in on the first append.
  `
  CREATE TABLE audit_merkle (
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL CHECK (length(hash) = 32),
    PRIMARY KEY (level, idx)
  ) STRICT, WITHOUT ROWID;
  CREATE TRIGGER audit_merkle_no_update BEFORE UPDATE ON audit_merkle BEGIN SELECT RAISE(ABORT, 'the audit Merkle tree is append-only'); END;
  CREATE TRIGGER audit_merkle_no_delete BEFORE DELETE ON audit_merkle BEGIN SELECT RAISE(ABORT, 'the audit Merkle tree is append-only'); END;
  `,
  // LLM advisor (issue 15): every answer a model gave, whole (also invalid ones), found by the SHA-256 of the
  // prompt it answered (the cache) and of its own text (what the audit chain records).
  `
  CREATE TABLE advisor_answers (
    prompt_sha256 TEXT NOT NULL,
    answer_sha256 TEXT NOT NULL,
    model TEXT NOT NULL,
    answer TEXT NOT NULL,
    valid INTEGER NOT NULL CHECK (valid IN (0, 1)),
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    latency_ms INTEGER NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (prompt_sha256, answer_sha256)
  ) STRICT;
  `,
  // Trust floor: a gate that is waiting says so (watched), and keeps its submission's deadline moving while its
  // deployment runs; one whose gate stopped (killed, its runner lost) is withdrawn by the engine.
  `
  ALTER TABLE submissions ADD COLUMN watched INTEGER NOT NULL DEFAULT 0;
  CREATE INDEX submissions_watched ON submissions(status, deadline) WHERE watched = 1;
  `,
  // Server (issue 12): HTTP submissions take the same queue as local gates (so the model advisor and the
  // heartbeat apply to them); \`via\` keeps where each came from, for the deployment's \`source\`.
  `
  ALTER TABLE submissions ADD COLUMN via TEXT NOT NULL DEFAULT 'gate' CHECK (via IN ('gate', 'api'));
  `,
  // Live text embeddings (issue 15, advisor.embeddings): vectors the endpoint gave, by model, size and the
  // text's SHA-256 (source/store/text-vectors.ts), so a restart does not embed the whole history again.
  `
  CREATE TABLE text_vectors (
    model TEXT NOT NULL,
    dimensions INTEGER NOT NULL,
    text_sha256 TEXT NOT NULL,
    vector BLOB NOT NULL CHECK (length(vector) = 4 * dimensions),
    PRIMARY KEY (model, dimensions, text_sha256)
  ) STRICT, WITHOUT ROWID;
  `,
];
