// Package db holds the built-in provider database of mailsettings as plain
// Go values: [Providers], [MXRules], [DomainSuffixes] and [Evidence],
// generated into db_gen.go by internal/dbgen from the source snapshots in
// internal/dbgen/sources and the curated overlay in curated/*.json. Nothing
// reads JSON at run time, and nothing here runs at import time: the values
// are composite literals that the compiler lays out as static data.
//
// Every value here is read-only. The package mailsettings builds its table
// from them on first use and hands out copies; no other package may change
// them.
//
// A provider may have no endpoints: the database knows its domains but no
// settings it can vouch for (a closed service, or one whose ports no
// source states), and its notes say so.
//
// The field types are plain (strings and small integers) so that this
// package does not import mailsettings, which imports it. The integer codes
// equal the values of the corresponding mailsettings enumerations; the
// tests of mailsettings check that they do.
//
// Regenerate with go generate ./... (or go run ./internal/dbgen from the
// module root); go run ./internal/dbgen -report prints where the
// corroborating datasets disagree with the table.
package db

//go:generate go run ../dbgen -o db_gen.go

// Protocol codes (mailsettings.Protocol).
const (
	IMAP = 1
	POP3 = 2
	SMTP = 3
)

// Encryption codes (mailsettings.Encryption).
const (
	TLS      = 1 // implicit TLS
	STARTTLS = 2
	Plain    = 3
)

// Username form codes (mailsettings.UsernameForm).
const (
	Address            = 1 // %EMAILADDRESS%
	LocalPart          = 2 // %EMAILLOCALPART%
	LocalPartDotDomain = 3 // %EMAILLOCALPART%.%EMAILDOMAIN%
)

// Password kind codes (mailsettings.PasswordKind); 0 is unknown.
const (
	PasswordAccount    = 1
	PasswordApp        = 2
	PasswordAuthCode   = 3
	PasswordOAuth2Only = 4
)

// Note kind codes (mailsettings.NoteKind).
const (
	NotePassword    = 1
	NoteEnable      = 2
	NoteIMAPID      = 3
	NoteCertificate = 4
	NotePlaintext   = 5
	NoteGeneral     = 6
)

// Stock note codes: a [Note] with a stock code has no text of its own; the
// package mailsettings supplies its standard text (so that one text is kept
// in one place).
const (
	StockEnable    = 1 // "switch on IMAP/POP3 access in the web settings", URL where
	StockPlaintext = 2 // "this provider offers some protocols only without encryption"
)

// Evidence level codes (mailsettings.Evidence), highest last; 0 means no
// level (not from this database).
const (
	Reported     = 1 // one source, such as a user report or one dataset
	Corroborated = 2 // two or more independent sources agree
	Curated      = 3 // a maintained database (Thunderbird ISPDB, chatmail provider-db, FairEmail)
	Official     = 4 // the provider's own help page or its own published autoconfig
)

// A Provider is one mail service.
type Provider struct {
	ID       string // stable: a curated short name ("qq") or, for a generated record, its main domain ("gmx.net")
	Name     string // English display name
	NameHans string // name in Simplified Chinese, where the provider has one
	NameHant string // name in Traditional Chinese, where the provider has one
	// Domains are the mail domains, lower-case A-labels; a provider found
	// only by MX has none.
	Domains     []string
	Endpoints   []Endpoint // in preference order
	DocURL      string
	SettingsURL string
	Password    uint8 // password kind code
	IMAPID      bool  // IMAP clients must send ID (RFC 2971)
	OAuth2      *OAuth2
	Notes       []Note
	Source      string // where the provider-level facts (domains, notes) come from, for people
	Checked     string // newest Checked of its endpoints
}

// An Endpoint is one server of a provider.
type Endpoint struct {
	Host       string
	Port       uint16
	Protocol   uint8  // protocol code
	Encryption uint8  // encryption code
	Username   uint8  // username form code
	Evidence   uint16 // index into [Evidence]
}

// An EvidenceRecord says how well an endpoint is known. Endpoints with the
// same level, sources and date share one record.
type EvidenceRecord struct {
	Level uint8 // evidence level code
	// Sources are short stable references (see the package mailsettings
	// documentation of EndpointEvidence for their forms).
	Sources []string
	Checked string // YYYY-MM-DD, or YYYY-MM where the source gives only the month
}

// A Note is something a user must know or do.
type Note struct {
	Kind  uint8 // note kind code
	Stock uint8 // stock note code, or 0 when Text is the note's own
	Text  Text
	URL   string
}

// A Text is a message in English, Simplified and Traditional Chinese;
// English is always set.
type Text struct {
	En, Hans, Hant string
}

// OAuth2 is a provider's OAuth2 service.
type OAuth2 struct {
	Issuer   string
	Scopes   []string
	AuthURL  string
	TokenURL string
}

// An MXRule says that a domain whose MX host matches Pattern keeps its
// mailboxes at the provider with the ID Provider. A pattern is an exact
// host name, or "*." and a suffix that matches every host below the suffix
// (not the suffix itself).
type MXRule struct {
	Pattern, Provider string
}

// A DomainSuffix says that every domain below Suffix (not Suffix itself) is
// a mail domain of the provider with the ID Provider, such as the
// *.onmicrosoft.com domains of Microsoft 365 tenants.
type DomainSuffix struct {
	Suffix, Provider string
}
