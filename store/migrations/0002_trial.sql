-- The trial ledger (chạy thử nghiệm, trial run): each campaign, the test
-- dossiers it submitted, and every transition `dvcqa trial follow` saw,
-- on the portal and on the national portal (DVCQG).
CREATE TABLE campaigns (
    id           TEXT PRIMARY KEY,
    created_at   TEXT NOT NULL,
    target       TEXT NOT NULL,
    target_kind  TEXT NOT NULL,
    provinces    TEXT NOT NULL,
    services     TEXT NOT NULL,
    per_service  INTEGER NOT NULL,
    marker       TEXT NOT NULL,
    status       TEXT NOT NULL,
    options_json TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE campaign_dossiers (
    campaign_id    TEXT NOT NULL REFERENCES campaigns (id),
    code           TEXT NOT NULL,
    dossier_id     TEXT NOT NULL,
    service_id     TEXT NOT NULL,
    province       TEXT NOT NULL,
    account_ref    TEXT NOT NULL,
    fee_vnd        BIGINT NOT NULL DEFAULT 0,
    processing_days INTEGER NOT NULL DEFAULT 0,
    submitted_at   TEXT NOT NULL,
    paid_at        TEXT NOT NULL DEFAULT '',
    status         TEXT NOT NULL,
    closed         INTEGER NOT NULL DEFAULT 0,
    withdrawn_at   TEXT NOT NULL DEFAULT '',
    last_error     TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (campaign_id, code)
);
CREATE TABLE transitions (
    campaign_id TEXT NOT NULL,
    code        TEXT NOT NULL,
    source      TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    state       TEXT NOT NULL,
    status_code INTEGER NOT NULL DEFAULT 0,
    at          TEXT NOT NULL,
    observed_at TEXT NOT NULL,
    UNIQUE (campaign_id, code, source, seq)
);
CREATE TABLE follows (
    campaign_id TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL DEFAULT '',
    read_count  INTEGER NOT NULL DEFAULT 0,
    changed     INTEGER NOT NULL DEFAULT 0,
    errors      INTEGER NOT NULL DEFAULT 0
);
