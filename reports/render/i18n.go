package render

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dvcqa/dvcqa/fixtures"
	"github.com/dvcqa/dvcqa/reports"
	"github.com/dvcqa/dvcqa/vocab"
)

// Languages of the human renderings (index.html, summary.md). Vietnamese is
// the default: the reports are read by provincial and ministry staff.
const (
	LangVI = "vi"
	LangEN = "en"
)

// i18nLang normalises a language argument: "en", "EN", "en-GB" → "en";
// anything else → "vi".
func i18nLang(lang string) string {
	l := strings.ToLower(strings.TrimSpace(lang))
	if l == LangEN || strings.HasPrefix(l, "en-") || strings.HasPrefix(l, "en_") {
		return LangEN
	}
	return LangVI
}

// i18nText holds every UI string of the renderings, one small map per
// language. Both maps have the same keys (a test checks it). Strings with
// verbs are fmt formats.
var i18nText = map[string]map[string]string{
	LangVI: {
		"title":                "Báo cáo sẵn sàng vận hành",
		"kicker":               "dvcqa · Kiểm thử tích hợp dịch vụ công trực tuyến",
		"province_fmt":         "tỉnh %s",
		"city_fmt":             "thành phố %s",
		"provinces_fmt":        "%d tỉnh, thành phố",
		"run":                  "Lần chạy",
		"started":              "Bắt đầu",
		"finished":             "Kết thúc",
		"tz":                   "giờ Việt Nam, UTC+7",
		"duration":             "Thời lượng",
		"dur_fmt_m":            "%d phút %d giây",
		"dur_fmt_s":            "%d giây",
		"gate_label":           "Kết luận theo tiêu chí vận hành",
		"gate_passed":          "ĐẠT",
		"gate_failed":          "KHÔNG ĐẠT",
		"hl_services":          "Toàn trình: %d/%d dịch vụ",
		"hl_prov_dvcqg":        "Kết nối Cổng DVCQG: %d/%d tỉnh",
		"hl_prov_dbs":          "Kết nối CSDL quốc gia: %d/%d tỉnh",
		"prov_matrix":          "Tỉnh × dịch vụ",
		"prov_matrix_note":     "Mỗi ô: mức sẵn sàng của dịch vụ tại tỉnh. ✓ sẵn sàng · ✗ không đạt · ? chưa kiểm chứng · ⊘ bị chặn · ≈ chập chờn · W miễn trừ.",
		"hl_waived":            "(%d được miễn trừ)",
		"hl_not_verified":      "(%d chưa kiểm chứng)",
		"hl_sync_unproven":     "chưa kiểm chứng",
		"partial_title":        "LẦN CHẠY MỘT PHẦN — KHÔNG DÙNG ĐỂ KẾT LUẬN VẬN HÀNH",
		"partial_body":         "Lần chạy này không kiểm tra đủ mọi bước bắt buộc, nên không thể cho kết luận ĐẠT:",
		"partial_label_filter": "chỉ chạy các kịch bản theo bộ lọc nhãn %s",
		"partial_no_submit":    "hồ sơ mục tiêu không cho phép nộp hồ sơ (allow.submit: false)",
		"partial_no_pay":       "hồ sơ mục tiêu không cho phép thanh toán (allow.pay: false)",
		"partial_not_verified": "%s mục có bước kiểm tra bắt buộc không chạy",
		"health_note_title":    "Kiểm tra tình trạng mâu thuẫn với kết quả kiểm thử",
		"health_note_fmt":      "%s báo ngừng (%s) khi bắt đầu, nhưng %d kịch bản dùng hệ thống này vẫn đạt: hãy kiểm tra địa chỉ kiểm tra tình trạng hoặc sự cố chập chờn.",
		"a11y_warning":         "cảnh báo tiếp cận",
		"unverified_fmt":       "chưa kiểm chứng %s: %s",
		"hl_dbs":               "CSDL quốc gia: %d/%d kết nối",
		"hl_sync":              "Đồng bộ DVCQG: %s",
		"hl_sync_ok":           "đạt",
		"hl_sync_fail":         "chưa đạt",
		"seeded_title":         "CÓ LỖI CÀI SẴN — KHÔNG PHẢI KẾT LUẬN VẬN HÀNH",
		"seeded_body":          "Lần chạy này bật lỗi cài sẵn trong môi trường giả lập để kiểm tra chính bộ kiểm thử; kết quả không phản ánh hệ thống thật. Lỗi đã bật:",
		"watermark":            "LỖI CÀI SẴN · KHÔNG DÙNG ĐỂ VẬN HÀNH",
		"mock_note":            "Chạy trên môi trường giả lập (mock) của dvcqa, không phải hệ thống thật của địa phương.",
		"gate_rules":           "Tiêu chí vận hành",
		"col_rule":             "Tiêu chí",
		"col_want":             "Yêu cầu",
		"col_got":              "Thực tế",
		"col_result":           "Kết quả",
		"rule_ok":              "đạt",
		"rule_fail":            "không đạt",
		"no_rules":             "Hồ sơ mục tiêu không khai báo tiêu chí vận hành.",
		"meta":                 "Thông tin lần chạy",
		"m_target":             "Mục tiêu",
		"m_kind":               "Loại mục tiêu",
		"m_target_file":        "Tệp mục tiêu",
		"m_province":           "Tỉnh, thành phố",
		"m_seed":               "Hạt giống dữ liệu (seed)",
		"m_filter":             "Bộ lọc nhãn",
		"m_filter_all":         "không lọc (toàn bộ)",
		"m_defects":            "Lỗi cài sẵn",
		"m_none":               "không",
		"m_harness":            "Phiên bản dvcqa",
		"m_flake":              "Số lần chạy lại khi lỗi",
		"m_waivers":            "Tệp miễn trừ",
		"m_shards":             "Các lần chạy được gộp",
		"m_specs":              "Kịch bản kiểm thử",
		"m_specs_fmt":          "%d kịch bản · %d đạt · %d lỗi · %d bỏ qua · %d không ổn định",
		"systems":              "Hệ thống phụ thuộc: phiên bản và tình trạng lúc bắt đầu",
		"col_system":           "Hệ thống",
		"col_version":          "Phiên bản",
		"col_health":           "Tình trạng",
		"col_detail":           "Chi tiết",
		"health_ok":            "hoạt động",
		"health_down":          "ngừng",
		"health_slow":          "chậm",
		"health_unknown":       "không rõ",
		"services":             "Dịch vụ công trực tuyến thiết yếu",
		"col_id":               "Mã",
		"col_service":          "Dịch vụ",
		"col_agency":           "Cơ quan",
		"col_readiness":        "Kết luận",
		"col_trend":            "Xu hướng",
		"blocked_by":           "bị chặn bởi",
		"waiver":               "miễn trừ",
		"waiver_expires":       "hết hạn",
		"no_services":          "Không có dịch vụ nào trong báo cáo.",
		"checks_legend":        "Các bước kiểm tra",
		"symbols_legend":       "Ký hiệu",
		"agencies_legend":      "Cơ quan",
		"trend_note":           "Xu hướng: kết luận của các lần chạy gần nhất, cũ → mới; ô có viền đậm là lần chạy này.",
		"dbs":                  "Cơ sở dữ liệu quốc gia",
		"col_db":               "Cơ sở dữ liệu",
		"col_passed":           "Đạt",
		"col_failed":           "Lỗi",
		"no_dbs":               "Không có cơ sở dữ liệu nào trong báo cáo.",
		"platform":             "Hệ thống nền tảng",
		"col_platform":         "Hệ thống",
		"provinces":            "Theo tỉnh, thành phố",
		"col_province":         "Tỉnh, thành phố",
		"col_p_services":       "Toàn trình",
		"col_p_dbs":            "CSDL quốc gia",
		"col_p_sync":           "Đồng bộ DVCQG",
		"timings":              "Thời gian các bước",
		"col_layer":            "Lớp",
		"col_check":            "Bước",
		"col_count":            "Số lần",
		"col_median":           "Trung vị (ms)",
		"col_max":              "Lớn nhất (ms)",
		"col_bar":              "Trung vị / lớn nhất",
		"timings_note":         "Thanh đậm: trung vị; thanh nhạt: lớn nhất; cùng một thang cho mọi dòng.",
		"failures":             "Chi tiết lỗi",
		"no_failures":          "Không có lỗi nào.",
		"kind_service":         "Dịch vụ",
		"kind_db":              "CSDL quốc gia",
		"kind_platform":        "Nền tảng",
		"kind_suite":           "Khởi tạo bộ kiểm thử",
		"f_spec":               "Kịch bản",
		"f_check":              "Bước lỗi",
		"f_attempt":            "Lần thử",
		"f_attempt_fmt":        "lần %d (sau đó đạt khi chạy lại)",
		"f_location":           "Vị trí trong mã kiểm thử",
		"f_reason":             "Nguyên nhân đầy đủ",
		"f_http":               "Các yêu cầu HTTP cuối cùng trước lỗi (đã che thông tin cá nhân)",
		"f_system":             "Hệ thống",
		"f_operation":          "Thao tác",
		"f_field":              "Trường",
		"f_want":               "Mong đợi",
		"f_got":                "Thực tế",
		"f_blame":              "sai từ",
		"f_screenshot":         "Ảnh chụp màn hình",
		"f_page":               "Mã nguồn trang lúc lỗi",
		"f_console":            "Nhật ký console",
		"f_other":              "Tệp bằng chứng",
		"f_missing":            "Không tìm thấy tệp bằng chứng",
		"f_too_large":          "Tệp quá lớn để nhúng vào báo cáo, xem trong thư mục lần chạy",
		"f_not_image":          "Tệp không phải ảnh PNG/JPEG, không nhúng",
		"f_truncated":          "(đã cắt bớt; bản đầy đủ trong thư mục lần chạy)",
		"f_waiver":             "Miễn trừ",
		"f_waiver_fmt":         "phiếu %s · người chịu trách nhiệm %s · người duyệt %s · hết hạn %s",
		"f_more":               "các bước khác",
		"legend":               "Cách đọc kết luận",
		"legend_note":          "Mã kết luận giữ nguyên tiếng Anh như trong summary.json; ký hiệu và chữ đi kèm màu để người mù màu cũng đọc được.",
		"generated":            "Báo cáo tạo bởi dvcqa",
		"yes":                  "có",
		"no":                   "không",
		// Markdown.
		"md_not_ready_services": "Dịch vụ chưa sẵn sàng (%d/%d)",
		"md_not_ready_dbs":      "CSDL quốc gia chưa sẵn sàng (%d/%d)",
		"md_not_ready_platform": "Hệ thống nền tảng chưa sẵn sàng",
		"md_cause":              "Nguyên nhân",
		"md_not_run":            "Chưa kiểm chứng (%d): %s.",
		"md_a11y_warnings":      "Cảnh báo khả năng tiếp cận (%d, không làm lỗi kiểm thử: browser.a11y: warn)",
		"md_others_services":    "%d dịch vụ còn lại: READY.",
		"md_all_services":       "Cả %d dịch vụ: READY.",
		"md_others_dbs":         "%d CSDL còn lại: READY.",
		"md_all_dbs":            "Cả %d CSDL quốc gia: READY.",
		"md_suite":              "Lỗi khởi tạo bộ kiểm thử (%d)",
		"md_details":            "Chi tiết: index.html trong thư mục lần chạy.",
	},
	LangEN: {
		"title":                "Go-live readiness report",
		"kicker":               "dvcqa · Integration tests of online public services",
		"province_fmt":         "%s province",
		"city_fmt":             "%s city",
		"provinces_fmt":        "%d provinces and cities",
		"run":                  "Run",
		"started":              "Started",
		"finished":             "Finished",
		"tz":                   "Vietnam time, UTC+7",
		"duration":             "Duration",
		"dur_fmt_m":            "%d min %d s",
		"dur_fmt_s":            "%d s",
		"gate_label":           "Go-live gate",
		"gate_passed":          "PASSED",
		"gate_failed":          "FAILED",
		"hl_services":          "End to end: %d/%d services",
		"hl_prov_dvcqg":        "Connected to the national portal (DVCQG): %d/%d provinces",
		"hl_prov_dbs":          "Connected to the national databases: %d/%d provinces",
		"prov_matrix":          "Province × service",
		"prov_matrix_note":     "Each cell: the service's readiness in the province. ✓ ready · ✗ not ready · ? not verified · ⊘ blocked · ≈ flaky · W waived.",
		"hl_waived":            "(%d waived)",
		"hl_not_verified":      "(%d not verified)",
		"hl_sync_unproven":     "not verified",
		"partial_title":        "PARTIAL RUN — NOT A GO-LIVE VERDICT",
		"partial_body":         "This run did not check every required step, so it cannot pass the go-live gate:",
		"partial_label_filter": "only the specs of label filter %s ran",
		"partial_no_submit":    "the target profile does not allow submitting dossiers (allow.submit: false)",
		"partial_no_pay":       "the target profile does not allow paying fees (allow.pay: false)",
		"partial_not_verified": "%s item(s) whose required checks did not run",
		"health_note_title":    "Health probes contradict the specs",
		"health_note_fmt":      "%s was reported down (%s) at the start, yet %d specs that use it passed: check its health probe URL, or an intermittent outage.",
		"a11y_warning":         "accessibility warning",
		"unverified_fmt":       "not verified %s: %s",
		"hl_dbs":               "National databases: %d/%d connected",
		"hl_sync":              "DVCQG sync: %s",
		"hl_sync_ok":           "passed",
		"hl_sync_fail":         "not passed",
		"seeded_title":         "SEEDED DEFECTS — NOT A GO-LIVE VERDICT",
		"seeded_body":          "This run switched on seeded defects in the mock world to test the harness itself; its results say nothing about a real system. Defects on:",
		"watermark":            "SEEDED DEFECTS · NOT FOR GO-LIVE",
		"mock_note":            "Run against dvcqa's mock world, not a province's real systems.",
		"gate_rules":           "Go-live gate rules",
		"col_rule":             "Rule",
		"col_want":             "Required",
		"col_got":              "Actual",
		"col_result":           "Result",
		"rule_ok":              "passed",
		"rule_fail":            "failed",
		"no_rules":             "The target profile declares no gate rules.",
		"meta":                 "Run details",
		"m_target":             "Target",
		"m_kind":               "Target kind",
		"m_target_file":        "Target file",
		"m_province":           "Province",
		"m_seed":               "Data seed",
		"m_filter":             "Label filter",
		"m_filter_all":         "none (everything)",
		"m_defects":            "Seeded defects",
		"m_none":               "none",
		"m_harness":            "dvcqa version",
		"m_flake":              "Retries of failed specs",
		"m_waivers":            "Waivers file",
		"m_shards":             "Merged runs",
		"m_specs":              "Specs",
		"m_specs_fmt":          "%d specs · %d passed · %d failed · %d skipped · %d flaky",
		"systems":              "Dependencies: versions and health at the start",
		"col_system":           "System",
		"col_version":          "Version",
		"col_health":           "Health",
		"col_detail":           "Detail",
		"health_ok":            "up",
		"health_down":          "down",
		"health_slow":          "slow",
		"health_unknown":       "unknown",
		"services":             "Essential online public services",
		"col_id":               "ID",
		"col_service":          "Service",
		"col_agency":           "Agency",
		"col_readiness":        "Readiness",
		"col_trend":            "Trend",
		"blocked_by":           "blocked by",
		"waiver":               "waiver",
		"waiver_expires":       "expires",
		"no_services":          "No services in this report.",
		"checks_legend":        "Checks",
		"symbols_legend":       "Symbols",
		"agencies_legend":      "Agencies",
		"trend_note":           "Trend: readiness over the last runs, oldest → newest; the square with a heavy border is this run.",
		"dbs":                  "National databases",
		"col_db":               "Database",
		"col_passed":           "Passed",
		"col_failed":           "Failed",
		"no_dbs":               "No national databases in this report.",
		"platform":             "Platform systems",
		"col_platform":         "System",
		"provinces":            "By province",
		"col_province":         "Province",
		"col_p_services":       "End to end",
		"col_p_dbs":            "National databases",
		"col_p_sync":           "DVCQG sync",
		"timings":              "Step timings",
		"col_layer":            "Layer",
		"col_check":            "Step",
		"col_count":            "Count",
		"col_median":           "Median (ms)",
		"col_max":              "Max (ms)",
		"col_bar":              "Median / max",
		"timings_note":         "Dark bar: median; light bar: max; one scale for every row.",
		"failures":             "Failures",
		"no_failures":          "No failures.",
		"kind_service":         "Service",
		"kind_db":              "National database",
		"kind_platform":        "Platform",
		"kind_suite":           "Suite setup",
		"f_spec":               "Spec",
		"f_check":              "Failing step",
		"f_attempt":            "Attempt",
		"f_attempt_fmt":        "attempt %d (passed on a retry)",
		"f_location":           "Location in the test code",
		"f_reason":             "Full reason",
		"f_http":               "Last HTTP exchanges before the failure (personal data masked)",
		"f_system":             "System",
		"f_operation":          "Operation",
		"f_field":              "Field",
		"f_want":               "Expected",
		"f_got":                "Actual",
		"f_blame":              "first told by",
		"f_screenshot":         "Screenshot",
		"f_page":               "Page source at the failure",
		"f_console":            "Console log",
		"f_other":              "Evidence file",
		"f_missing":            "Evidence file not found",
		"f_too_large":          "File too large to embed; see the run folder",
		"f_not_image":          "Not a PNG/JPEG image, not embedded",
		"f_truncated":          "(truncated; the full file is in the run folder)",
		"f_waiver":             "Waiver",
		"f_waiver_fmt":         "ticket %s · owner %s · approved by %s · expires %s",
		"f_more":               "other steps",
		"legend":               "How to read the verdicts",
		"legend_note":          "Verdict codes are the English codes of summary.json; every colour comes with a symbol or a word for colour-blind readers.",
		"generated":            "Report generated by dvcqa",
		"yes":                  "yes",
		"no":                   "no",
		// Markdown.
		"md_not_ready_services": "Services not READY (%d/%d)",
		"md_not_ready_dbs":      "National databases not READY (%d/%d)",
		"md_not_ready_platform": "Platform systems not READY",
		"md_cause":              "Cause",
		"md_not_run":            "Not verified (%d): %s.",
		"md_a11y_warnings":      "Accessibility warnings (%d; they fail nothing: browser.a11y: warn)",
		"md_others_services":    "All %d other services: READY.",
		"md_all_services":       "All %d services: READY.",
		"md_others_dbs":         "All %d other national databases: READY.",
		"md_all_dbs":            "All %d national databases: READY.",
		"md_suite":              "Suite setup failures (%d)",
		"md_details":            "Details: index.html in the run folder.",
	},
}

// i18nReadinessOrder is the order verdicts are explained in.
var i18nReadinessOrder = []string{reports.Ready, reports.NotReady, reports.NotVerified, reports.Blocked, reports.Flaky, reports.Waived}

// i18nVerdict explains a readiness verdict: a gloss (the Vietnamese name
// the codes are read by) and a one-line meaning. The codes themselves stay
// English in both languages.
var i18nVerdict = map[string]map[string][2]string{
	LangVI: {
		reports.Ready:       {"Sẵn sàng", "mọi bước kiểm tra đều đạt"},
		reports.NotReady:    {"Chưa đạt", "có bước kiểm tra không đạt"},
		reports.NotVerified: {"Chưa kiểm chứng", "không có lỗi, nhưng có bước kiểm tra bắt buộc không chạy trong lần này"},
		reports.Blocked:     {"Bị chặn", "chưa đánh giá được: một hệ thống phụ thuộc được chứng minh là ngừng hoạt động"},
		reports.Flaky:       {"Không ổn định", "lỗi, rồi đạt khi chạy lại"},
		reports.Waived:      {"Được miễn trừ", "có lỗi, nhưng được miễn trừ hợp lệ (có phiếu, người duyệt, hạn)"},
		reports.NotRun:      {"Không chạy", "bị bộ lọc loại ra hoặc bị bỏ qua"},
	},
	LangEN: {
		reports.Ready:       {"Ready", "every check passed"},
		reports.NotReady:    {"Not ready", "a check failed"},
		reports.NotVerified: {"Not verified", "nothing failed, but a required check did not run in this run"},
		reports.Blocked:     {"Blocked", "not judged: a dependency was proven down"},
		reports.Flaky:       {"Flaky", "failed, then passed on a retry"},
		reports.Waived:      {"Waived", "failed, covered by a valid waiver (ticket, approver, expiry)"},
		reports.NotRun:      {"Not run", "filtered out or skipped"},
	},
}

// i18nCheck names the matrix columns: a short abbreviation for the column
// head and the full name for the legend and the failures (vocab.Columns).
var i18nCheck = func() map[string]map[string][2]string {
	out := map[string]map[string][2]string{LangVI: {}, LangEN: {}}
	for _, c := range vocab.Columns {
		out[LangVI][c.ID] = [2]string{c.AbbrVI, c.NameVI}
		out[LangEN][c.ID] = [2]string{c.AbbrEN, c.NameEN}
	}
	return out
}()

// i18nSymbol is the service matrix's symbol for each check result.
var i18nSymbol = []struct {
	Result, Sym, Class string
	Text               map[string]string
}{
	{reports.CheckPass, "✓", "c-pass", map[string]string{LangVI: "đạt", LangEN: "passed"}},
	{reports.CheckFail, "✗", "c-fail", map[string]string{LangVI: "lỗi", LangEN: "failed"}},
	{reports.CheckFlaky, "~", "c-flaky", map[string]string{LangVI: "không ổn định (lỗi, rồi đạt khi chạy lại)", LangEN: "flaky (failed, then passed on a retry)"}},
	{reports.CheckNotReached, "·", "c-nr", map[string]string{LangVI: "chưa tới (bước trước đã lỗi)", LangEN: "not reached (an earlier step failed)"}},
	{reports.CheckNA, "–", "c-na", map[string]string{LangVI: "không áp dụng", LangEN: "not applicable"}},
	{reports.CheckNotRun, "", "c-notrun", map[string]string{LangVI: "ô trống: không chạy", LangEN: "blank: not run"}},
}

// i18nLayer names the layers of the step timings.
var i18nLayer = map[string]map[string]string{
	LangVI: {vocab.LayerAPI: "API", vocab.LayerBrowser: "Trình duyệt"},
	LangEN: {vocab.LayerAPI: "API", vocab.LayerBrowser: "Browser"},
}

// i18nCityCodes are the centrally-run cities among the 34 provincial-level
// units (Resolution 202/2025/QH15), written "thành phố …" rather than
// "tỉnh …". Codes as in fixtures/provinces.yaml.
var i18nCityCodes = map[string]bool{"01": true, "31": true, "46": true, "48": true, "79": true, "92": true}

// i18nT returns the UI string for key; a missing key is a programming error
// that the tests catch, shown as the key itself.
func i18nT(lang, key string) string {
	if s, ok := i18nText[i18nLang(lang)][key]; ok {
		return s
	}
	return key
}

// i18nF formats the UI string for key.
func i18nF(lang, key string, args ...any) string {
	return fmt.Sprintf(i18nT(lang, key), args...)
}

// i18nCheckName returns the abbreviation and full name of a check.
func i18nCheckName(lang, check string) (abbr, name string) {
	if c, ok := i18nCheck[i18nLang(lang)][check]; ok {
		return c[0], c[1]
	}
	return check, check
}

// i18nHeadline is the ministry line, showing what was proven: "Toàn trình:
// 21/25 dịch vụ (4 chưa kiểm chứng) · CSDL quốc gia: 9/9 kết nối · Đồng bộ
// DVCQG: đạt".
func i18nHeadline(h reports.Headline, lang string) string {
	svc := i18nF(lang, "hl_services", h.ServicesReady, h.ServicesTotal)
	if h.ServicesWaived > 0 {
		svc += " " + i18nF(lang, "hl_waived", h.ServicesWaived)
	}
	if h.ServicesNotVerified > 0 {
		svc += " " + i18nF(lang, "hl_not_verified", h.ServicesNotVerified)
	}
	syncWord := i18nT(lang, "hl_sync_fail")
	switch {
	case h.SyncOK:
		syncWord = i18nT(lang, "hl_sync_ok")
	case h.SyncCounted == 0:
		syncWord = i18nT(lang, "hl_sync_unproven")
	}
	if h.ProvincesTotal > 0 {
		// The ministries' national form: provinces connected, then services.
		return i18nF(lang, "hl_prov_dvcqg", h.ProvincesDVCQG, h.ProvincesTotal) + " · " +
			i18nF(lang, "hl_prov_dbs", h.ProvincesDBs, h.ProvincesTotal) + " · " + svc
	}
	return svc + " · " + i18nF(lang, "hl_dbs", h.DBsReady, h.DBsTotal) + " · " + i18nF(lang, "hl_sync", syncWord)
}

// ReadinessMark is a readiness as one character, for the province ×
// service matrix: ✓ READY, ✗ NOT READY, ? NOT VERIFIED, ⊘ BLOCKED,
// ≈ FLAKY, W WAIVED.
func ReadinessMark(r string) string {
	switch r {
	case reports.Ready:
		return "✓"
	case reports.NotReady:
		return "✗"
	case reports.Blocked:
		return "⊘"
	case reports.Flaky:
		return "≈"
	case reports.Waived:
		return "W"
	}
	return "?"
}

// i18nPartial says why a run is partial, one line per reason.
func i18nPartial(ps []reports.PartialReason, lang string) []string {
	var out []string
	for _, p := range ps {
		switch p.Code {
		case "label_filter":
			out = append(out, i18nF(lang, "partial_label_filter", p.Detail))
		case "no_submit", "no_pay":
			out = append(out, i18nT(lang, "partial_"+p.Code))
		case "not_verified":
			out = append(out, i18nF(lang, "partial_not_verified", p.Detail))
		default:
			out = append(out, p.Detail)
		}
	}
	return out
}

// i18nHealthNotes words the probes that contradict the specs.
func i18nHealthNotes(ns []reports.HealthNote, lang string) []string {
	var out []string
	for _, n := range ns {
		out = append(out, i18nF(lang, "health_note_fmt", n.System, n.Detail, n.Passed))
	}
	return out
}

// i18nUnverified names a required check that did not run, and why.
func i18nUnverified(u reports.Unverified, lang string) string {
	what := u.Check
	if abbr, name := i18nCheckName(lang, u.Check); name != u.Check || abbr != u.Check {
		what = name
	} else if u.Spec != "" {
		what = u.Spec
	}
	return i18nF(lang, "unverified_fmt", what, u.Reason)
}

// i18nTitle is the report title with the target and its province.
func i18nTitle(s *reports.Summary, lang string) string {
	t := i18nT(lang, "title")
	name := s.Target.Name
	var where string
	switch {
	case s.Target.Province != "":
		where = i18nProvince(s.Target.Province, lang)
	case len(s.Meta.Provinces) == 1:
		where = i18nProvince(s.Meta.Provinces[0], lang)
	case len(s.Meta.Provinces) > 1:
		where = i18nF(lang, "provinces_fmt", len(s.Meta.Provinces))
	}
	switch {
	case name != "" && where != "":
		return t + " — " + name + " (" + where + ")"
	case name != "":
		return t + " — " + name
	case where != "":
		return t + " — " + where
	}
	return t
}

// i18nCatalog is the embedded catalog, for province and agency names.
var i18nCatalog = sync.OnceValue(func() *fixtures.Catalog {
	c, err := fixtures.Load()
	if err != nil {
		return &fixtures.Catalog{}
	}
	return c
})

// i18nProvince is "tỉnh Nghệ An", "thành phố Hà Nội", "TP Hồ Chí Minh" (vi)
// or "Nghe An province" (en) for a province code; an unknown code is kept.
func i18nProvince(code, lang string) string {
	name := code
	if p, ok := i18nCatalog().Province(code); ok {
		name = p.NameVI
		if i18nLang(lang) == LangEN && p.NameEN != "" {
			name = p.NameEN
		}
	}
	if strings.HasPrefix(name, "TP ") || strings.HasPrefix(name, "Thành phố ") {
		return name
	}
	if i18nCityCodes[code] {
		return i18nF(lang, "city_fmt", name)
	}
	return i18nF(lang, "province_fmt", name)
}

// i18nAgency is the full name of an agency id ("bca" → "Bộ Công an").
func i18nAgency(id, lang string) string {
	if a, ok := i18nCatalog().Agency(id); ok {
		if i18nLang(lang) == LangEN && a.NameEN != "" {
			return a.NameEN
		}
		return a.NameVI
	}
	return id
}

// i18nItemName is an item's name in the language, falling back to the other.
func i18nItemName(v *reports.Verdict, lang string) string {
	if i18nLang(lang) == LangEN && v.NameEN != "" {
		return v.NameEN
	}
	if v.NameVI != "" {
		return v.NameVI
	}
	if v.NameEN != "" {
		return v.NameEN
	}
	return v.ID
}

// i18nRule is a gate rule's description in the language.
func i18nRule(r reports.RuleResult, lang string) string {
	if i18nLang(lang) == LangVI && r.DescriptionVI != "" {
		return r.DescriptionVI
	}
	if r.Description != "" {
		return r.Description
	}
	if r.DescriptionVI != "" {
		return r.DescriptionVI
	}
	return r.ID
}

// i18nTime formats a time as dd/MM/yyyy HH:mm in Vietnam time.
func i18nTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(vocab.Vietnam).Format("02/01/2006 15:04")
}

// i18nDuration formats a run's duration.
func i18nDuration(d time.Duration, lang string) string {
	if d <= 0 {
		return "—"
	}
	sec := int(d.Round(time.Second) / time.Second)
	if sec < 60 {
		return i18nF(lang, "dur_fmt_s", sec)
	}
	return i18nF(lang, "dur_fmt_m", sec/60, sec%60)
}

// i18nMS formats milliseconds as a whole number with the language's
// thousands separator (12.345 in Vietnamese, 12,345 in English).
func i18nMS(ms float64, lang string) string {
	n := int64(ms + 0.5)
	s := strconv.FormatInt(n, 10)
	if n < 0 || len(s) <= 3 {
		return s
	}
	sep := "."
	if i18nLang(lang) == LangEN {
		sep = ","
	}
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}
