-- Run history: one row per `dvcqa run --store …`, so that trend and diff
-- work across nightly CI workspaces that start empty. The key of a trend
-- is (target, target_kind, province, label_filter, defects): runs that
-- differ in any of them are never compared.
CREATE TABLE runs (
    run_id       TEXT PRIMARY KEY,
    target       TEXT NOT NULL,
    target_kind  TEXT NOT NULL,
    province     TEXT NOT NULL,
    label_filter TEXT NOT NULL DEFAULT '',
    defects      TEXT NOT NULL DEFAULT '',
    seed         BIGINT NOT NULL DEFAULT 0,
    started_at   TEXT NOT NULL,
    finished_at  TEXT NOT NULL,
    git_commit   TEXT NOT NULL DEFAULT '',
    verdict      TEXT NOT NULL,
    passed       INTEGER NOT NULL DEFAULT 0,
    failed       INTEGER NOT NULL DEFAULT 0,
    skipped      INTEGER NOT NULL DEFAULT 0,
    specs        INTEGER NOT NULL DEFAULT 0,
    summary_json TEXT NOT NULL
);
CREATE INDEX runs_key ON runs (target, target_kind, province, label_filter, defects, started_at);
