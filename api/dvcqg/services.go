package dvcqg

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// SyncDossier sends dossiers to the portal (DongBoHoSoMC): new ones with
// updating false, changes to known ones with updating true.
func (c *Client) SyncDossier(ctx context.Context, updating bool, dossiers ...HoSo) error {
	flag := "False"
	if updating {
		flag = "True"
	}
	return c.call(ctx, ServiceSync, map[string]any{"isUpdating": flag, "data": dossiers}, nil)
}

// UpdateProgress appends progress entries (CapNhatTienDoHoSoMC).
func (c *Client) UpdateProgress(ctx context.Context, entries ...TienDo) error {
	return c.call(ctx, ServiceProgress, map[string]any{"data": entries}, nil)
}

// Lookup reads a dossier with its processing history (TraCuuHoSo).
func (c *Client) Lookup(ctx context.Context, maHoSo string) (*HoSo, error) {
	var h HoSo
	if err := c.call(ctx, ServiceLookup, map[string]any{"MaHoSo": maHoSo}, &h); err != nil {
		return nil, err
	}
	if h.MaHoSo == "" {
		return nil, fmt.Errorf("dvcqg %s %s: empty result", ServiceLookup, maHoSo)
	}
	return &h, nil
}

// Procedures lists the procedures the portal knows (LayDanhSachTTHC).
func (c *Client) Procedures(ctx context.Context) ([]ThuTuc, error) {
	var list []ThuTuc
	if err := c.call(ctx, ServiceProcedures, nil, &list); err != nil {
		return nil, err
	}
	return list, nil
}

// Health checks GET /healthz answers 200 with status "ok".
func (c *Client) Health(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(c.BaseURL, "/")+"/healthz", nil)
	if err != nil {
		return fmt.Errorf("dvcqg health: %w", err)
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return fmt.Errorf("dvcqg health: %w", err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	var h struct {
		Status string `json:"status"`
	}
	if resp.StatusCode != http.StatusOK || json.Unmarshal(raw, &h) != nil || h.Status != "ok" {
		return fmt.Errorf("dvcqg health: HTTP %d: %s", resp.StatusCode, snippet(raw))
	}
	return nil
}
