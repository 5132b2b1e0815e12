package mailsettings

import (
	"fmt"
	"slices"

	"github.com/mailsettings/mailsettings/internal/msg"
)

// A NoteKind classifies a [Note], as a short stable code ("password").
type NoteKind string

// The kinds of note.
const (
	// NotePassword says which secret to log in with (app password,
	// authorization code, OAuth2).
	NotePassword NoteKind = "password"
	// NoteEnable says that IMAP, POP3 or SMTP must be switched on in the
	// provider's web settings first.
	NoteEnable NoteKind = "enable"
	// NoteIMAPID says that IMAP clients must send the ID command (RFC 2971).
	NoteIMAPID NoteKind = "imap-id"
	// NoteCertificate is about server certificates, such as a hoster whose
	// certificate names only its own hosts.
	NoteCertificate NoteKind = "certificate"
	// NotePlaintext warns that the provider offers no encryption.
	NotePlaintext NoteKind = "plaintext"
	// NoteGeneral is anything else a user must act on.
	NoteGeneral NoteKind = "general"
)

// noteKinds are the kinds, in the order of their codes in the built-in
// database (internal/db), from 1.
func noteKinds() []NoteKind {
	return []NoteKind{NotePassword, NoteEnable, NoteIMAPID, NoteCertificate, NotePlaintext, NoteGeneral}
}

// valid reports whether k is one of the kinds above.
func (k NoteKind) valid() bool { return slices.Contains(noteKinds(), k) }

// A Note is something a user must know or do to use a provider.
type Note struct {
	Kind NoteKind `json:"kind"` // what the note is about
	Text Text     `json:"text"` // what to know or do
	// URL, if not empty, is where to act (a settings page).
	URL string `json:"url,omitempty"`
}

// enableNote is the stock note "switch IMAP/POP3 on in the web settings",
// pointing at url when known.
func enableNote(url string) Note {
	return Note{Kind: NoteEnable, URL: url, Text: textOf(msg.Get("note.enable"))}
}

// plaintextNote is the stock note "some protocols only without encryption".
func plaintextNote() Note {
	return Note{Kind: NotePlaintext, Text: textOf(msg.Get("note.plaintext"))}
}

// PasswordKind says which secret a provider accepts for IMAP, POP3 and
// SMTP, as a short code that is also its JSON form. The zero value, "",
// means it is not known (written "unknown" in JSON).
type PasswordKind string

// The password kinds.
const (
	// PasswordAccount is the password used on the provider's web site.
	PasswordAccount PasswordKind = "account-password"
	// PasswordApp is an app-specific password made in the account's
	// security settings (Gmail with 2-Step Verification, iCloud, Yahoo).
	PasswordApp PasswordKind = "app-password"
	// PasswordAuthCode is an authorization code (授权码) generated in the
	// web settings when IMAP/POP3/SMTP is switched on (QQ Mail, NetEase).
	PasswordAuthCode PasswordKind = "authorization-code"
	// PasswordOAuth2Only means no password works: the client must use
	// OAuth2 (XOAUTH2/OAUTHBEARER), as Outlook.com requires.
	PasswordOAuth2Only PasswordKind = "oauth2-only"
)

// passwordKinds lists the known kinds; a kind's place, from 1, is its
// code in the data.
func passwordKinds() [4]PasswordKind {
	return [...]PasswordKind{PasswordAccount, PasswordApp, PasswordAuthCode, PasswordOAuth2Only}
}

// valid reports whether k is "" or one of the defined kinds.
func (k PasswordKind) valid() bool {
	all := passwordKinds()
	return k == "" || slices.Contains(all[:], k)
}

// passwordKindOf returns the kind whose code is n, or "" (unknown).
func passwordKindOf(n int) PasswordKind { all := passwordKinds(); return codeOf(all[:], n) }

// OAuth2 describes a provider's OAuth2 service, as listed in the Mozilla
// autoconfig format.
type OAuth2 struct {
	Issuer   string   `json:"issuer"`              // "accounts.google.com" (autoconfig), or an https issuer URL (PACC, RFC 8414)
	Scopes   []string `json:"scopes,omitempty"`    // scopes to request, in order
	AuthURL  string   `json:"auth_url,omitempty"`  // authorization endpoint
	TokenURL string   `json:"token_url,omitempty"` // token endpoint
}

// ProviderInfo describes a mail provider. It is the plain, mutable form from
// which [NewProvider] builds an immutable [Provider].
type ProviderInfo struct {
	ID          string           // short stable identifier, such as "qq"
	Name        string           // display name, such as "QQ Mail"
	Domains     []string         // mail domains, normalized (lower-case A-labels)
	Endpoints   []ServerEndpoint // every endpoint offered, in any order
	DocURL      string           // the provider's help page for client settings
	SettingsURL string           // where to switch on IMAP/POP3/SMTP or make app passwords
	Password    PasswordKind     // which secret logs in
	IMAPID      bool             // IMAP clients must send ID (RFC 2971)
	OAuth2      *OAuth2          // the OAuth2 service, if listed
	Notes       []Note           // what a user must know or do, most important first
	Source      string           // where the provider-level facts (domains, notes) come from
	LastChecked string           // newest check date of its endpoints' sources (see [EndpointEvidence.Checked])

	// Names is the display name in other languages, where the provider
	// has one of its own (QQ邮箱); Names.English is Name.
	Names Text
	// Evidence says, for endpoints of the built-in database, how well
	// each is known (see [Evidence]); it is empty for providers from
	// elsewhere. Each entry names an endpoint of Endpoints.
	Evidence []EndpointEvidence
}

// clone returns a deep copy of i.
func (i ProviderInfo) clone() ProviderInfo {
	i.Domains = slices.Clone(i.Domains)
	i.Endpoints = slices.Clone(i.Endpoints)
	i.Notes = slices.Clone(i.Notes)
	i.Evidence = slices.Clone(i.Evidence)
	for k := range i.Evidence {
		i.Evidence[k] = i.Evidence[k].clone()
	}
	if i.OAuth2 != nil {
		o := *i.OAuth2
		o.Scopes = slices.Clone(o.Scopes)
		i.OAuth2 = &o
	}
	return i
}

// A Provider is a mail service and the settings for all of its domains. It
// is a small immutable handle, meant to be passed by value: its data is
// shared and cannot be reached except through methods that return copies,
// so nothing a caller does to a Provider from the built-in database changes
// what others see. Two Providers are == when they are the same record. The
// zero value is no provider: [Provider.IsZero] reports it, and its methods
// return zero values.
type Provider struct {
	info   *ProviderInfo // endpoints sorted into preference order; never handed out
	origin *origin       // nil for the built-in database's providers
}

// An origin says where a provider that is not from the built-in database
// came from: the caller ([NewProvider]), or a discovery or a stored
// candidate, with the one domain it answers for and the source, trust and
// reasons it was found with. It never changes: passing a provider back to
// a Discoverer, or storing and reloading it, cannot raise its trust.
type origin struct {
	domain  string // the only domain it answers for; "" for the caller's own, which answers for its Domains
	source  Source
	trust   Trust
	reasons []Reason
}

// NewProvider checks info and returns an immutable provider built from a
// copy of it, with the endpoints sorted into preference order (see
// [Settings.Endpoints]). It fails if the ID or Name is empty, a domain is not
// normalized, there is no endpoint, an endpoint is invalid or repeated, or
// an Evidence entry has no valid level or names no endpoint or one twice.
//
// The provider is the caller's own: given in [Discoverer.Providers], it
// answers for its Domains as source "caller" with [TrustCaller]. To keep the
// trust of a discovered provider, keep the [Candidate] (it round-trips
// through JSON) or its Provider value, not a copy of its ProviderInfo.
func NewProvider(info ProviderInfo) (Provider, error) {
	return newProvider(info, &origin{source: sourceCaller, trust: TrustCaller, reasons: []Reason{reasonCaller}})
}

// newProvider is NewProvider with the given origin.
func newProvider(info ProviderInfo, o *origin) (Provider, error) {
	info = info.clone()
	sortByPreference(info.Endpoints, info.Evidence)
	p := Provider{info: &info, origin: o}
	if err := p.check(); err != nil {
		return Provider{}, err
	}
	return p, nil
}

// answersFor reports whether p, given in [Discoverer.Providers], answers
// for domain: a discovered or stored provider only for the domain it came
// from, the others for their Domains.
func (p Provider) answersFor(domain string) bool {
	if p.IsZero() {
		return false
	}
	if p.origin != nil && p.origin.domain != "" {
		return p.origin.domain == domain
	}
	return slices.Contains(p.info.Domains, domain)
}

// label returns the source, trust and reasons of a candidate that p
// answers.
func (p Provider) label() (Source, Trust, []Reason) {
	if p.origin == nil {
		return sourceBuiltin, TrustCurated, []Reason{reasonCurated}
	}
	return p.origin.source, p.origin.trust, slices.Clone(p.origin.reasons)
}

// IsZero reports whether p is the zero Provider, which stands for no
// provider.
func (p Provider) IsZero() bool { return p.info == nil }

// data returns the provider's shared data, or empty data for the zero
// Provider. Callers must not change it.
func (p Provider) data() *ProviderInfo {
	if p.info == nil {
		return &ProviderInfo{}
	}
	return p.info
}

// check validates a provider's data.
func (p Provider) check() error {
	i := p.data()
	if i.ID == "" || i.Name == "" {
		return fmt.Errorf("mailsettings: provider %q: missing id or name", i.ID)
	}
	for _, d := range i.Domains {
		if q, err := parseQuery(d); err != nil || q.Domain != d || q.Local != "" {
			return fmt.Errorf("mailsettings: provider %q: domain %q is not a normalized domain", i.ID, d)
		}
	}
	if len(i.Endpoints) == 0 {
		return fmt.Errorf("mailsettings: provider %q: no endpoints", i.ID)
	}
	if !i.Password.valid() {
		return fmt.Errorf("mailsettings: provider %q: %s", i.ID, invalidCode("password kind", string(i.Password)))
	}
	for k, e := range i.Endpoints {
		if err := e.Validate(); err != nil {
			return fmt.Errorf("mailsettings: provider %q: %w", i.ID, err)
		}
		if slices.Index(i.Endpoints, e) != k {
			return fmt.Errorf("mailsettings: provider %q: endpoint %v listed twice", i.ID, e)
		}
	}
	for _, n := range i.Notes {
		if !n.Kind.valid() || n.Text.String() == "" {
			return fmt.Errorf("mailsettings: provider %q: note without kind or English text", i.ID)
		}
	}
	for k, f := range i.Evidence {
		if !f.Level.valid() || !slices.Contains(i.Endpoints, f.Endpoint) ||
			slices.IndexFunc(i.Evidence, func(g EndpointEvidence) bool { return g.Endpoint == f.Endpoint }) != k {
			return fmt.Errorf("mailsettings: provider %q: evidence for %v without a level, for an endpoint not listed, or twice", i.ID, f.Endpoint)
		}
	}
	return nil
}

// sortEndpoints sorts endpoints without evidence into preference order
// (see sortByPreference).
func sortEndpoints(es []ServerEndpoint) { sortByPreference(es, nil) }

// sortByPreference sorts es into preference order, keeping the given order
// among equals: encrypted before plaintext, then by protocol (IMAP, POP3,
// SMTP), then by evidence level (highest first, as ev gives it), then by
// encryption (implicit TLS first, RFC 8314).
func sortByPreference(es []ServerEndpoint, ev []EndpointEvidence) {
	level := func(e ServerEndpoint) Evidence {
		if i := slices.IndexFunc(ev, func(f EndpointEvidence) bool { return f.Endpoint == e }); i >= 0 {
			return ev[i].Level
		}
		return EvidenceNone
	}
	slices.SortStableFunc(es, func(a, b ServerEndpoint) int {
		if (a.Encryption == Plaintext) == (b.Encryption == Plaintext) && a.Protocol == b.Protocol {
			if la, lb := level(a), level(b); la != lb {
				return int(lb) - int(la)
			}
		}
		return a.compare(b)
	})
}

// Info returns a copy of everything known about the provider.
func (p Provider) Info() ProviderInfo { return p.data().clone() }

// NameIn returns the display name for a BCP 47 language tag: the
// provider's own name in that language where it has one ("QQ邮箱" for
// "zh-CN"), else Name.
func (p Provider) NameIn(lang string) string {
	if s := p.data().Names.In(lang); s != "" {
		return s
	}
	return p.data().Name
}

// String returns the display name.
func (p Provider) String() string { return p.data().Name }

// Evidence returns what the provider's data says about endpoint e, and
// whether it says anything: false for an endpoint the provider does not
// list, and for every endpoint of a provider that is not from the built-in
// database (unless its [ProviderInfo.Evidence] was set).
func (p Provider) Evidence(e ServerEndpoint) (EndpointEvidence, bool) {
	i := p.evidenceIndex(e)
	if i < 0 {
		return EndpointEvidence{}, false
	}
	return p.data().Evidence[i].clone(), true
}

// level returns the evidence level of endpoint e of p, or EvidenceNone.
func (p Provider) level(e ServerEndpoint) Evidence {
	if i := p.evidenceIndex(e); i >= 0 {
		return p.data().Evidence[i].Level
	}
	return EvidenceNone
}

func (p Provider) evidenceIndex(e ServerEndpoint) int {
	return slices.IndexFunc(p.data().Evidence, func(f EndpointEvidence) bool { return f.Endpoint == e })
}
