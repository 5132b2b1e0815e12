package main

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/db"
	"golang.org/x/net/publicsuffix"
)

// The kinds of source, strongest last (see grade).
const (
	kindReport   = "report"   // a user report, public code, an issue thread, a blog
	kindDataset  = "dataset"  // one dataset (MailCore2, K-9, nodemailer, ...)
	kindCurated  = "curated"  // a maintained client database (ISPDB, provider-db, FairEmail)
	kindOfficial = "official" // the provider's own help page or its own autoconfig
)

// A source is one voice that states a fact.
type source struct {
	Kind  string `json:"kind"`
	Ref   string `json:"ref"`
	Group string `json:"group,omitempty"`
	Quote string `json:"quote,omitempty"`
	// date is the date the source vouches for the fact: a snapshot's date
	// or the check date it gives. Overlay sources have none (their
	// endpoint's checked date counts).
	date string
}

// group returns the independence group of s: sources of one group copy one
// another and count once. Without an explicit group, two files of one
// GitHub repository are one group, and so are two pages of one web site.
func (s source) group() string {
	if s.Group != "" {
		return s.Group
	}
	ref := s.Ref
	if u, err := url.Parse(ref); err == nil && u.Host != "" {
		host := strings.TrimPrefix(strings.ToLower(u.Host), "www.")
		if host == "github.com" || host == "gitee.com" || host == "gitlab.com" {
			parts := strings.SplitN(strings.Trim(u.Path, "/"), "/", 3)
			if len(parts) >= 2 {
				return host + "/" + strings.ToLower(parts[0]+"/"+parts[1])
			}
		}
		return host
	}
	// "owner/repo path@commit" names a file of a repository.
	if repo, _, ok := strings.Cut(ref, " "); ok && strings.Count(repo, "/") == 1 {
		return "github.com/" + strings.ToLower(repo)
	}
	return ref
}

// validKind reports whether k is one of the source kinds.
func validKind(k string) bool {
	return k == kindReport || k == kindDataset || k == kindCurated || k == kindOfficial
}

// grade returns the evidence level that srcs earn (the grading rules of
// internal/db/curated/SCHEMA.md): official if any source is official; else
// curated if any is curated; else corroborated if two or more independent
// groups agree; else reported. It returns 0 for no source.
func grade(srcs []source) uint8 {
	if len(srcs) == 0 {
		return 0
	}
	groups := map[string]bool{}
	level := uint8(db.Reported)
	for _, s := range srcs {
		switch s.Kind {
		case kindOfficial:
			return db.Official
		case kindCurated:
			level = db.Curated
		default:
			groups[s.group()] = true
		}
	}
	if level == db.Reported && len(groups) >= 2 {
		level = db.Corroborated
	}
	return level
}

// levelName returns the text form of a level code.
func levelName(l uint8) string {
	switch l {
	case db.Official:
		return "official"
	case db.Curated:
		return "curated"
	case db.Corroborated:
		return "corroborated"
	case db.Reported:
		return "reported"
	}
	return "none"
}

// A key identifies an endpoint fact: the sources of an endpoint agree when
// they state the same protocol, host, port and encryption.
type key struct {
	proto mailsettings.Protocol
	host  string
	port  uint16
	enc   mailsettings.Encryption
}

func keyOf(e mailsettings.ServerEndpoint) key { return key{e.Protocol, e.Host, e.Port, e.Encryption} }

// String returns the short form used in the overlay and the report, such
// as "imap imap.qq.com:993 tls".
func (k key) String() string {
	return fmt.Sprintf("%s %s:%d %s", k.proto, k.host, k.port, k.enc)
}

// parseKey reads the form written by key.String.
func parseKey(s string) (key, error) {
	f := strings.Fields(s)
	if len(f) != 3 {
		return key{}, fmt.Errorf("endpoint %q: want \"PROTOCOL HOST:PORT ENCRYPTION\"", s)
	}
	var k key
	var err error
	if k.proto, err = parseCode(f[0], mailsettings.IMAP, mailsettings.POP3, mailsettings.SMTP); err != nil {
		return key{}, fmt.Errorf("endpoint %q: %w", s, err)
	}
	if k.enc, err = parseCode(f[2], mailsettings.ImplicitTLS, mailsettings.STARTTLS, mailsettings.Plaintext); err != nil {
		return key{}, fmt.Errorf("endpoint %q: %w", s, err)
	}
	host, port, ok := strings.Cut(f[1], ":")
	n, err := strconv.ParseUint(port, 10, 16)
	if !ok || err != nil || n == 0 {
		return key{}, fmt.Errorf("endpoint %q: bad HOST:PORT", s)
	}
	k.host, k.port = host, uint16(n)
	e := mailsettings.ServerEndpoint{Protocol: k.proto, Host: k.host, Port: k.port, Encryption: k.enc, Username: mailsettings.UsernameAddress}
	if err := e.Validate(); err != nil {
		return key{}, err
	}
	return k, nil
}

// An endpoint of a provider being built, with every source that states it.
type endpoint struct {
	key
	user    mailsettings.UsernameForm
	sources []source
	checked string // a person's check date (overlay, recheck), if any
}

// addSources adds the sources not yet listed (by ref).
func (e *endpoint) addSources(srcs ...source) {
	for _, s := range srcs {
		if !slices.ContainsFunc(e.sources, func(t source) bool { return t.Ref == s.Ref }) {
			e.sources = append(e.sources, s)
		}
	}
}

// date returns the newest date among the endpoint's check date and its
// sources' dates.
func (e *endpoint) date() string {
	d := e.checked
	for _, s := range e.sources {
		d = newer(d, s.date)
	}
	return d
}

// newer returns the later of two dates of the forms YYYY-MM-DD and
// YYYY-MM (a month sorts before its days).
func newer(a, b string) string {
	if b > a {
		return b
	}
	return a
}

// validDate reports whether s has the form YYYY-MM-DD or YYYY-MM.
func validDate(s string) bool {
	if len(s) != 7 && len(s) != 10 {
		return false
	}
	for i, c := range s {
		if i == 4 || i == 7 {
			if c != '-' {
				return false
			}
		} else if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// A note being built.
type note struct {
	kind  mailsettings.NoteKind
	stock uint8
	text  db.Text
	url   string
}

// A provider being built.
type provider struct {
	id, name, nameHans, nameHant string
	domains                      []string
	suffixes                     []string
	mx                           []string
	endpoints                    []*endpoint
	docURL, settingsURL          string
	password                     mailsettings.PasswordKind
	imapID                       bool
	oauth2                       *mailsettings.OAuth2
	notes                        []note
	sources                      []source // provider-level
	origin                       string   // "overlay", "ispdb" or "provider-db"
	curatedNotes                 bool     // notes came from the overlay
}

// endpoint returns the provider's endpoint with key k, or nil.
func (p *provider) endpoint(k key) *endpoint {
	for _, e := range p.endpoints {
		if e.key == k {
			return e
		}
	}
	return nil
}

// addSource adds a provider-level source not yet listed.
func (p *provider) addSource(s source) {
	if !slices.ContainsFunc(p.sources, func(t source) bool { return t.Ref == s.Ref }) {
		p.sources = append(p.sources, s)
	}
}

// hostDomains returns the registrable domains inside which a reported-only
// endpoint of p may lie: those of its mail domains, of its own help page
// and of its own mail exchangers (its MX patterns).
func (p *provider) hostDomains() []string {
	var out []string
	add := func(host string) {
		if r, err := publicsuffix.EffectiveTLDPlusOne(host); err == nil && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	for _, d := range p.domains {
		add(d)
	}
	for _, s := range p.suffixes {
		add("x." + s)
	}
	for _, m := range p.mx {
		add(strings.TrimPrefix(m, "*."))
	}
	if u, err := url.Parse(p.docURL); err == nil && u.Scheme == "https" && u.Host != "" {
		add(strings.ToLower(u.Hostname()))
	}
	return out
}

// inside reports whether host is one of domains or below one of them.
func inside(host string, domains []string) bool {
	for _, d := range domains {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

// parseCode returns the code of codes spelled s, in any case.
func parseCode[T ~string](s string, codes ...T) (T, error) {
	for _, c := range codes {
		if strings.EqualFold(s, string(c)) {
			return c, nil
		}
	}
	return "", fmt.Errorf("unknown %T %q", codes[0], s)
}

// parsePassword reads a password kind of the overlay.
func parsePassword(s string) (mailsettings.PasswordKind, error) {
	return parseCode(s, mailsettings.PasswordAccount, mailsettings.PasswordApp, mailsettings.PasswordAuthCode, mailsettings.PasswordOAuth2Only)
}

// parseUsername reads a username form of the overlay.
func parseUsername(s string) (mailsettings.UsernameForm, error) {
	return parseCode(s, mailsettings.UsernameAddress, mailsettings.UsernameLocalPart, mailsettings.UsernameLocalPartDotDomain)
}

// protoRank is a protocol's place in the order of preference (IMAP, POP3,
// SMTP), as the package orders endpoints.
func protoRank(p mailsettings.Protocol) int {
	return slices.Index([]mailsettings.Protocol{mailsettings.IMAP, mailsettings.POP3, mailsettings.SMTP}, p)
}

// encRank is an encryption's place in the order of preference (implicit
// TLS, STARTTLS, plaintext).
func encRank(e mailsettings.Encryption) int {
	return slices.Index([]mailsettings.Encryption{mailsettings.ImplicitTLS, mailsettings.STARTTLS, mailsettings.Plaintext}, e)
}
