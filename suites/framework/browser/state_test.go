package browser

import (
	"testing"
	"time"
)

// TestLoginReusing: a state saved after a login through the SSO pages logs
// a fresh tab (another browser context) in without the login pages; a
// portal that forgot the session makes it log in through the pages again.
func TestLoginReusing(t *testing.T) {
	b := needBrowser(t)
	fp := newFakePortal(t)
	logins := &Logins{}

	first := &Portal{Tab: newTab(t, b), Base: fp.base(), P: mockProfile(t)}
	if reused, err := first.LoginReusing(logins, citizenID, citizenPass); err != nil || reused {
		t.Fatalf("first login: reused %v, %v; want through the pages", reused, err)
	}

	second := &Portal{Tab: newTab(t, b), Base: fp.base(), P: mockProfile(t)}
	reused, err := second.LoginReusing(logins, citizenID, citizenPass)
	if err != nil || !reused {
		t.Fatalf("second login: reused %v, %v; want the saved state", reused, err)
	}
	if name, err := second.UserName(); name != vietName || err != nil {
		t.Errorf("user name with the saved state = %q, %v", name, err)
	}
	if got := second.Tab.maskWords(); len(got) != 1 || got[0] != vietName {
		t.Errorf("masked in evidence = %q, want the citizen's name", got)
	}

	// A state that no longer logs in is dropped, and the citizen logs in
	// through the pages (here refused: an unknown citizen).
	other := "079000000000"
	logins.put(first.loginKey(other), &StorageState{})
	third := &Portal{Tab: newTab(t, b), Base: fp.base(), P: mockProfile(t)}
	third.Tab.SetStepTimeout(2 * time.Second) // the refused login waits for the portal
	if reused, err := third.LoginReusing(logins, other, "x"); reused || err == nil {
		t.Errorf("unknown citizen with an empty state: reused %v, err %v; want a failed login through the pages", reused, err)
	}
	if logins.get(first.loginKey(other)) != nil {
		t.Error("the stale state was kept")
	}
}
