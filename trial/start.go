package trial

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/dvcqa/dvcqa/api/payment"
	"github.com/dvcqa/dvcqa/api/portal"
	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/internal/runrecord"
	"github.com/dvcqa/dvcqa/store"
	"github.com/dvcqa/dvcqa/suites/framework"
)

// ErrEmbedded refuses a campaign on the embedded mock world, which ends
// with the command that started it.
var ErrEmbedded = errors.New("a campaign needs a portal that outlives the command, and the embedded mock world ends with it: " +
	"start `dvcqa mock serve --write-target runs/mock-target.yaml` and pass --target runs/mock-target.yaml")

// StartOptions say what a campaign submits.
type StartOptions struct {
	ID         string   // "" = NewID
	Services   []string // service ids; nil or ["all"] = every catalog service
	Provinces  []string // province codes; nil or ["all-in-target"] = every province the target covers
	PerService int      // dossiers per service and province; < 1 = 1
}

// Start submits the campaign's dossiers (with the campaign's run marker),
// pays their fees where the profile allows paying, and records each in
// the ledger as soon as the portal created it.
func Start(ctx context.Context, st *store.Store, e *framework.Env, opts StartOptions, p *Progress) (*Campaign, error) {
	t := e.Target
	if t.Embedded() {
		return nil, ErrEmbedded
	}
	if err := e.Permit(framework.ActSubmit); err != nil {
		return nil, fmt.Errorf("trial start: %w", err)
	}
	services, err := pickServices(e.Catalog, opts.Services)
	if err != nil {
		return nil, err
	}
	provinces, err := pickProvinces(e.Catalog, t, opts.Provinces)
	if err != nil {
		return nil, err
	}
	per := max(opts.PerService, 1)
	now := time.Now()
	c := &Campaign{ID: opts.ID, CreatedAt: now, TargetKind: t.Kind, Provinces: provinces, PerService: per, Status: StatusOpen,
		Options: Options{TargetName: t.Name, Portal: t.URLs.Portal}}
	if c.ID == "" {
		c.ID = NewID(now)
	}
	if err := CheckID(c.ID); err != nil {
		return nil, err
	}
	if t.File != "" {
		if c.Target, err = filepath.Abs(t.File); err != nil {
			return nil, err
		}
	}
	for _, s := range services {
		c.Services = append(c.Services, s.ID)
	}
	c.Marker = runrecord.Marker(c.ID)
	pay := e.Permit(framework.ActPay) == nil
	c.Options.Unpaid = !pay && slices.ContainsFunc(services, func(s fixtures.Service) bool { return s.FeeVND > 0 })
	if err := createCampaign(ctx, st, c); err != nil {
		return nil, err
	}
	p.Begin(fmt.Sprintf("trial start %s", c.ID), len(services)*len(provinces)*per)
	for _, prov := range provinces {
		for _, svc := range services {
			for range per {
				err := submitOne(ctx, st, e, c, svc, prov, pay)
				p.Step(err)
				if err != nil {
					p.End()
					return c, fmt.Errorf("campaign %s: %w", c.ID, err)
				}
			}
		}
	}
	p.End()
	return c, nil
}

// submitOne submits one dossier and pays its fee.
func submitOne(ctx context.Context, st *store.Store, e *framework.Env, c *Campaign, svc fixtures.Service, province string, pay bool) error {
	ctx, cancel := context.WithTimeout(ctx, e.Target.Timeouts.Spec+e.Target.Timeouts.Sync)
	defer cancel()
	n := slices.IndexFunc(e.Catalog.Services, func(s fixtures.Service) bool { return s.ID == svc.ID })
	cz := e.Citizen(framework.RoleEndToEnd, n) // a citizen the service's prerequisites hold for, as the end-to-end spec's
	s, err := e.Prepare(ctx, svc, cz)
	if err != nil {
		return err
	}
	s.Request.Note = c.Marker
	d, _, err := s.Portal.Submit(ctx, framework.NewKey(), s.Request)
	if err != nil {
		return fmt.Errorf("submit %s: %w", svc.ID, err)
	}
	row := Dossier{CampaignID: c.ID, Code: d.Code, DossierID: d.ID, ServiceID: svc.ID, Province: province,
		AccountRef: AccountRef(e.AccountIndex(cz.PersonalID)), FeeVND: svc.FeeVND, ProcessingDays: svc.ProcessingDays,
		SubmittedAt: d.SubmittedAt, Status: d.Status}
	if row.SubmittedAt.IsZero() {
		row.SubmittedAt = time.Now()
	}
	if err := addDossier(ctx, st, row); err != nil {
		return err
	}
	if svc.FeeVND == 0 || !pay {
		return nil
	}
	at, err := payFee(ctx, e, s.Portal, d)
	if err != nil {
		return fmt.Errorf("dossier %s: %w", d.Code, err)
	}
	return setPaid(ctx, st, c.ID, d.Code, at)
}

// payFee pays on the payment platform as the citizen would and waits for
// the portal to record the fee paid; it returns when the portal showed it.
func payFee(ctx context.Context, e *framework.Env, p *portal.Client, d *portal.Dossier) (time.Time, error) {
	start, err := p.StartPayment(ctx, d.ID)
	if err != nil {
		return time.Time{}, fmt.Errorf("start payment: %w", err)
	}
	ret, err := e.Payment.Pay(ctx, start.PayURL, true)
	if err != nil {
		return time.Time{}, fmt.Errorf("pay: %w", err)
	}
	if !strings.Contains(ret, "TrangThaiGD="+payment.StatusSuccess) {
		return time.Time{}, fmt.Errorf("pay: the pay page did not return success")
	}
	deadline := time.Now().Add(e.Target.Timeouts.Sync)
	for {
		cur, err := p.Dossier(ctx, d.ID)
		if err == nil && cur.Fee.Paid {
			return time.Now(), nil
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("the portal does not show the fee paid within %s (last error: %v)", e.Target.Timeouts.Sync, err)
		}
		select {
		case <-ctx.Done():
			return time.Time{}, ctx.Err()
		case <-time.After(framework.PollInterval):
		}
	}
}

// AccountRef names a test account without personal data: its index in
// the target's accounts (the order `dvcqa cleanup` numbers them).
func AccountRef(n int) string { return "account:" + strconv.Itoa(n) }

// accountIndex reads an AccountRef.
func accountIndex(ref string) (int, error) {
	s, ok := strings.CutPrefix(ref, "account:")
	n, err := strconv.Atoi(s)
	if !ok || err != nil {
		return -1, fmt.Errorf("account reference %q: want account:<n>", ref)
	}
	return n, nil
}

func pickServices(cat *fixtures.Catalog, ids []string) ([]fixtures.Service, error) {
	if len(ids) == 0 || len(ids) == 1 && ids[0] == "all" {
		return cat.Services, nil
	}
	var out []fixtures.Service
	for _, id := range ids {
		s, ok := cat.Service(id)
		if !ok {
			return nil, fmt.Errorf("--services: no service %q in the catalog (DV01..DV25, or all)", id)
		}
		if !slices.ContainsFunc(out, func(x fixtures.Service) bool { return x.ID == id }) {
			out = append(out, *s)
		}
	}
	return out, nil
}

// pickProvinces validates the codes against the catalog's provinces and
// the target: a target profile covers one province today (its portal).
func pickProvinces(cat *fixtures.Catalog, t *fixtures.Target, codes []string) ([]string, error) {
	covered := []string{t.Province}
	if len(codes) == 0 || len(codes) == 1 && codes[0] == "all-in-target" {
		return covered, nil
	}
	var out []string
	for _, c := range codes {
		if _, ok := cat.Province(c); !ok {
			return nil, fmt.Errorf("--provinces: no province %q in the catalog", c)
		}
		if !slices.Contains(covered, c) {
			return nil, fmt.Errorf("--provinces: target %s covers province %s only, not %s", t.Name, strings.Join(covered, ", "), c)
		}
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out, nil
}
