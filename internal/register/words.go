package register

// Kind is a step of a file (bước trong hồ sơ).
type Kind string

// The steps, in the order of the procedure.
const (
	Outstanding         Kind = "outstanding"
	Sympathiser         Kind = "sympathiser"
	Course              Kind = "course"
	Application         Kind = "application"
	Verification        Kind = "verification"
	Sponsors            Kind = "sponsors"
	CellResolution      Kind = "cell_resolution"
	Decision            Kind = "decision"
	Ceremony            Kind = "ceremony"
	RecognitionVote     Kind = "recognition_vote"
	RecognitionDecision Kind = "recognition_decision"
	NotRecognised       Kind = "not_recognised"
	Withdrawn           Kind = "withdrawn"
	Transferred         Kind = "transferred"
)

// Kinds lists the steps in the order of the procedure.
var Kinds = []Kind{Outstanding, Sympathiser, Course, Application, Verification, Sponsors, CellResolution,
	Decision, Ceremony, RecognitionVote, RecognitionDecision, NotRecognised, Withdrawn, Transferred}

var kindLabels = map[Kind]string{
	Outstanding:         "Chi bộ giới thiệu quần chúng ưu tú",
	Sympathiser:         "Vào danh sách cảm tình đảng",
	Course:              "Học lớp nhận thức về Đảng",
	Application:         "Đơn xin vào Đảng, lý lịch",
	Verification:        "Thẩm tra lý lịch",
	Sponsors:            "Người giới thiệu",
	CellResolution:      "Nghị quyết chi bộ đề nghị kết nạp",
	Decision:            "Quyết định kết nạp",
	Ceremony:            "Lễ kết nạp",
	RecognitionVote:     "Chi bộ xét công nhận chính thức",
	RecognitionDecision: "Quyết định công nhận đảng viên chính thức",
	NotRecognised:       "Không công nhận, xóa tên",
	Withdrawn:           "Rút khỏi danh sách",
	Transferred:         "Chuyển hồ sơ sang chi bộ khác",
}

// Label is the step's Vietnamese name.
func (k Kind) Label() string { return kindLabels[k] }

// Valid reports whether k is a step.
func (k Kind) Valid() bool { _, ok := kindLabels[k]; return ok }

// Closes reports whether a file ends with step k: nothing is recorded after it.
func (k Kind) Closes() bool { return k == RecognitionDecision || k == NotRecognised || k == Withdrawn }

// ByCommittee reports whether step k is the decision of the committee over the cell, recorded
// by its staff, not by the cell.
func (k Kind) ByCommittee() bool {
	return k == Decision || k == RecognitionDecision || k == NotRecognised
}

// Field names a step's detail beyond its date and document, as forms name their inputs.
const (
	FieldHelper      = "helper"
	FieldIssuer      = "issuer"
	FieldVotesFor    = "votes_for"
	FieldFullMembers = "full_members"
	FieldConsent     = "consent"
	FieldExtended    = "extended"
	FieldToCell      = "to_cell"
)

// Needs lists the details step k records besides its date and document: the form asks for these
// only.
func (k Kind) Needs() []string {
	switch k {
	case Sympathiser, Sponsors:
		return []string{FieldHelper}
	case Course:
		return []string{FieldIssuer}
	case CellResolution:
		return []string{FieldVotesFor, FieldFullMembers, FieldConsent}
	case RecognitionVote:
		return []string{FieldVotesFor, FieldFullMembers}
	case Decision, RecognitionDecision:
		return []string{FieldExtended}
	case Transferred:
		return []string{FieldToCell}
	}
	return nil
}

// NeedsDocument reports whether step k must name its document (resolution, decision).
func (k Kind) NeedsDocument() bool {
	switch k {
	case Outstanding, CellResolution, Decision, RecognitionVote, RecognitionDecision, NotRecognised:
		return true
	}
	return false
}

// Sexes, occupation groups and education levels a file records, with their labels.
var (
	Sexes = []Option{{"male", "Nam"}, {"female", "Nữ"}}
	// Occupations are the groups of Biểu 2 (11-HD/BTCTW).
	Occupations = []Option{{"farmer", "Nông dân"}, {"worker", "Công nhân, người lao động trong doanh nghiệp"},
		{"civil_servant", "Cán bộ, công chức, viên chức"}, {"armed_forces", "Lực lượng vũ trang"},
		{"student", "Học sinh, sinh viên"}, {"business_owner", "Chủ doanh nghiệp tư nhân"},
		{"hamlet_staff", "Người hoạt động không chuyên trách ở ấp, khu phố"}, {"other", "Khác"}}
	Educations = []Option{{"primary", "Tiểu học"}, {"lower_secondary", "Trung học cơ sở"},
		{"upper_secondary", "Trung học phổ thông"}, {"vocational", "Trung cấp"}, {"college", "Cao đẳng"},
		{"university", "Đại học"}, {"postgraduate", "Sau đại học"}}
)

// Option is a coded value and its Vietnamese label.
type Option struct{ Code, Label string }

// LabelOf is the label of code among options, "" for none.
func LabelOf(options []Option, code string) string {
	for _, o := range options {
		if o.Code == code {
			return o.Label
		}
	}
	return ""
}

// ClockKind is a deadline (thời hạn) the register keeps.
type ClockKind string

// The deadlines.
const (
	CertificateClock         ClockKind = "certificate"
	DossierClock             ClockKind = "dossier"
	DecisionClock            ClockKind = "decision"
	CeremonyClock            ClockKind = "ceremony"
	ProbationClock           ClockKind = "probation"
	RecognitionVoteClock     ClockKind = "recognition_vote"
	RecognitionDecisionClock ClockKind = "recognition_decision"
	SponsorClock             ClockKind = "sponsor" // a sponsor ceased to qualify: due the day they ceased
)

// ClockKinds lists every deadline.
var ClockKinds = []ClockKind{CertificateClock, DossierClock, DecisionClock, CeremonyClock, ProbationClock,
	RecognitionVoteClock, RecognitionDecisionClock, SponsorClock}

var clockLabels = map[ClockKind]string{
	CertificateClock:         "Giấy chứng nhận lớp nhận thức về Đảng hết hạn",
	DossierClock:             "Hồ sơ quá 12 tháng chưa được chi bộ xét",
	DecisionClock:            "Hạn ra quyết định kết nạp",
	CeremonyClock:            "Hạn tổ chức lễ kết nạp",
	ProbationClock:           "Hết thời gian dự bị",
	RecognitionVoteClock:     "Hạn chi bộ xét công nhận chính thức",
	RecognitionDecisionClock: "Hạn quyết định công nhận chính thức",
	SponsorClock:             "Người giới thiệu không còn đủ điều kiện: ghi lại bước giới thiệu",
}

// Label is the deadline's Vietnamese name.
func (k ClockKind) Label() string { return clockLabels[k] }

// path is the procedure's main line of steps, in order.
var path = []Kind{Outstanding, Sympathiser, Course, Application, Verification, Sponsors, CellResolution,
	Decision, Ceremony, RecognitionVote, RecognitionDecision}

// auditLabels name the keys a file's audit entries record.
var auditLabels = map[string]string{
	"name": "Họ và tên", "birth_date": "Ngày sinh", "sex": "Giới tính", "ethnicity": "Dân tộc", "religion": "Tôn giáo",
	"occupation": "Nghề nghiệp", "education": "Trình độ học vấn", "youth_union": "Đoàn viên", "hamlet_id": "Ấp, khu phố (mã số)",
	"workplace": "Nơi làm việc", "readmission": "Kết nạp lại", "national_id": "Số định danh (đã che)", "kind": "Bước", "date": "Ngày",
	"document": "Số văn bản", FieldHelper: "Đảng viên giúp đỡ, người giới thiệu", FieldIssuer: "Nơi cấp giấy chứng nhận",
	FieldVotesFor: "Số tán thành", FieldFullMembers: "Số đảng viên chính thức", FieldConsent: "Văn bản đồng ý của Tỉnh ủy",
	FieldExtended: "Trong thời gian gia hạn", FieldToCell: "Chi bộ nhận (mã số)",
	"sponsors": "Người giới thiệu", "sponsor": "Người giới thiệu", "created": "Ngày lập hồ sơ", "closed": "Kết thúc",
	"redacted_entries": "Số mục nhật ký trước đó đã xóa dữ liệu cá nhân",
	// readmission facts
	"left_on": "Ngày ra khỏi Đảng", "cause": "Lý do ra khỏi Đảng", "expunged_on": "Ngày được xóa án tích",
	"readmitted_before": "Đã được kết nạp lại trước đây", "consent_on": "Ngày Tỉnh ủy đồng ý",
	"consent_document": "Văn bản đồng ý của Tỉnh ủy",
	// the province's retention period
	"years": "Thời hạn lưu hồ sơ (năm)",
}

// AuditLabel is the Vietnamese name of a key a file's audit entries record, "" for none.
func AuditLabel(key string) string { return auditLabels[key] }

// AuditValue is the Vietnamese label of a coded value a file's audit entries record (sex,
// occupation, education, the cause of leaving, a step), "" for none.
func AuditValue(key, v string) string {
	if key == "kind" {
		return Kind(v).Label()
	}
	return LabelOf(map[string][]Option{"sex": Sexes, "occupation": Occupations, "education": Educations, "cause": LeaveCauses}[key], v)
}
