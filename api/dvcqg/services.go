package dvcqg

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/dvcqa/dvcqa/vocab"
)

// SyncDossier sends dossiers to the portal (DongBoHoSoMC): new ones with
// updating false, changes to known ones with updating true.
func (c *Client) SyncDossier(ctx context.Context, updating bool, dossiers ...HoSo) error {
	flag := "False"
	if updating {
		flag = "True"
	}
	_, err := c.call(ctx, query{service: ServiceSync, fields: map[string]any{"isUpdating": flag, "data": dossiers},
		method: http.MethodPost, params: url.Values{"isUpdating": {flag}}, body: dossiers})
	return err
}

// UpdateProgress appends progress entries (CapNhatTienDoHoSoMC).
func (c *Client) UpdateProgress(ctx context.Context, entries ...TienDo) error {
	_, err := c.call(ctx, query{service: ServiceProgress, fields: map[string]any{"data": entries},
		method: http.MethodPost, body: entries})
	return err
}

// Lookup reads a dossier with its processing history (TraCuuHoSo). An
// unknown dossier is an *Error that IsNotFound recognises, in every dialect.
func (c *Client) Lookup(ctx context.Context, maHoSo string) (*HoSo, error) {
	key := "MaHoSo"
	if c.dialectName() == vocab.DialectDVCQGOpenCPS {
		key = "mahoso" // OpenCPS's searchDossier: body.put("mahoso", dossierNo)
	}
	raw, err := c.call(ctx, query{service: ServiceLookup, fields: map[string]any{key: maHoSo},
		method: http.MethodGet, params: url.Values{"MaHoSo": {maHoSo}}, bare: true})
	if err != nil {
		return nil, err
	}
	if c.dialectName() == vocab.DialectDVCQGEnvelope {
		t := bytes.TrimSpace(raw)
		if len(t) > 0 && t[0] == '[' {
			return nil, &DialectError{Dialect: c.dialectName(), Service: ServiceLookup, Seen: "result is an array, want an object: " + snippet(t)}
		}
		var h HoSo
		if len(t) > 0 && string(t) != "null" {
			if err := json.Unmarshal(t, &h); err != nil {
				return nil, fmt.Errorf("dvcqg %s: decode result: %w", ServiceLookup, err)
			}
		}
		if h.MaHoSo == "" {
			return nil, fmt.Errorf("dvcqg %s %s: empty result", ServiceLookup, maHoSo)
		}
		return &h, nil
	}
	var found []HoSo
	if err := c.decodeArray(ServiceLookup, raw, &found); err != nil {
		return nil, err
	}
	for i := range found {
		if found[i].MaHoSo == maHoSo {
			return &found[i], nil
		}
	}
	if len(found) > 0 {
		return nil, fmt.Errorf("dvcqg %s %s: the result holds other dossiers (%s)", ServiceLookup, maHoSo, found[0].MaHoSo)
	}
	return nil, notFound(ServiceLookup, maHoSo)
}

// upperThuTuc is a procedure as OpenCPS reads LayDanhSachTTHC and LayThuTuc
// (item.getString("MATTHC"), "TENTTHC", "LINHVUCTHUCHIEN"[0]."MALINHVUC").
type upperThuTuc struct {
	MaTTHC   string `json:"MATTHC"`
	TenTTHC  string `json:"TENTTHC"`
	LinhVucs []struct {
		MaLinhVuc  string `json:"MALINHVUC"`
		TenLinhVuc string `json:"TENLINHVUC"`
	} `json:"LINHVUCTHUCHIEN"`
}

func (u upperThuTuc) thuTuc() ThuTuc {
	t := ThuTuc{MaTTHC: u.MaTTHC, TenTTHC: u.TenTTHC}
	if len(u.LinhVucs) > 0 {
		t.MaLinhVuc, t.TenLinhVuc = u.LinhVucs[0].MaLinhVuc, u.LinhVucs[0].TenLinhVuc
	}
	return t
}

// Procedures lists the procedures the portal knows (LayDanhSachTTHC).
func (c *Client) Procedures(ctx context.Context) ([]ThuTuc, error) {
	raw, err := c.call(ctx, query{service: ServiceProcedures, method: http.MethodGet, bare: true})
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return nil, nil
	}
	if c.dialectName() == vocab.DialectDVCQGOpenCPS {
		var up []upperThuTuc
		if err := c.decodeArray(ServiceProcedures, raw, &up); err != nil {
			return nil, err
		}
		list := make([]ThuTuc, 0, len(up))
		for _, u := range up {
			list = append(list, u.thuTuc())
		}
		return list, nil
	}
	var list []ThuTuc
	if err := c.decodeArray(ServiceProcedures, raw, &list); err != nil {
		return nil, err
	}
	return list, nil
}

// Procedure reads one procedure by its code (LayThuTuc in opencps and
// rest). The envelope dialect has no such service: there it is the entry of
// LayDanhSachTTHC. An unknown code is an *Error with CodeFailed.
func (c *Client) Procedure(ctx context.Context, maTTHC string) (*ThuTuc, error) {
	var list []ThuTuc
	switch c.dialectName() {
	case vocab.DialectDVCQGEnvelope:
		all, err := c.Procedures(ctx)
		if err != nil {
			return nil, err
		}
		list = all
	case vocab.DialectDVCQGOpenCPS:
		raw, err := c.call(ctx, query{service: ServiceProcedure, fields: map[string]any{"maTTHC": maTTHC}})
		if err != nil {
			return nil, err
		}
		var up []upperThuTuc
		if err := c.decodeArray(ServiceProcedure, raw, &up); err != nil {
			return nil, err
		}
		for _, u := range up {
			list = append(list, u.thuTuc())
		}
	default:
		raw, err := c.call(ctx, query{service: ServiceProcedure, method: http.MethodGet, params: url.Values{"MaTTHC": {maTTHC}}, bare: true})
		if err != nil {
			return nil, err
		}
		if err := c.decodeArray(ServiceProcedure, raw, &list); err != nil {
			return nil, err
		}
	}
	for i := range list {
		if list[i].MaTTHC == maTTHC {
			return &list[i], nil
		}
	}
	return nil, &Error{Service: ServiceProcedure, Code: CodeFailed, Message: "Không tìm thấy thủ tục " + maTTHC + " (no such procedure)"}
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
