package payment

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"

	"github.com/dvcqa/dvcqa/vocab"
)

const (
	callbackAttempts = 3
	callbackTimeout  = 3 * time.Second        // per attempt, so a hung partner cannot hold the citizen long
	callbackPause    = 100 * time.Millisecond // times the attempt number, between attempts
)

// callBack POSTs the signed Callback to the partner until it answers 2xx,
// at most callbackAttempts times, recording every attempt.
func (s *Server) callBack(ctx context.Context, t Transaction) {
	cb := Callback{
		MaDoiTac: t.Request.MaDoiTac, MaThamChieu: t.Request.MaThamChieu, MaGiaoDich: t.MaGiaoDich,
		SoTien: t.Request.SoTien, TrangThaiGD: t.TrangThaiGD, ThoiGianGD: t.ThoiGianGD,
	}
	g := s.signer()
	g.reversed = g.reversed || s.defect(defectCallbackFieldOrder)
	var body []byte
	if s.dialect == vocab.DialectPaymentPublished {
		body = s.publishedCallback(t, g)
	} else {
		g.sign(&cb, s.partners[cb.MaDoiTac].Secret)
		body, _ = json.Marshal(cb) // plain strings and numbers cannot fail
	}
	for attempt := 1; attempt <= callbackAttempts; attempt++ {
		status, err := s.post(ctx, t.Request.UrlCallback, body)
		rec := CallbackAttempt{At: s.now(), Status: status}
		if err != nil {
			rec.Err = err.Error()
		}
		s.mu.Lock()
		if kept := s.byID[t.MaGiaoDich]; kept != nil { // nil: evicted meanwhile
			kept.Callbacks = append(kept.Callbacks, rec)
		}
		s.mu.Unlock()
		if err == nil && status/100 == 2 {
			return
		}
		if attempt < callbackAttempts {
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Duration(attempt) * callbackPause):
			}
		}
	}
}

func (s *Server) post(ctx context.Context, target string, body []byte) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, callbackTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := s.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	return resp.StatusCode, nil
}
