package trial

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/store"
)

// Campaign is one trial campaign: what it submitted where.
type Campaign struct {
	ID         string
	CreatedAt  time.Time
	Target     string // the target profile's file, absolute ("" = none recorded)
	TargetKind string
	Provinces  []string
	Services   []string
	PerService int
	Marker     string // the run marker every dossier's note carries
	Status     string // StatusOpen, StatusCleaned
	Options    Options
}

// Options are the campaign's settings kept in options_json.
type Options struct {
	TargetName string `json:"target_name"`
	Portal     string `json:"portal"`           // the portal's base URL when started
	Unpaid     bool   `json:"unpaid,omitempty"` // allow.pay was off: fees left unpaid
}

// Campaign statuses.
const (
	StatusOpen    = "open"
	StatusCleaned = "cleaned" // dvcqa trial cleanup ran
)

// Dossier is one test dossier of a campaign, as last observed.
type Dossier struct {
	CampaignID     string
	Code           string
	DossierID      string
	ServiceID      string
	Province       string
	AccountRef     string // which test account owns it: "account:<n>", never a personal ID
	FeeVND         int64
	ProcessingDays int
	SubmittedAt    time.Time
	PaidAt         time.Time
	Status         string
	Closed         bool
	WithdrawnAt    time.Time
	LastError      string
}

// Transition is one history entry of a dossier on one system.
type Transition struct {
	Code       string
	Source     string // SourcePortal or SourceDVCQG
	Seq        int    // index in that system's history
	State      string // the workflow state (portal names), "" when DVCQG's code maps to none
	StatusCode int
	At         time.Time // the system's own time of the entry
	ObservedAt time.Time // when dvcqa trial follow first saw it
}

// Sources of transitions.
const (
	SourcePortal = "portal"
	SourceDVCQG  = "dvcqg"
)

// idPattern is what a campaign id may be: a folder name (runs/trial-<id>).
var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// CheckID refuses an id that cannot name a campaign's report folder.
func CheckID(id string) error {
	if !idPattern.MatchString(id) || id == "latest" {
		return fmt.Errorf("campaign id %q: want letters, digits, '.', '_' or '-' (at most 64), not \"latest\"", id)
	}
	return nil
}

// NewID is a fresh campaign id: the UTC time of the start.
func NewID(now time.Time) string { return now.UTC().Format("20060102-150405") }

func createCampaign(ctx context.Context, st *store.Store, c *Campaign) error {
	opts, err := json.Marshal(c.Options)
	if err != nil {
		return err
	}
	return st.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, st.Rebind(`SELECT COUNT(*) FROM campaigns WHERE id = ?`), c.ID).Scan(&n); err != nil {
			return fmt.Errorf("look campaign %s up: %w", c.ID, err)
		}
		if n > 0 {
			return fmt.Errorf("campaign %s already exists in %s: pick another --id", c.ID, st)
		}
		_, err := tx.ExecContext(ctx, st.Rebind(`INSERT INTO campaigns
			(id, created_at, target, target_kind, provinces, services, per_service, marker, status, options_json)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			c.ID, store.Time(c.CreatedAt), c.Target, c.TargetKind, strings.Join(c.Provinces, ","),
			strings.Join(c.Services, ","), c.PerService, c.Marker, c.Status, string(opts))
		if err != nil {
			return fmt.Errorf("record campaign %s: %w", c.ID, err)
		}
		return nil
	})
}

// LoadCampaign reads a campaign; id "" or "latest" is the newest one.
func LoadCampaign(ctx context.Context, st *store.Store, id string) (*Campaign, error) {
	q := `SELECT id, created_at, target, target_kind, provinces, services, per_service, marker, status, options_json FROM campaigns `
	var row *sql.Row
	if id == "" || id == "latest" {
		row = st.DB().QueryRowContext(ctx, q+`ORDER BY created_at DESC, id DESC LIMIT 1`)
	} else {
		row = st.DB().QueryRowContext(ctx, st.Rebind(q+`WHERE id = ?`), id)
	}
	var c Campaign
	var created, provinces, services, opts string
	err := row.Scan(&c.ID, &created, &c.Target, &c.TargetKind, &provinces, &services, &c.PerService, &c.Marker, &c.Status, &opts)
	if errors.Is(err, sql.ErrNoRows) {
		if id == "" || id == "latest" {
			return nil, fmt.Errorf("no campaign in %s: start one with dvcqa trial start", st)
		}
		return nil, fmt.Errorf("no campaign %q in %s", id, st)
	}
	if err != nil {
		return nil, fmt.Errorf("read campaign %s: %w", id, err)
	}
	if c.CreatedAt, err = store.ParseTime(created); err != nil {
		return nil, fmt.Errorf("campaign %s: created_at: %w", c.ID, err)
	}
	c.Provinces, c.Services = splitList(provinces), splitList(services)
	if err := json.Unmarshal([]byte(opts), &c.Options); err != nil {
		return nil, fmt.Errorf("campaign %s: options: %w", c.ID, err)
	}
	return &c, nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

func setCampaignStatus(ctx context.Context, st *store.Store, id, status string) error {
	return st.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, st.Rebind(`UPDATE campaigns SET status = ? WHERE id = ?`), status, id)
		return err
	})
}

// addDossier records a dossier the moment the portal created it, so that
// a start that dies later still leaves it followed and cleaned up.
func addDossier(ctx context.Context, st *store.Store, d Dossier) error {
	return st.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, st.Rebind(`INSERT INTO campaign_dossiers
			(campaign_id, code, dossier_id, service_id, province, account_ref, fee_vnd, processing_days,
			 submitted_at, paid_at, status, closed, withdrawn_at, last_error)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '', ?)
			ON CONFLICT (campaign_id, code) DO NOTHING`),
			d.CampaignID, d.Code, d.DossierID, d.ServiceID, d.Province, d.AccountRef, d.FeeVND, d.ProcessingDays,
			store.Time(d.SubmittedAt), store.Time(d.PaidAt), d.Status, d.LastError)
		if err != nil {
			return fmt.Errorf("record dossier %s: %w", d.Code, err)
		}
		return nil
	})
}

func setPaid(ctx context.Context, st *store.Store, campaign, code string, at time.Time) error {
	return st.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, st.Rebind(`UPDATE campaign_dossiers SET paid_at = ? WHERE campaign_id = ? AND code = ? AND paid_at = ''`),
			store.Time(at), campaign, code)
		return err
	})
}

// Dossiers are the campaign's dossiers in the order they were submitted.
func Dossiers(ctx context.Context, st *store.Store, campaign string) ([]Dossier, error) {
	rows, err := st.DB().QueryContext(ctx, st.Rebind(`SELECT campaign_id, code, dossier_id, service_id, province, account_ref,
		fee_vnd, processing_days, submitted_at, paid_at, status, closed, withdrawn_at, last_error
		FROM campaign_dossiers WHERE campaign_id = ? ORDER BY submitted_at, code`), campaign)
	if err != nil {
		return nil, fmt.Errorf("read the dossiers of campaign %s: %w", campaign, err)
	}
	defer rows.Close()
	var out []Dossier
	for rows.Next() {
		var d Dossier
		var submitted, paid, withdrawn string
		var closed int
		if err := rows.Scan(&d.CampaignID, &d.Code, &d.DossierID, &d.ServiceID, &d.Province, &d.AccountRef,
			&d.FeeVND, &d.ProcessingDays, &submitted, &paid, &d.Status, &closed, &withdrawn, &d.LastError); err != nil {
			return nil, fmt.Errorf("read the dossiers of campaign %s: %w", campaign, err)
		}
		d.Closed = closed != 0
		if d.SubmittedAt, err = store.ParseTime(submitted); err != nil {
			return nil, fmt.Errorf("dossier %s: submitted_at: %w", d.Code, err)
		}
		if d.PaidAt, err = store.ParseTime(paid); err != nil {
			return nil, fmt.Errorf("dossier %s: paid_at: %w", d.Code, err)
		}
		if d.WithdrawnAt, err = store.ParseTime(withdrawn); err != nil {
			return nil, fmt.Errorf("dossier %s: withdrawn_at: %w", d.Code, err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Transitions are every transition recorded for the campaign, by dossier,
// source and sequence.
func Transitions(ctx context.Context, st *store.Store, campaign string) ([]Transition, error) {
	rows, err := st.DB().QueryContext(ctx, st.Rebind(`SELECT code, source, seq, state, status_code, at, observed_at
		FROM transitions WHERE campaign_id = ? ORDER BY code, source, seq`), campaign)
	if err != nil {
		return nil, fmt.Errorf("read the transitions of campaign %s: %w", campaign, err)
	}
	defer rows.Close()
	var out []Transition
	for rows.Next() {
		var t Transition
		var at, observed string
		if err := rows.Scan(&t.Code, &t.Source, &t.Seq, &t.State, &t.StatusCode, &at, &observed); err != nil {
			return nil, fmt.Errorf("read the transitions of campaign %s: %w", campaign, err)
		}
		if t.At, err = store.ParseTime(at); err != nil {
			return nil, fmt.Errorf("transition of %s: at: %w", t.Code, err)
		}
		if t.ObservedAt, err = store.ParseTime(observed); err != nil {
			return nil, fmt.Errorf("transition of %s: observed_at: %w", t.Code, err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// observation is what one follow saw of one dossier.
type observation struct {
	transitions []Transition
	status      string // the portal's status; "" when the portal could not be read
	closed      bool
	paidAt      time.Time // zero unless the portal shows the fee paid
	lastError   string
}

// record writes one dossier's observation in one transaction: new
// transitions inserted (a concurrent follow's copies are ignored by the
// UNIQUE key), the dossier's status updated. It returns how many
// transitions were new.
func record(ctx context.Context, st *store.Store, campaign, code string, o observation) (int, error) {
	var added int
	err := st.Tx(ctx, func(tx *sql.Tx) error {
		added = 0 // the transaction may run again after a lost race
		for _, t := range o.transitions {
			res, err := tx.ExecContext(ctx, st.Rebind(`INSERT INTO transitions
				(campaign_id, code, source, seq, state, status_code, at, observed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (campaign_id, code, source, seq) DO NOTHING`),
				campaign, code, t.Source, t.Seq, t.State, t.StatusCode, store.Time(t.At), store.Time(t.ObservedAt))
			if err != nil {
				return fmt.Errorf("record transition %s %s #%d: %w", code, t.Source, t.Seq, err)
			}
			if n, err := res.RowsAffected(); err == nil {
				added += int(n)
			}
		}
		closed := 0
		if o.closed {
			closed = 1
		}
		q := `UPDATE campaign_dossiers SET last_error = ?, closed = CASE WHEN closed = 1 THEN 1 ELSE ? END`
		args := []any{o.lastError, closed}
		if o.status != "" {
			q += `, status = ?`
			args = append(args, o.status)
		}
		if !o.paidAt.IsZero() {
			q += `, paid_at = CASE WHEN paid_at = '' THEN ? ELSE paid_at END`
			args = append(args, store.Time(o.paidAt))
		}
		q += ` WHERE campaign_id = ? AND code = ?`
		args = append(args, campaign, code)
		if _, err := tx.ExecContext(ctx, st.Rebind(q), args...); err != nil {
			return fmt.Errorf("update dossier %s: %w", code, err)
		}
		return nil
	})
	return added, err
}

func setWithdrawn(ctx context.Context, st *store.Store, campaign, code string, at time.Time) error {
	return st.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, st.Rebind(`UPDATE campaign_dossiers SET withdrawn_at = CASE WHEN withdrawn_at = '' THEN ? ELSE withdrawn_at END
			WHERE campaign_id = ? AND code = ?`), store.Time(at), campaign, code)
		return err
	})
}

// followRow records one follow run: when, how many dossiers read, how many
// new transitions, how many errors.
type followRow struct {
	started, finished time.Time
	read, changed     int
	errors            int
}

func startFollow(ctx context.Context, st *store.Store, campaign string, at time.Time) error {
	return st.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, st.Rebind(`INSERT INTO follows (campaign_id, started_at) VALUES (?, ?)`), campaign, store.Time(at))
		return err
	})
}

func finishFollow(ctx context.Context, st *store.Store, campaign string, f followRow) error {
	return st.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, st.Rebind(`UPDATE follows SET finished_at = ?, read_count = ?, changed = ?, errors = ?
			WHERE campaign_id = ? AND started_at = ?`), store.Time(f.finished), f.read, f.changed, f.errors, campaign, store.Time(f.started))
		return err
	})
}
