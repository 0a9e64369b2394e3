// Package refs holds the harness's own references for rules that both the
// harness and a mock implement: the working-day calendar and appointment
// date, and the field validation rules of the portal's forms (personal ID
// number, dates, phone numbers). They are written apart from fixtures/ and
// mocks/ on purpose (N-version checking): an expected value formed with the
// mock's own code would agree with the mock on its mistakes. Only the
// holiday DATA (fixtures/calendar.yaml) is shared; every rule is coded here
// again and pinned by golden vectors taken from public material, not
// computed by this code (see the _test.go files, each vector says where it
// comes from).
//
// Protocol rules live next to the harness's clients instead: the national
// portal's status table, date layout and dossier code in api/dvcqg, the
// payment signatures in api/payment, the result signature in api/portal and
// the ID-token rules in api/sso.
package refs
