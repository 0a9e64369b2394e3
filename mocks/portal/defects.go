package portal

import "github.com/dvcqa/dvcqa/mocks/internal/httpx"

// Seeded defects the portal reads (names of the registry in mocks/defects).
// Each is decided in one place, next to the behaviour it breaks; the
// comment there says what goes wrong.
const (
	defectPrefillWrongCitizen  = "prefill-wrong-citizen"              // form.go, prefillSubject
	defectPrefillMissingField  = "prefill-missing-field"              // form.go, form
	defectTokenNotVerified     = "sso-token-not-verified"             // auth.go, authenticate
	defectExpiredAccepted      = "sso-expired-accepted"               // auth.go, authenticate
	defectFeeWrongAmount       = "fee-wrong-amount"                   // dossiers.go, feeOf
	defectCallbackUnsigned     = "payment-callback-unsigned-accepted" // payment.go, handlePaymentCallback
	defectPaymentNotRecorded   = "payment-not-recorded"               // payment.go, handlePaymentCallback
	defectStatusStuck          = "status-stuck"                       // workflow.go, stuck
	defectDeadlineMissed       = "deadline-missed"                    // workflow.go, process
	defectOfficerUnchecked     = "officer-action-unchecked"           // backoffice_actions.go, act
	defectAppointmentDateWrong = "appointment-date-wrong"             // workflow.go, appointment
	defectResultUnsigned       = "result-unsigned"                    // result.go, issueResult
	defectResultWrongApplicant = "result-wrong-applicant"             // result.go, issueResult
	defectSyncMissing          = "dvcqg-sync-missing"                 // workflow.go, advance
	defectStatusLag            = "dvcqg-status-lag"                   // workflow.go, advance
	defectHistoryGap           = "dvcqg-history-gap"                  // workflow.go, advance
	defectDuplicateOnRetry     = "duplicate-on-retry"                 // dossiers.go, submitOnce
	defectValidation500        = "validation-500"                     // dossiers.go, check
	defectErrorLeaksStack      = "error-leaks-stack"                  // dossiers.go, leakedStack
	defectChainBroken          = "chain-broken"                       // workflow.go, finish
	defectSubmitDisabled       = "submit-disabled"                    // web_form.go, submitDisabled
	defectA11yContrastLow      = "a11y-contrast-low"                  // web_pages.go, lowContrast
)

// Seeded defects that prove the service spec kinds can fail (registered in
// mocks/defects/registry_services.go).
const (
	defectIDFormatUnchecked          = "id-format-unchecked"          // validate.go, validateFields
	defectRequiredAsFormat           = "required-as-format-error"     // dossiers.go, check
	defectAuthNotRequired            = "auth-not-required"            // auth.go, auth
	defectChallengeMissing           = "www-authenticate-missing"     // auth.go, auth
	defectIdempotencyConflictIgnored = "idempotency-conflict-ignored" // dossiers.go, submitOnce
	defectWebErrorHidden             = "web-error-hidden"             // web_form.go, renderForm
	defectChainWrongApplicant        = "chain-wrong-applicant"        // workflow.go, openChainStep
	defectStatusCodesSwapped         = "status-codes-swapped"         // rules.go, statusCode
	defectCalendarSaturday           = "calendar-saturday-working"    // rules.go, calendar
	defectDossierCodeFormat          = "dossier-code-format"          // rules.go, dossierCode
	defectPersonalIDLenient          = "personal-id-lenient"          // rules.go, personalIDOK
	defectDateLenient                = "date-validation-lenient"      // rules.go, dateOK
	defectPhoneLenient               = "phone-validation-lenient"     // rules.go, phoneOK
	defectResultPDFTampered          = "result-pdf-tampered"          // result.go, issueResult
	defectResultSignerUntrusted      = "result-signer-untrusted"      // result.go, issueResult
	defectResultSignerExpired        = "result-signer-expired"        // result.go, issueResult
	defectChainStepStuck             = "chain-step-stuck"             // workflow.go, openChainStep
)

// defect reports whether the named defect is switched on for the service
// (the catalog id concerned, "" when not known) in this portal's province,
// with its parameter. No Defects means a correct portal.
func (s *Server) defect(name, service string) (param string, on bool) {
	return httpx.Switch(s.opts.Defects, name, service, s.opts.Province.Code)
}
