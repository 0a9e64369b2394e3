package portal

import (
	"cmp"
	"time"
)

// Retention bounds what a portal keeps, so that a mock left running under
// load does not grow without end. Evicted first are the oldest; never one
// in use.
//
// A dossier is in use while an officer has a step scheduled on it (it is
// being processed), or when it, or any follow-on dossier of its chain, was
// used less than DossierIdle ago in real time: created, moved to another
// state, read or listed by its owner (API or web), or named by a payment
// callback. A follow-on dossier is evicted with its main dossier, never
// alone. An evicted dossier answers 404 like one that never existed, and
// its idempotency key is forgotten with it.
//
// An upload is in use for DossierIdle after it was uploaded (a citizen
// filling the form); a dossier keeps its own copy of what it was
// submitted with, so evicting an upload never changes a dossier.
type Retention struct {
	MaxDossiers    int           // dossiers kept (follow-on dossiers count); 0 = DefaultMaxDossiers
	MaxAttachments int           // uploads kept; 0 = DefaultMaxAttachments
	DossierIdle    time.Duration // 0 = DefaultDossierIdle
	MaxSessions    int           // web sessions kept (besides their 30 min idle expiry); 0 = DefaultMaxSessions
}

// Defaults, per province's portal: the world runs 34, so a soak that
// spreads over every province stays within a few hundred MB and a run
// against one province within tens.
const (
	DefaultMaxDossiers    = 2000
	DefaultMaxAttachments = 4000
	DefaultDossierIdle    = time.Minute
	DefaultMaxSessions    = 5000
)

func (r Retention) withDefaults() Retention {
	r.MaxDossiers = cmp.Or(r.MaxDossiers, DefaultMaxDossiers)
	r.MaxAttachments = cmp.Or(r.MaxAttachments, DefaultMaxAttachments)
	r.DossierIdle = cmp.Or(r.DossierIdle, DefaultDossierIdle)
	r.MaxSessions = cmp.Or(r.MaxSessions, DefaultMaxSessions)
	return r
}

// Evicted is how many dossiers and uploads were dropped for the bounds.
func (s *Server) Evicted() (dossiers, attachments int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.order.Evicted(), s.attOrder.Evicted()
}

// Trim evicts what is over the bounds and no longer in use. Adding a
// dossier or an upload trims too; the world also calls Trim now and then,
// so that memory comes back after a burst even when nothing new arrives.
func (s *Server) Trim() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trimDossiers()
	s.trimAttachments()
}

// Kept is how many dossiers and uploads the portal holds now.
func (s *Server) Kept() (dossiers, attachments int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.dossiers), len(s.attachments)
}

// touch notes a dossier as used now. The caller holds s.mu.
func (s *Server) touch(d *dossier) { d.usedAt = s.clock.Now() }

// eachDossier calls f on every dossier, oldest first. The caller holds s.mu.
func (s *Server) eachDossier(f func(*dossier)) {
	s.order.Each(func(id string) bool {
		if d := s.dossiers[id]; d != nil {
			f(d)
		}
		return true
	})
}

// inUse: the dossier or a follow-on of it is being processed or was used
// within the idle time. The caller holds s.mu.
func (s *Server) inUse(d *dossier, now time.Time) bool {
	if d.pending > 0 || now.Sub(d.usedAt) < s.opts.Retention.DossierIdle {
		return true
	}
	for _, c := range d.children {
		if s.inUse(c, now) {
			return true
		}
	}
	return false
}

// trimDossiers holds the dossiers to MaxDossiers. The caller holds s.mu.
func (s *Server) trimDossiers() {
	now := s.clock.Now()
	s.order.Trim(len(s.dossiers), s.opts.Retention.MaxDossiers,
		func(id string) bool { return s.dossiers[id] != nil },
		func(id string) int {
			d := s.dossiers[id]
			if d.parent != nil || s.inUse(d, now) { // a follow-on goes with its main dossier
				return 0
			}
			return s.forget(d)
		})
}

// forget drops a dossier and its follow-ons, and the idempotency key that
// created it; it returns how many dossiers went. The caller holds s.mu.
func (s *Server) forget(d *dossier) int {
	n := 1
	delete(s.dossiers, d.id)
	delete(s.byCode, d.code)
	if d.idem != nil {
		if e := s.idem[*d.idem]; e != nil && e.dossier == d {
			delete(s.idem, *d.idem)
		}
	}
	for _, c := range d.children {
		n += s.forget(c)
	}
	return n
}

// trimAttachments holds the uploads to MaxAttachments. The caller holds s.mu.
func (s *Server) trimAttachments() {
	now := s.clock.Now()
	s.attOrder.Trim(len(s.attachments), s.opts.Retention.MaxAttachments,
		func(id string) bool { return s.attachments[id] != nil },
		func(id string) int {
			if now.Sub(s.attachments[id].at) < s.opts.Retention.DossierIdle {
				return 0
			}
			delete(s.attachments, id)
			return 1
		})
}
