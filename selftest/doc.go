// Package selftest proves the harness can fail: its tests switch on each
// seeded defect of the mock world and check that exactly the declared specs
// catch it, with a message naming the symptom, while the rest stay green;
// and that a healthy world stays green run after run.
package selftest
