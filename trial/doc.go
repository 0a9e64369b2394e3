// Package trial runs trial campaigns (chạy thử nghiệm, trial runs) as the
// ministries ran theirs before go-live: test dossiers submitted once
// (Start), followed over hours or days on the portal and on the national
// portal, DVCQG (Follow, any number of times, e.g. nightly), reported as
// the ministries' figures (Compute, Write) and withdrawn at the end
// (Cleanup). Everything is kept in the store's ledger (package store,
// migrations/0002_trial.sql), so a CI workspace that starts empty each
// night still follows the same campaign.
package trial
