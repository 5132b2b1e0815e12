package mailsettings

import "slices"

// Evidence says how well the built-in database knows an endpoint, graded
// from the sources that state it (the same host, port and encryption). The
// levels, highest last, and what each promises:
//
//   - [EvidenceOfficial]: the provider itself says so, on its own help page
//     or in its own published autoconfig. Use it.
//   - [EvidenceCurated]: a maintained client database lists it (the
//     Thunderbird ISP database, the chatmail provider database, FairEmail's
//     list): people who run mail clients against thousands of accounts keep
//     it, but the provider has not said so to us. Use it.
//   - [EvidenceCorroborated]: two or more independent sources agree (copies
//     of one table count once), but none of them is official or curated.
//     Use it, and expect it to be right.
//   - [EvidenceReported]: one source says so, such as a user report, an
//     issue thread or one dataset. Such an endpoint is in the database only
//     when its host lies inside the provider's own domain and it is
//     encrypted, so a wrong one fails to connect rather than reaching a
//     stranger; probe it (see [Prober]) before you rely on it, and prefer
//     a higher level when one is offered.
//
// The zero value, EvidenceNone, is the level of every endpoint not from the
// built-in database (discovered, or built by the caller with
// [NewProvider]); such an endpoint's trust is the [Candidate]'s.
//
// [Settings.Endpoints] and [Settings.Best] never put an endpoint above a
// higher-level one of the same protocol; within a level, RFC 8314's order
// applies (implicit TLS before STARTTLS), and a plaintext endpoint comes
// after every encrypted one whatever its level.
type Evidence uint8

// The evidence levels.
const (
	EvidenceNone Evidence = iota
	EvidenceReported
	EvidenceCorroborated
	EvidenceCurated
	EvidenceOfficial
)

var evidenceEnum = &enum{typ: "Evidence", what: "evidence level", first: 1,
	texts: []string{
		EvidenceNone: "none", EvidenceReported: "reported", EvidenceCorroborated: "corroborated",
		EvidenceCurated: "curated", EvidenceOfficial: "official",
	}}

// valid reports whether e is one of the four levels (not EvidenceNone).
func (e Evidence) valid() bool { return evidenceEnum.valid(uint8(e)) }

// String returns the text form, such as "curated"; EvidenceNone is "none".
func (e Evidence) String() string {
	if e == EvidenceNone {
		return "none"
	}
	return evidenceEnum.String(uint8(e))
}

// MarshalText returns the text form. It fails for EvidenceNone and for
// undefined values.
func (e Evidence) MarshalText() ([]byte, error) { return evidenceEnum.marshal(uint8(e)) }

// UnmarshalText accepts the forms written by [Evidence.MarshalText], in any case.
func (e *Evidence) UnmarshalText(b []byte) error {
	v, err := evidenceEnum.unmarshal(b)
	if err == nil {
		*e = Evidence(v)
	}
	return err
}

// EndpointEvidence is what the built-in database knows about one endpoint:
// its level, its sources and when they were last checked.
//
// A source is a short stable reference of one of these forms:
//
//	ispdb:FILE          file FILE of the Thunderbird ISP database (MPL-2.0)
//	provider-db:FILE    file FILE of the chatmail provider database (MPL-2.0)
//	mailcore2:KEY       entry KEY of MailCore2's providers.json
//	k9:DOMAIN           the entry for DOMAIN in K-9 Mail's providers.xml
//	nodemailer:KEY      entry KEY of nodemailer's services.json
//	https://...         a web page: the provider's help page, or a report
//	OWNER/REPO PATH@REV a file of public code
//	code-search:N       a file of public code found by an exact-string
//	                    search that named neither repository nor path (all
//	                    such files count as one voice)
//	anything else       a description of a source without an address
//
// The snapshots' commits are in [DataVersion] and the README.
type EndpointEvidence struct {
	Endpoint ServerEndpoint `json:"-"`       // the endpoint it is about
	Level    Evidence       `json:"level"`   // how well it is known
	Sources  []string       `json:"sources"` // strongest first
	// Checked is the newest date a source vouches for it: a person's
	// check, a snapshot's date or the date a database gives; YYYY-MM-DD,
	// or YYYY-MM where the source gives only the month.
	Checked string `json:"checked"`
}

// clone returns a deep copy of e.
func (e EndpointEvidence) clone() EndpointEvidence {
	e.Sources = slices.Clone(e.Sources)
	return e
}
