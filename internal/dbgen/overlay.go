package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mailsettings/mailsettings"
	"github.com/mailsettings/mailsettings/internal/db"
)

// An overlayFile is one file of the curated overlay (internal/db/curated,
// format in SCHEMA.md there): provider records written by people, and the
// decisions a person took about the generated data.
type overlayFile struct {
	Comment       string            `json:"comment"`
	Providers     []overlayProvider `json:"providers,omitempty"`
	MXKeys        []mxKeyDecision   `json:"mx_keys,omitempty"`
	KeepDomains   []keepDecision    `json:"keep_domains,omitempty"`
	SkipFiles     []skipDecision    `json:"skip_files,omitempty"`
	SkipEndpoints []skipEndpoint    `json:"skip_endpoints,omitempty"`
	Claims        []claimDecision   `json:"claims,omitempty"`
	Checked       []checkedEntry    `json:"checked,omitempty"`

	name string // file name, for messages
}

// An overlayProvider is a provider record of the overlay. Without Amends
// it is a full record: it serves its domains, whatever the generated layers
// say; a full record without endpoints (a closed service, or one whose
// ports no source states) must have a note that says so. With Amends it
// amends the generated provider with that ID: its name, notes and account
// facts replace those of the generated record, and its domains, MX
// patterns, domain suffixes and endpoints are added.
type overlayProvider struct {
	ID             string            `json:"id"`
	Amends         string            `json:"amends,omitempty"`
	Name           string            `json:"name,omitempty"`
	Names          map[string]string `json:"names,omitempty"`
	Domains        []string          `json:"domains,omitempty"`
	DomainSuffixes []string          `json:"domain_suffixes,omitempty"`
	MX             []string          `json:"mx,omitempty"`
	Endpoints      []overlayEndpoint `json:"endpoints,omitempty"`
	Password       string            `json:"password,omitempty"`
	IMAPID         bool              `json:"imap_id,omitempty"`
	DocURL         string            `json:"doc_url,omitempty"`
	SettingsURL    string            `json:"settings_url,omitempty"`
	OAuth2         *overlayOAuth2    `json:"oauth2,omitempty"`
	Notes          []overlayNote     `json:"notes,omitempty"`
	Sources        []source          `json:"sources,omitempty"`
}

type overlayEndpoint struct {
	Protocol   string   `json:"protocol"`
	Host       string   `json:"host"`
	Port       int      `json:"port"`
	Encryption string   `json:"encryption"`
	Username   string   `json:"username"`
	Sources    []source `json:"sources"`
	Checked    string   `json:"checked"`
}

type overlayOAuth2 struct {
	Issuer   string   `json:"issuer"`
	Scopes   []string `json:"scopes"`
	AuthURL  string   `json:"auth_url"`
	TokenURL string   `json:"token_url"`
}

type overlayNote struct {
	Kind    string            `json:"kind"`
	Text    map[string]string `json:"text"`
	URL     string            `json:"url,omitempty"`
	Sources []source          `json:"sources,omitempty"`
}

// An mxKeyDecision says that a domain a source lists is an MX lookup key:
// it becomes the MX patterns MX (none: it is dropped) for Provider (by
// default the provider that serves the source's other domains, or the
// source's own record), and is not a mail domain.
type mxKeyDecision struct {
	Source   string   `json:"source"`
	Domain   string   `json:"domain"`
	MX       []string `json:"mx"`
	Provider string   `json:"provider,omitempty"`
	Why      string   `json:"why"`
}

// A keepDecision says that a domain the ISPDB lists under an MX comment is
// a mail domain all the same.
type keepDecision struct {
	Source string `json:"source"`
	Domain string `json:"domain"`
	Why    string `json:"why"`
}

// A skipDecision leaves a whole source file out.
type skipDecision struct {
	Source string `json:"source"`
	Why    string `json:"why"`
}

// A skipEndpoint leaves one endpoint of a source file out.
type skipEndpoint struct {
	Source   string `json:"source"`
	Endpoint string `json:"endpoint"`
	Why      string `json:"why"`
}

// A claimDecision settles a disagreement: Source (a claim's reference,
// such as "mailcore2:qq") states Endpoint for domains of Provider, which
// lacks it. "accept" adds it (graded by its sources, this decision's
// included); "reject" leaves it out.
type claimDecision struct {
	Source   string   `json:"source"`
	Endpoint string   `json:"endpoint"`
	Provider string   `json:"provider"`
	Decision string   `json:"decision"`
	Why      string   `json:"why"`
	Sources  []source `json:"sources,omitempty"`
}

// A checkedEntry records that an endpoint answered a re-check (see
// internal/cmd/recheck) on Date.
type checkedEntry struct {
	Endpoint string `json:"endpoint"`
	Date     string `json:"date"`
}

// readOverlay reads every *.json file in dir, in name order. Unknown fields
// are errors, so that a misspelt field is not silently ignored.
func readOverlay(dir string) ([]*overlayFile, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	var out []*overlayFile
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		f := &overlayFile{name: filepath.Base(name)}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(f); err != nil {
			return nil, fmt.Errorf("dbgen: curated/%s: %w", f.name, err)
		}
		if dec.More() {
			return nil, fmt.Errorf("dbgen: curated/%s: data after the object", f.name)
		}
		if err := f.validate(); err != nil {
			return nil, fmt.Errorf("dbgen: curated/%s: %w", f.name, err)
		}
		out = append(out, f)
	}
	return out, nil
}

var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// validate checks what can be checked within one file.
func (f *overlayFile) validate() error {
	if strings.TrimSpace(f.Comment) == "" {
		return fmt.Errorf("no comment saying what the file covers")
	}
	for i := range f.Providers {
		if err := f.Providers[i].validate(); err != nil {
			return fmt.Errorf("provider %q: %w", f.Providers[i].ID, err)
		}
	}
	for _, d := range f.MXKeys {
		for _, p := range d.MX {
			if err := checkPattern(p); err != nil {
				return fmt.Errorf("mx_keys %s %s: %w", d.Source, d.Domain, err)
			}
		}
		if d.Source == "" || d.Domain == "" || d.Why == "" {
			return fmt.Errorf("mx_keys entry %+v: source, domain and why are required", d)
		}
	}
	for _, d := range f.KeepDomains {
		if d.Source == "" || d.Domain == "" || d.Why == "" {
			return fmt.Errorf("keep_domains entry %+v: source, domain and why are required", d)
		}
	}
	for _, d := range f.SkipFiles {
		if d.Source == "" || d.Why == "" {
			return fmt.Errorf("skip_files entry %+v: source and why are required", d)
		}
	}
	for _, d := range f.SkipEndpoints {
		if _, err := parseKey(d.Endpoint); err != nil || d.Source == "" || d.Why == "" {
			return fmt.Errorf("skip_endpoints entry %+v: source, a valid endpoint and why are required (%v)", d, err)
		}
	}
	for _, d := range f.Claims {
		if _, err := parseKey(d.Endpoint); err != nil {
			return fmt.Errorf("claims entry %s %s: %w", d.Source, d.Endpoint, err)
		}
		if d.Source == "" || d.Provider == "" || d.Why == "" || (d.Decision != "accept" && d.Decision != "reject") {
			return fmt.Errorf("claims entry %s %s: source, provider, why and a decision (accept or reject) are required", d.Source, d.Endpoint)
		}
		if err := checkSources(d.Sources, false); err != nil {
			return fmt.Errorf("claims entry %s %s: %w", d.Source, d.Endpoint, err)
		}
	}
	for _, c := range f.Checked {
		if _, err := parseKey(c.Endpoint); err != nil || len(c.Date) != 10 || !validDate(c.Date) {
			return fmt.Errorf("checked entry %+v: a valid endpoint and a YYYY-MM-DD date are required", c)
		}
	}
	return nil
}

func (p *overlayProvider) amendment() bool { return p.Amends != "" }

func (p *overlayProvider) validate() error {
	if !idPattern.MatchString(p.ID) && p.Amends == "" {
		return fmt.Errorf("id must be lower-case letters, digits and single hyphens")
	}
	if !p.amendment() && p.Name == "" {
		return fmt.Errorf("a full record needs a name")
	}
	if !p.amendment() && len(p.Endpoints) == 0 && len(p.Notes) == 0 {
		return fmt.Errorf("a full record without endpoints needs a note saying why")
	}
	if err := checkText(p.Name, 80); err != nil {
		return fmt.Errorf("name: %w", err)
	}
	for lang, n := range p.Names {
		if lang != "zh-Hans" && lang != "zh-Hant" {
			return fmt.Errorf("names: language %q (zh-Hans and zh-Hant only)", lang)
		}
		if err := checkText(n, 80); err != nil || n == "" {
			return fmt.Errorf("names %s: %v", lang, err)
		}
	}
	for _, d := range append(slices.Clone(p.Domains), p.DomainSuffixes...) {
		if err := checkDomain(d); err != nil {
			return err
		}
	}
	for _, m := range p.MX {
		if err := checkPattern(m); err != nil {
			return err
		}
	}
	for i := range p.Endpoints {
		if _, err := p.Endpoints[i].endpoint(); err != nil {
			return err
		}
	}
	if p.Password != "" {
		if _, err := parsePassword(p.Password); err != nil {
			return fmt.Errorf("password %q", p.Password)
		}
	}
	for _, u := range []string{p.DocURL, p.SettingsURL} {
		if err := checkURL(u); err != nil {
			return err
		}
	}
	if o := p.OAuth2; o != nil {
		if o.Issuer == "" || checkURL(o.AuthURL) != nil || checkURL(o.TokenURL) != nil || o.AuthURL == "" || o.TokenURL == "" {
			return fmt.Errorf("oauth2 needs an issuer and https auth and token URLs")
		}
	}
	for _, n := range p.Notes {
		if _, err := n.note(); err != nil {
			return err
		}
	}
	if !p.amendment() || len(p.Domains) > 0 {
		if err := checkSources(p.Sources, true); err != nil {
			return fmt.Errorf("provider sources: %w", err)
		}
	}
	return checkSources(p.Sources, false)
}

// endpoint converts and checks an overlay endpoint.
func (e *overlayEndpoint) endpoint() (*endpoint, error) {
	k, err := parseKey(fmt.Sprintf("%s %s:%d %s", e.Protocol, e.Host, e.Port, e.Encryption))
	if err != nil {
		return nil, err
	}
	u, err := parseUsername(e.Username)
	if err != nil {
		return nil, fmt.Errorf("endpoint %v: %w", k, err)
	}
	if err := checkSources(e.Sources, true); err != nil {
		return nil, fmt.Errorf("endpoint %v: %w", k, err)
	}
	if !validDate(e.Checked) || len(e.Checked) != 10 {
		return nil, fmt.Errorf("endpoint %v: checked %q is not YYYY-MM-DD", k, e.Checked)
	}
	return &endpoint{key: k, user: u, sources: slices.Clone(e.Sources), checked: e.Checked}, nil
}

var noteKinds = map[string]mailsettings.NoteKind{
	"password": mailsettings.NotePassword, "enable": mailsettings.NoteEnable, "imap-id": mailsettings.NoteIMAPID,
	"certificate": mailsettings.NoteCertificate, "plaintext": mailsettings.NotePlaintext, "general": mailsettings.NoteGeneral,
}

// note converts and checks an overlay note.
func (n *overlayNote) note() (note, error) {
	k, ok := noteKinds[n.Kind]
	if !ok {
		return note{}, fmt.Errorf("note kind %q", n.Kind)
	}
	for lang := range n.Text {
		if lang != "en" && lang != "zh-Hans" && lang != "zh-Hant" {
			return note{}, fmt.Errorf("note text language %q (en, zh-Hans, zh-Hant)", lang)
		}
	}
	t := db.Text{En: n.Text["en"], Hans: n.Text["zh-Hans"], Hant: n.Text["zh-Hant"]}
	if t.En == "" {
		return note{}, fmt.Errorf("note without English text")
	}
	for _, s := range []string{t.En, t.Hans, t.Hant} {
		if err := checkText(s, 600); err != nil {
			return note{}, fmt.Errorf("note text: %w", err)
		}
	}
	if err := checkURL(n.URL); err != nil {
		return note{}, err
	}
	if err := checkSources(n.Sources, false); err != nil {
		return note{}, fmt.Errorf("note: %w", err)
	}
	return note{kind: k, text: t, url: n.URL}, nil
}

// checkSources checks a source list; need says at least one is required.
func checkSources(srcs []source, need bool) error {
	if need && len(srcs) == 0 {
		return fmt.Errorf("no source")
	}
	for _, s := range srcs {
		if !validKind(s.Kind) {
			return fmt.Errorf("source %q: kind %q", s.Ref, s.Kind)
		}
		if s.Ref == "" || checkText(s.Ref, 300) != nil {
			return fmt.Errorf("source with an empty or bad ref %q", s.Ref)
		}
		if utf8.RuneCountInString(s.Quote) > 200 || checkText(s.Quote, 1000) != nil {
			return fmt.Errorf("source %q: quote longer than 200 characters or with control characters", s.Ref)
		}
	}
	return nil
}

// checkText rejects control and format characters (bidi overrides and
// the like) and text longer than max bytes.
func checkText(s string, max int) error {
	if len(s) > max {
		return fmt.Errorf("text longer than %d bytes", max)
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return fmt.Errorf("text %q holds a control or format character %U", s, r)
		}
	}
	return nil
}

// checkURL accepts "" and https URLs.
func checkURL(u string) error {
	if u == "" {
		return nil
	}
	p, err := url.Parse(u)
	if err != nil || p.Scheme != "https" || p.Host == "" || checkText(u, 2048) != nil {
		return fmt.Errorf("URL %q: https only", u)
	}
	return nil
}

// checkDomain accepts a normalized mail domain.
func checkDomain(d string) error {
	if s, _ := mailsettings.Lookup(d); s.Domain != d || s.LocalPart != "" {
		return fmt.Errorf("domain %q is not a normalized domain", d)
	}
	return nil
}

// checkPattern accepts an MX pattern: a host name, or "*." and a suffix.
func checkPattern(p string) error {
	h := strings.TrimPrefix(p, "*.")
	if err := checkDomain(h); err != nil || !strings.Contains(h, ".") {
		return fmt.Errorf("MX pattern %q: not a host name or *.suffix", p)
	}
	return nil
}
